/**
 * The evaluator's scalar expressions against hand-computed expectations: literals, arithmetic,
 * Kusto's null rules, string operators, conversions, dynamic access and the datetime functions.
 */
import { describe, expect, it } from "vitest";
import { ms, rowsOf, value } from "./eval-helpers";

describe("literals and arithmetic", () => {
    it("reads every literal kind", () => {
        expect(value("true")).toBe(true);
        expect(value("42")).toBe(42);
        expect(value("int(7)")).toBe(7);
        expect(value("2.5")).toBe(2.5);
        expect(value("1e3")).toBe(1000);
        expect(value('"a\\tb"')).toBe("a\tb");
        expect(value("@'c:\\x'")).toBe("c:\\x");
        expect(value("datetime(2024-01-02 03:04:05.678)")).toBe(ms("2024-01-02T03:04:05.678Z"));
        expect(value("datetime(2024-01-02T03:04:05+02:00)")).toBe(ms("2024-01-02T01:04:05Z"));
        expect(value("5m")).toBe(300_000);
        expect(value("1.5d")).toBe(129_600_000);
        expect(value("100ms")).toBe(100);
        expect(value("time(1.02:03:04.5)")).toBe(((26 * 60 + 3) * 60 + 4.5) * 1000);
        expect(value("long(null)")).toBeNull();
        expect(value("datetime(null)")).toBeNull();
        expect(value('dynamic({"a": [1, "x", null], "b": {"c": true}})')).toEqual({ a: [1, "x", null], b: { c: true } });
    });

    it("divides longs as integers truncating toward zero and reals as reals", () => {
        expect(value("7 / 2")).toBe(3);
        expect(value("-7 / 2")).toBe(-3);
        expect(value("7 % 3")).toBe(1);
        expect(value("7.0 / 2")).toBe(3.5);
        expect(value("todouble(7) / 2")).toBe(3.5);
        expect(value("7 / 0")).toBeNull();
        expect(value("1 + long(null)")).toBeNull();
    });

    it("does datetime and timespan arithmetic", () => {
        expect(value("datetime(2024-01-01) + 1h")).toBe(ms("2024-01-01T01:00:00Z"));
        expect(value("datetime(2024-01-02) - datetime(2024-01-01)")).toBe(86_400_000);
        expect(value("2h / 30m")).toBe(4);
        expect(value("1d / 1m")).toBe(1440);
        expect(value("-5m")).toBe(-300_000);
        expect(value("10m * 2")).toBe(1_200_000);
    });
});

describe("null semantics", () => {
    it("compares with null as Kusto does: == false, != true, two nulls null, ordering null", () => {
        expect(value("long(null) == 1")).toBe(false);
        expect(value("long(null) != 1")).toBe(true);
        expect(value("long(null) == long(null)")).toBeNull();
        expect(value("long(null) != long(null)")).toBeNull();
        expect(value("long(null) < 1")).toBeNull();
        expect(value("long(null) > 1")).toBeNull();
    });

    it("uses three-valued and/or and not()", () => {
        expect(value("false and bool(null)")).toBe(false);
        expect(value("true and bool(null)")).toBeNull();
        expect(value("true or bool(null)")).toBe(true);
        expect(value("false or bool(null)")).toBeNull();
        expect(value("not(bool(null))")).toBeNull();
        expect(value("not(false)")).toBe(true);
    });

    it("keeps only rows whose where condition is true (null drops the row)", () => {
        const rows = rowsOf("datatable(x:long)[1, long(null), 3] | where x > 1 or x < 0 | project x");
        expect(rows).toEqual([{ x: 3 }]);
        const notEqual = rowsOf("datatable(x:long)[1, long(null), 3] | where x != 1 | project x");
        expect(notEqual).toEqual([{ x: null }, { x: 3 }]);
    });

    it("treats strings as never null: a missing string is empty", () => {
        expect(value('isempty("")')).toBe(true);
        expect(value('isnull("")')).toBe(false);
        expect(value("isempty(long(null))")).toBe(true);
        expect(value("isnotempty(dynamic(null))")).toBe(false);
        expect(value("isnotnull(0)")).toBe(true);
        const rows = rowsOf("AzureDiagnostics | project ResultType, empty = isempty(ResultType)", [{ TimeGenerated: "2026-11-22T00:00:00Z" }]);
        expect(rows).toEqual([{ ResultType: "", empty: true }]);
    });
});

