/**
 * The evaluator's scalar expressions against hand-computed expectations: literals, arithmetic,
 * Kusto's null rules, string operators, conversions, dynamic access and the datetime functions.
 */
import { describe, expect, it } from "vitest";
import type { EvalValue } from "../kql/eval";
import { ms, rowsOf, value } from "./eval-helpers";

/** Evaluates each expression with `print` and compares it with the hand-computed value. */
function check(cases: ReadonlyArray<readonly [string, EvalValue]>, now?: string): void {
    for (const [expression, expected] of cases) expect(value(expression, now), expression).toEqual(expected);
}

describe("literals and arithmetic", () => {
    it("reads every literal kind", () => {
        check([
            ["true", true],
            ["42", 42],
            ["int(7)", 7],
            ["2.5", 2.5],
            ["1e3", 1000],
            ['"a\\tb"', "a\tb"],
            ["@'c:\\x'", "c:\\x"],
            ["datetime(2024-01-02 03:04:05.678)", ms("2024-01-02T03:04:05.678Z")],
            ["datetime(2024-01-02T03:04:05+02:00)", ms("2024-01-02T01:04:05Z")],
            ["5m", 300_000],
            ["1.5d", 129_600_000],
            ["100ms", 100],
            ["time(1.02:03:04.5)", ((26 * 60 + 3) * 60 + 4.5) * 1000],
            ["long(null)", null],
            ["datetime(null)", null],
            ['dynamic({"a": [1, "x", null], "b": {"c": true}})', { a: [1, "x", null], b: { c: true } }],
        ]);
    });

    it("divides longs as integers truncating toward zero and reals as reals", () => {
        check([
            ["7 / 2", 3],
            ["-7 / 2", -3],
            ["7 % 3", 1],
            ["7.0 / 2", 3.5],
            ["todouble(7) / 2", 3.5],
            ["7 / 0", null],
            ["1 + long(null)", null],
        ]);
    });

    it("does datetime and timespan arithmetic", () => {
        check([
            ["datetime(2024-01-01) + 1h", ms("2024-01-01T01:00:00Z")],
            ["datetime(2024-01-02) - datetime(2024-01-01)", 86_400_000],
            ["2h / 30m", 4],
            ["1d / 1m", 1440],
            ["-5m", -300_000],
            ["10m * 2", 1_200_000],
        ]);
    });
});

describe("null semantics", () => {
    it("compares with null as Kusto does: == false, != true, two nulls null, ordering null", () => {
        check([
            ["long(null) == 1", false],
            ["long(null) != 1", true],
            ["long(null) == long(null)", null],
            ["long(null) != long(null)", null],
            ["long(null) < 1", null],
            ["long(null) > 1", null],
        ]);
    });

    it("uses three-valued and/or and not()", () => {
        check([
            ["false and bool(null)", false],
            ["true and bool(null)", null],
            ["true or bool(null)", true],
            ["false or bool(null)", null],
            ["not(bool(null))", null],
            ["not(false)", true],
        ]);
    });

    it("keeps only rows whose where condition is true (null drops the row)", () => {
        const rows = rowsOf("datatable(x:long)[1, long(null), 3] | where x > 1 or x < 0 | project x");
        expect(rows).toEqual([{ x: 3 }]);
        const notEqual = rowsOf("datatable(x:long)[1, long(null), 3] | where x != 1 | project x");
        expect(notEqual).toEqual([{ x: null }, { x: 3 }]);
    });

    it("treats strings as never null: a missing string is empty", () => {
        check([
            ['isempty("")', true],
            ['isnull("")', false],
            ["isempty(long(null))", true],
            ["isnotempty(dynamic(null))", false],
            ["isnotnull(0)", true],
        ]);
        const rows = rowsOf("AzureDiagnostics | project ResultType, empty = isempty(ResultType)", [{ TimeGenerated: "2026-11-22T00:00:00Z" }]);
        expect(rows).toEqual([{ ResultType: "", empty: true }]);
    });
});