describe("string operators", () => {
    it("== is case-sensitive, =~ and !~ are not", () => {
        expect(value('"Error" == "error"')).toBe(false);
        expect(value('"Error" =~ "error"')).toBe(true);
        expect(value('"Error" !~ "ERROR"')).toBe(false);
        expect(value('"Error" != "error"')).toBe(true);
    });

    it("has matches whole terms only, case-insensitively; has_cs is case-sensitive", () => {
        expect(value('"North America" has "america"')).toBe(true);
        expect(value('"North America" has "meric"')).toBe(false);
        expect(value('"DeviceConnectionClosedRemotely" has "Connection"')).toBe(false);
        expect(value('"ad67d136-c1db-4f9f" has "c1db"')).toBe(true);
        expect(value('"a.b-c" has "b-c"')).toBe(true);
        expect(value('"North America" has_cs "america"')).toBe(false);
        expect(value('"North America" !has "america"')).toBe(false);
        expect(value('"North America" hasprefix "amer"')).toBe(true);
        expect(value('"North America" hassuffix "rica"')).toBe(true);
    });

    it("contains, startswith and endswith ignore case; the _cs forms do not", () => {
        expect(value('"FabriKam" contains "BRik"')).toBe(true);
        expect(value('"FabriKam" contains_cs "brik"')).toBe(false);
        expect(value('"FabriKam" !contains "xyz"')).toBe(true);
        expect(value('"500001" startswith "500"')).toBe(true);
        expect(value('"Fabrikam" startswith "FAB"')).toBe(true);
        expect(value('"Fabrikam" startswith_cs "FAB"')).toBe(false);
        expect(value('"Fabrikam" endswith "KAM"')).toBe(true);
        expect(value('"Fabrikam" !startswith "fab"')).toBe(false);
        expect(value('"abc123" matches regex "[a-c]+[0-9]{3}"')).toBe(true);
    });

    it("in is case-sensitive, in~ is not; both flatten dynamic arrays; !in and !in~ negate", () => {
        expect(value('"A" in ("a", "b")')).toBe(false);
        expect(value('"A" in~ ("a", "b")')).toBe(true);
        expect(value('"c" !in ("a", "b")')).toBe(true);
        expect(value('"B" !in~ ("a", "b")')).toBe(false);
        expect(value('"b" in (dynamic(["a", "b"]))')).toBe(true);
        expect(value("3 in (1, 2, 3)")).toBe(true);
        expect(rowsOf('let hubs = dynamic(["/X/HUB"]); print v = "/x/hub" in~ (hubs)')[0].v).toBe(true);
    });

    it("between is inclusive and accepts a timespan as the upper bound of a datetime range", () => {
        expect(value("5 between (1 .. 5)")).toBe(true);
        expect(value("6 between (1 .. 5)")).toBe(false);
        expect(value("6 !between (1 .. 5)")).toBe(true);
        expect(value("datetime(2024-01-01 00:30) between (datetime(2024-01-01) .. 1h)")).toBe(true);
    });

    it("has_any and has_all match whole terms", () => {
        expect(value('"keep-alive timeout" has_any ("reset", "timeout")')).toBe(true);
        expect(value('"keep-alive timeout" has_all ("keep", "reset")')).toBe(false);
    });
});

describe("conversions", () => {
    it("tostring formats each type as Kusto does", () => {
        expect(value("tostring(5)")).toBe("5");
        expect(value("tostring(2.5)")).toBe("2.5");
        expect(value("tostring(true)")).toBe("true");
        expect(value("tostring(datetime(2024-01-02 03:04:05))")).toBe("2024-01-02T03:04:05Z");
        expect(value("tostring(datetime(2024-01-02 03:04:05.5))")).toBe("2024-01-02T03:04:05.5000000Z");
        expect(value("tostring(90m)")).toBe("01:30:00");
        expect(value("tostring(1d + 2s)")).toBe("1.00:00:02");
        expect(value("tostring(long(null))")).toBe("");
        expect(value('tostring(dynamic({"a": 1}))')).toBe('{"a":1}');
        expect(value('tostring(dynamic("text"))')).toBe("text");
    });

    it("todouble, toint and tolong parse text and truncate reals", () => {
        expect(value('todouble("1.5")')).toBe(1.5);
        expect(value('todouble("abc")')).toBeNull();
        expect(value('todouble("")')).toBeNull();
        expect(value("toint(2.7)")).toBe(2);
        expect(value("toint(-2.7)")).toBe(-2);
        expect(value('tolong("42")')).toBe(42);
        expect(value("toint(true)")).toBe(1);
        expect(value('tobool("TRUE")')).toBe(true);
        expect(value('todatetime("2024-01-02T03:04:05Z")')).toBe(ms("2024-01-02T03:04:05Z"));
        expect(value('totimespan("00:05:00")')).toBe(300_000);
    });

    it("parse_json reads properties, nested paths, indexes and invalid JSON as a string", () => {
        const props = '\'{"deviceId":"dev-1","authType":"{\\\\"scope\\\\":\\\\"device\\\\"}","n":3,"list":[10,20,30]}\'';
        expect(value(`tostring(parse_json(${props}).deviceId)`)).toBe("dev-1");
        expect(value(`tostring(parse_json(tostring(parse_json(${props}).authType)).scope)`)).toBe("device");
        expect(value(`toint(parse_json(${props}).n) + 1`)).toBe(4);
        expect(value(`parse_json(${props}).list[-1]`)).toBe(30);
        expect(value(`parse_json(${props})["list"][0]`)).toBe(10);
        expect(value(`isnull(parse_json(${props}).absent)`)).toBe(true);
        expect(value(`tostring(parse_json(${props}).absent)`)).toBe("");
        expect(value('parse_json("not json")')).toBe("not json");
        expect(value('isnull(parse_json("{}")["constructor"])')).toBe(true);
    });

    it("strcat, split, array_length, substring and the case functions", () => {
        expect(value('strcat("a", 1, "-", true)')).toBe("a1-true");
        expect(value('split("/subscriptions/s/iothubs/hub-a", "/")')).toEqual(["", "subscriptions", "s", "iothubs", "hub-a"]);
        expect(value('tostring(split("/subscriptions/s/iothubs/hub-a", "/")[-1])')).toBe("hub-a");
        expect(value('split("a,b,c", ",", 1)')).toEqual(["b"]);
        expect(value('array_length(split("a,b,c", ","))')).toBe(3);
        expect(value('array_length(parse_json("5"))')).toBeNull();
        expect(value('substring("abcdef", 2, 3)')).toBe("cde");
        expect(value('toupper("ab")')).toBe("AB");
        expect(value('strlen("abc")')).toBe(3);
        expect(value('replace_string("a-b-c", "-", "+")')).toBe("a+b+c");
        expect(value('extract("v([0-9.]+)", 1, "sdk v1.2.3")')).toBe("1.2.3");
    });
});

describe("numeric and logical functions", () => {
    it("round rounds half away from zero at the given precision", () => {
        expect(value("round(2.98765, 3)")).toBe(2.988);
        expect(value("round(2.15, 1)")).toBe(2.2);
        expect(value("round(2.15)")).toBe(2);
        expect(value("round(-50.55, -2)")).toBe(-100);
        expect(value("round(21.5, -1)")).toBe(20);
        expect(value("round(-2.5)")).toBe(-3);
    });

    it("abs, bin on numbers, max_of and min_of", () => {
        expect(value("abs(-3)")).toBe(3);
        expect(value("bin(4.5, 1)")).toBe(4);
        expect(value("bin(-4.5, 1)")).toBe(-5);
        expect(value("bin(17, 5)")).toBe(15);
        expect(value("bin(17, 0)")).toBeNull();
        expect(value("max_of(1, 5, long(null), 3)")).toBe(5);
        expect(value("min_of(4, 2)")).toBe(2);
    });

    it("iff and case pick a branch; a null condition takes the else branch", () => {
        expect(value('iff(1 > 0, "yes", "no")')).toBe("yes");
        expect(value('iff(bool(null), "yes", "no")')).toBe("no");
        expect(value('case(5 < 3, "a", 5 < 10, "b", "c")')).toBe("b");
        expect(value('case(false, "a", "c")')).toBe("c");
        expect(value('coalesce("", "x", "y")')).toBe("x");
        expect(value("coalesce(long(null), 2)")).toBe(2);
    });
});