describe("string operators", () => {
    it("== is case-sensitive, =~ and !~ are not", () => {
        check([
            ['"Error" == "error"', false],
            ['"Error" =~ "error"', true],
            ['"Error" !~ "ERROR"', false],
            ['"Error" != "error"', true],
        ]);
    });

    it("has matches whole terms only, case-insensitively; has_cs is case-sensitive", () => {
        check([
            ['"North America" has "america"', true],
            ['"North America" has "meric"', false],
            ['"DeviceConnectionClosedRemotely" has "Connection"', false],
            ['"ad67d136-c1db-4f9f" has "c1db"', true],
            ['"a.b-c" has "b-c"', true],
            ['"North America" has_cs "america"', false],
            ['"North America" !has "america"', false],
            ['"North America" hasprefix "amer"', true],
            ['"North America" hassuffix "rica"', true],
        ]);
    });

    it("contains, startswith and endswith ignore case; the _cs forms do not", () => {
        check([
            ['"FabriKam" contains "BRik"', true],
            ['"FabriKam" contains_cs "brik"', false],
            ['"FabriKam" !contains "xyz"', true],
            ['"500001" startswith "500"', true],
            ['"Fabrikam" startswith "FAB"', true],
            ['"Fabrikam" startswith_cs "FAB"', false],
            ['"Fabrikam" endswith "KAM"', true],
            ['"Fabrikam" !startswith "fab"', false],
            ['"abc123" matches regex "[a-c]+[0-9]{3}"', true],
        ]);
    });

    it("in is case-sensitive, in~ is not; both flatten dynamic arrays; !in and !in~ negate", () => {
        check([
            ['"A" in ("a", "b")', false],
            ['"A" in~ ("a", "b")', true],
            ['"c" !in ("a", "b")', true],
            ['"B" !in~ ("a", "b")', false],
            ['"b" in (dynamic(["a", "b"]))', true],
            ["3 in (1, 2, 3)", true],
        ]);
        expect(rowsOf('let hubs = dynamic(["/X/HUB"]); print v = "/x/hub" in~ (hubs)')[0].v).toBe(true);
    });

    it("between is inclusive and accepts a timespan as the upper bound of a datetime range", () => {
        check([
            ["5 between (1 .. 5)", true],
            ["6 between (1 .. 5)", false],
            ["6 !between (1 .. 5)", true],
            ["datetime(2024-01-01 00:30) between (datetime(2024-01-01) .. 1h)", true],
        ]);
    });

    it("has_any and has_all match whole terms", () => {
        expect(value('"keep-alive timeout" has_any ("reset", "timeout")')).toEqual(true);
        expect(value('"keep-alive timeout" has_all ("keep", "reset")')).toEqual(false);
    });
});

describe("conversions", () => {
    it("tostring formats each type as Kusto does", () => {
        check([
            ["tostring(5)", "5"],
            ["tostring(2.5)", "2.5"],
            ["tostring(true)", "true"],
            ["tostring(datetime(2024-01-02 03:04:05))", "2024-01-02T03:04:05Z"],
            ["tostring(datetime(2024-01-02 03:04:05.5))", "2024-01-02T03:04:05.5000000Z"],
            ["tostring(90m)", "01:30:00"],
            ["tostring(1d + 2s)", "1.00:00:02"],
            ["tostring(long(null))", ""],
            ['tostring(dynamic({"a": 1}))', '{"a":1}'],
            ['tostring(dynamic("text"))', "text"],
        ]);
    });

    it("todouble, toint and tolong parse text and truncate reals", () => {
        check([
            ['todouble("1.5")', 1.5],
            ['todouble("abc")', null],
            ['todouble("")', null],
            ["toint(2.7)", 2],
            ["toint(-2.7)", -2],
            ['tolong("42")', 42],
            ["toint(true)", 1],
            ['tobool("TRUE")', true],
            ['todatetime("2024-01-02T03:04:05Z")', ms("2024-01-02T03:04:05Z")],
            ['totimespan("00:05:00")', 300_000],
        ]);
    });

    it("parse_json reads properties, nested paths, indexes and invalid JSON as a string", () => {
        const props = '\'{"deviceId":"dev-1","authType":"{\\\\"scope\\\\":\\\\"device\\\\"}","n":3,"list":[10,20,30]}\'';
        check([
            [`tostring(parse_json(${props}).deviceId)`, "dev-1"],
            [`tostring(parse_json(tostring(parse_json(${props}).authType)).scope)`, "device"],
            [`toint(parse_json(${props}).n) + 1`, 4],
            [`parse_json(${props}).list[-1]`, 30],
            [`parse_json(${props})["list"][0]`, 10],
            [`isnull(parse_json(${props}).absent)`, true],
            [`tostring(parse_json(${props}).absent)`, ""],
            ['parse_json("not json")', "not json"],
            ['isnull(parse_json("{}")["constructor"])', true],
        ]);
    });

    it("strcat, split, array_length, substring and the case functions", () => {
        check([
            ['strcat("a", 1, "-", true)', "a1-true"],
            ['split("/subscriptions/s/iothubs/hub-a", "/")', ["", "subscriptions", "s", "iothubs", "hub-a"]],
            ['tostring(split("/subscriptions/s/iothubs/hub-a", "/")[-1])', "hub-a"],
            ['split("a,b,c", ",", 1)', ["b"]],
            ['array_length(split("a,b,c", ","))', 3],
            ['array_length(parse_json("5"))', null],
            ['substring("abcdef", 2, 3)', "cde"],
            ['toupper("ab")', "AB"],
            ['strlen("abc")', 3],
            ['replace_string("a-b-c", "-", "+")', "a+b+c"],
            ['extract("v([0-9.]+)", 1, "sdk v1.2.3")', "1.2.3"],
        ]);
    });
});