describe("datetime functions", () => {
    it("datetime_diff counts calendar boundaries crossed (Microsoft's examples)", () => {
        expect(value("datetime_diff('year', datetime(2017-01-01), datetime(2000-12-31))")).toBe(17);
        expect(value("datetime_diff('quarter', datetime(2017-07-01), datetime(2017-03-30))")).toBe(2);
        expect(value("datetime_diff('month', datetime(2017-01-01), datetime(2015-12-30))")).toBe(13);
        expect(value("datetime_diff('week', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))")).toBe(5);
        expect(value("datetime_diff('day', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))")).toBe(29);
        expect(value("datetime_diff('hour', datetime(2017-10-31 01:00), datetime(2017-10-30 23:59))")).toBe(2);
        expect(value("datetime_diff('minute', datetime(2017-10-30 23:05:01), datetime(2017-10-30 23:00:59))")).toBe(5);
        expect(value("datetime_diff('second', datetime(2017-10-30 23:00:10.100), datetime(2017-10-30 23:00:00.900))")).toBe(10);
        expect(value("datetime_diff('millisecond', datetime(2017-10-30 23:00:00.200100), datetime(2017-10-30 23:00:00.100900))")).toBe(100);
    });

    it("datetime_diff is not elapsed time divided by the period: 2 seconds across a minute boundary is 1 minute", () => {
        expect(value("datetime_diff('minute', datetime(2024-01-01 10:01:00), datetime(2024-01-01 10:00:59))")).toBe(1);
        expect(value("datetime_diff('minute', datetime(2024-01-01 10:00:59), datetime(2024-01-01 10:00:00))")).toBe(0);
        expect(value("datetime_diff('Minute', datetime(2024-01-01 10:00:00), datetime(2024-01-01 10:03:30))")).toBe(-3);
    });

    it("bin aligns datetimes to multiples of the bin size since 1970-01-01", () => {
        expect(value("bin(datetime(1970-05-11 13:45:07), 1d)")).toBe(ms("1970-05-11T00:00:00Z"));
        expect(value("bin(datetime(2026-11-22 10:07:59), 5m)")).toBe(ms("2026-11-22T10:05:00Z"));
        expect(value("bin(datetime(2026-11-22 10:07:59), 7m)")).toBe(Math.floor(ms("2026-11-22T10:07:59Z") / 420_000) * 420_000);
        expect(value("bin(time(16d), 7d)")).toBe(14 * 86_400_000);
        expect(value("floor(datetime(2026-11-22 10:07:59), 1h)")).toBe(ms("2026-11-22T10:00:00Z"));
        expect(value("bin_at(datetime(2026-11-22 10:07:00), 1h, datetime(2026-11-22 00:30))")).toBe(ms("2026-11-22T09:30:00Z"));
    });

    it("now() and ago() are bound to the evaluation time", () => {
        expect(value("now()", "2026-11-22T12:00:00Z")).toBe(ms("2026-11-22T12:00:00Z"));
        expect(value("ago(1h)", "2026-11-22T12:00:00Z")).toBe(ms("2026-11-22T11:00:00Z"));
        expect(value("now(-30m)", "2026-11-22T12:00:00Z")).toBe(ms("2026-11-22T11:30:00Z"));
    });

    it("datetime_add, startof* and the parts functions", () => {
        expect(value("datetime_add('month', 1, datetime(2024-01-31))")).toBe(ms("2024-02-29T00:00:00Z"));
        expect(value("datetime_add('minute', -5, datetime(2024-01-01 00:00))")).toBe(ms("2023-12-31T23:55:00Z"));
        expect(value("startofday(datetime(2024-03-05 17:00))")).toBe(ms("2024-03-05T00:00:00Z"));
        expect(value("startofweek(datetime(2024-03-06 17:00))")).toBe(ms("2024-03-03T00:00:00Z"));
        expect(value("startofmonth(datetime(2024-03-06 17:00))")).toBe(ms("2024-03-01T00:00:00Z"));
        expect(value("dayofweek(datetime(2024-03-06 17:00))")).toBe(3 * 86_400_000);
        expect(value("hourofday(datetime(2024-03-06 17:20))")).toBe(17);
    });
});