describe("numeric and logical functions", () => {
    it("round rounds half away from zero at the given precision", () => {
        check([
            ["round(2.98765, 3)", 2.988],
            ["round(2.15, 1)", 2.2],
            ["round(2.15)", 2],
            ["round(-50.55, -2)", -100],
            ["round(21.5, -1)", 20],
            ["round(-2.5)", -3],
        ]);
    });

    it("abs, bin on numbers, max_of and min_of", () => {
        check([
            ["abs(-3)", 3],
            ["bin(4.5, 1)", 4],
            ["bin(-4.5, 1)", -5],
            ["bin(17, 5)", 15],
            ["bin(17, 0)", null],
            ["max_of(1, 5, long(null), 3)", 5],
            ["min_of(4, 2)", 2],
        ]);
    });

    it("iff and case pick a branch; a null condition takes the else branch", () => {
        check([
            ['iff(1 > 0, "yes", "no")', "yes"],
            ['iff(bool(null), "yes", "no")', "no"],
            ['case(5 < 3, "a", 5 < 10, "b", "c")', "b"],
            ['case(false, "a", "c")', "c"],
            ['coalesce("", "x", "y")', "x"],
            ["coalesce(long(null), 2)", 2],
        ]);
    });
});

describe("datetime functions", () => {
    it("datetime_diff counts calendar boundaries crossed (Microsoft's examples)", () => {
        check([
            ["datetime_diff('year', datetime(2017-01-01), datetime(2000-12-31))", 17],
            ["datetime_diff('quarter', datetime(2017-07-01), datetime(2017-03-30))", 2],
            ["datetime_diff('month', datetime(2017-01-01), datetime(2015-12-30))", 13],
            ["datetime_diff('week', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))", 5],
            ["datetime_diff('day', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))", 29],
            ["datetime_diff('hour', datetime(2017-10-31 01:00), datetime(2017-10-30 23:59))", 2],
            ["datetime_diff('minute', datetime(2017-10-30 23:05:01), datetime(2017-10-30 23:00:59))", 5],
            ["datetime_diff('second', datetime(2017-10-30 23:00:10.100), datetime(2017-10-30 23:00:00.900))", 10],
            ["datetime_diff('millisecond', datetime(2017-10-30 23:00:00.200100), datetime(2017-10-30 23:00:00.100900))", 100],
        ]);
    });

    it("datetime_diff is not elapsed time divided by the period: 2 seconds across a minute boundary is 1 minute", () => {
        check([
            ["datetime_diff('minute', datetime(2024-01-01 10:01:00), datetime(2024-01-01 10:00:59))", 1],
            ["datetime_diff('minute', datetime(2024-01-01 10:00:59), datetime(2024-01-01 10:00:00))", 0],
            ["datetime_diff('Minute', datetime(2024-01-01 10:00:00), datetime(2024-01-01 10:03:30))", -3],
        ]);
    });

    it("bin aligns datetimes to multiples of the bin size since 1970-01-01", () => {
        check([
            ["bin(datetime(1970-05-11 13:45:07), 1d)", ms("1970-05-11T00:00:00Z")],
            ["bin(datetime(2026-11-22 10:07:59), 5m)", ms("2026-11-22T10:05:00Z")],
            ["bin(datetime(2026-11-22 10:07:59), 7m)", Math.floor(ms("2026-11-22T10:07:59Z") / 420_000) * 420_000],
            ["bin(time(16d), 7d)", 14 * 86_400_000],
            ["floor(datetime(2026-11-22 10:07:59), 1h)", ms("2026-11-22T10:00:00Z")],
            ["bin_at(datetime(2026-11-22 10:07:00), 1h, datetime(2026-11-22 00:30))", ms("2026-11-22T09:30:00Z")],
        ]);
    });

    it("now() and ago() are bound to the evaluation time", () => {
        check(
            [
                ["now()", ms("2026-11-22T12:00:00Z")],
                ["ago(1h)", ms("2026-11-22T11:00:00Z")],
                ["now(-30m)", ms("2026-11-22T11:30:00Z")],
            ],
            "2026-11-22T12:00:00Z",
        );
    });

    it("datetime_add, startof* and the parts functions", () => {
        check([
            ["datetime_add('month', 1, datetime(2024-01-31))", ms("2024-02-29T00:00:00Z")],
            ["datetime_add('minute', -5, datetime(2024-01-01 00:00))", ms("2023-12-31T23:55:00Z")],
            ["startofday(datetime(2024-03-05 17:00))", ms("2024-03-05T00:00:00Z")],
            ["startofweek(datetime(2024-03-06 17:00))", ms("2024-03-03T00:00:00Z")],
            ["startofmonth(datetime(2024-03-06 17:00))", ms("2024-03-01T00:00:00Z")],
            ["dayofweek(datetime(2024-03-06 17:00))", 3 * 86_400_000],
            ["hourofday(datetime(2024-03-06 17:20))", 17],
        ]);
    });
});
