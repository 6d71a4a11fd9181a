/**
 * The evaluator's remaining scalar functions, aggregates and materialize() against hand-computed
 * expectations taken from Microsoft's Kusto documentation (its examples where it gives them):
 * string, math, datetime, dynamic, conditional and conversion functions, the -if and spread
 * aggregates, and materialize() in a let statement used twice.
 */
import { describe, expect, it } from "vitest";
import type { EvalValue } from "../kql/eval";
import { ms, rowsOf, value } from "./eval-helpers";

/** Evaluates each expression with `print` and compares it with the hand-computed value. */
function check(cases: ReadonlyArray<readonly [string, EvalValue]>, now?: string): void {
    for (const [expression, expected] of cases) expect(value(expression, now), expression).toEqual(expected);
}

/** A table of longs, a key and a flag; `v` has a null in the `b` group. */
const T = "datatable(k:string, v:long, ok:bool)";
const DATA = `${T}["a", 1, true, "a", 3, false, "a", 3, true, "b", 2, true, "b", long(null), true, "b", 8, false]`;

/** 1, 2, ..., 100 as one long column `x` (the documentation's `range x from 1 to 100 step 1`). */
const ONE_TO_100 = `datatable(x:long)[${Array.from({ length: 100 }, (_, i) => i + 1).join(", ")}]`;

describe("string functions", () => {
    it("strcat_delim joins its arguments with the delimiter, converting them to text (Microsoft's example)", () => {
        check([
            ["strcat_delim('-', 1, '2', 'A', 1s)", "1-2-A-00:00:01"],
            ['strcat_delim(", ", "a", "b")', "a, b"],
            // A null converts to the empty string: the delimiters stay.
            ['strcat_delim("|", "a", long(null), "b")', "a||b"],
            ['strcat_delim("", "x", true)', "xtrue"],
        ]);
    });

    it("tolower lowers every letter and keeps the rest", () => {
        check([
            ['tolower("Hello WORLD-42")', "hello world-42"],
            ['tolower("ÄÖÜ")', "äöü"],
            ['tolower("")', ""],
        ]);
    });

    it("indexof returns the zero-based position, -1 when not found, and casts non-strings (Microsoft's examples)", () => {
        check([
            ['indexof("abcdefg", "cde")', 2],
            ['indexof("abcdefg", "xyz")', -1],
            ['indexof("abcdefg", "CDE")', -1],
            ['indexof("abcdefg", "cde", 2)', 2],
            ['indexof("abcdefg", "cde", 3)', -1],
            ['indexof("abcdefg", "cde", -5)', 2],
            ["indexof(1234567, 5)", 4],
            ['indexof("", "a")', -1],
        ]);
    });

    // A negative start offsets the search start from the end of the string by abs(start)
    // characters: `indexof("abcdefg", "cde", -3)` starts at 4 and finds nothing. (The same page's
    // Returns section also says null for start < 0, which disagrees with its own example
    // indexof("abcdefg", "cde", -5) == 2; the evaluator follows the examples.)
    it("indexof with a negative start searches only the last abs(start) characters", () => {
        check([
            ['indexof("abcdefg", "cde", -3)', -1],
            ['indexof("abcdefg", "efg", -3)', 4],
            ['indexof("abcdefg", "abc", -10)', 0],
        ]);
    });

    it("trim, trim_start and trim_end remove regular-expression matches at the ends (Microsoft's examples)", () => {
        check([
            ['trim("--", "--https://bing.com--")', "https://bing.com"],
            ['trim(@"[^\\w]+", "- Te st1// $")', "Te st1"],
            ['trim_start("https://", "https://bing.com")', "bing.com"],
            ['trim_start(@"[^\\w]+", "- Te st1// $")', "Te st1// $"],
            ['trim_start(@"\\s+", " Hello, world! ")', "Hello, world! "],
            ['trim_end(@"[^\\w]+", "- Te st1// $")', "- Te st1"],
            ['trim_end(@"\\s+", " Hello, world! ")', " Hello, world!"],
            ['trim("x", "abc")', "abc"],
            ['trim(@"\\s+", "   ")', ""],
        ]);
    });

    // trim, trim_start and trim_end translate their pattern as extract and matches regex do, so a
    // leading (?i) (valid RE2) matches case-insensitively instead of being a JavaScript syntax error.
    it("trim functions accept a leading (?i) for case-insensitive patterns", () => {
        check([
            ['trim(@"(?i)x", "XaX")', "a"],
            ['trim_start(@"(?i)ab", "ABc")', "c"],
            ['trim_end(@"(?i)c", "abC")', "ab"],
        ]);
    });
});

describe("math functions", () => {
    it("sqrt returns the square root, null for a negative or null argument", () => {
        check([
            ["sqrt(16)", 4],
            ["sqrt(2.25)", 1.5],
            ["sqrt(0)", 0],
            ["sqrt(-1)", null],
            ["sqrt(real(null))", null],
        ]);
    });

    it("log, log10 and log2 return the logarithm, null for a negative or null argument", () => {
        check([
            ["log(5)", 1.6094379124341003],
            ["log(1)", 0],
            ["log(-1)", null],
            ["log(real(null))", null],
            ["log10(1000)", 3],
            ["log10(0.01)", -2],
            ["log10(-10)", null],
            ["log2(8)", 3],
            ["log2(0.5)", -1],
            ["log2(-8)", null],
            ["log2(real(null))", null],
        ]);
    });

    it("pow raises the base to the exponent; a null operand gives null", () => {
        check([
            ["pow(2, 10)", 1024],
            ["pow(2, -1)", 0.5],
            ["pow(4, 0.5)", 2],
            ["pow(-3, 3)", -27],
            ["pow(7, 0)", 1],
            ["pow(real(null), 2)", null],
            ["pow(2, real(null))", null],
        ]);
    });

    it("ceiling rounds up toward positive infinity, also for negatives", () => {
        check([
            ["ceiling(1.1)", 2],
            ["ceiling(1.0)", 1],
            ["ceiling(-1.1)", -1],
            ["ceiling(-1.9)", -1],
            ["ceiling(-2.0)", -2],
            ["ceiling(5)", 5],
            ["ceiling(real(null))", null],
        ]);
    });

    it("sign is -1, 0 or 1", () => {
        check([
            ["sign(-42)", -1],
            ["sign(-0.5)", -1],
            ["sign(0)", 0],
            ["sign(3.5)", 1],
            ["sign(long(null))", null],
        ]);
    });
});

describe("datetime functions", () => {
    it("startofyear returns the year's first midnight, shifted by the offset (Microsoft's example)", () => {
        check([
            ["startofyear(datetime(2017-01-01 10:10:17), -1)", ms("2016-01-01T00:00:00Z")],
            ["startofyear(datetime(2017-01-01 10:10:17), 0)", ms("2017-01-01T00:00:00Z")],
            ["startofyear(datetime(2017-01-01 10:10:17), 1)", ms("2018-01-01T00:00:00Z")],
            ["startofyear(datetime(2024-12-31 23:59:59.999))", ms("2024-01-01T00:00:00Z")],
            ["startofyear(datetime(2024-06-15), 2)", ms("2026-01-01T00:00:00Z")],
            ["startofyear(datetime(null))", null],
        ]);
    });

    // Years 0-99 stay as they are (JavaScript's Date.UTC would read them as 1900-1999); a result
    // before 0001-01-01 is outside Kusto's datetime range and null.
    it("startofyear reaches years before 100", () => {
        check([
            ["startofyear(datetime(2017-06-01), -1950)", ms("0067-01-01T00:00:00Z")],
            ["startofmonth(datetime(0050-03-15), -1)", ms("0050-02-01T00:00:00Z")],
            ["datetime_add('year', -1950, datetime(2017-06-01))", ms("0067-06-01T00:00:00Z")],
            ["startofyear(datetime(2017-06-01), -2017)", null],
            ["datetime_add('year', 1, datetime(9999-06-01))", null],
        ]);
    });

    it("getyear, getmonth and dayofmonth read the UTC calendar parts", () => {
        check([
            ["getyear(datetime(2015-10-12))", 2015],
            ["getmonth(datetime(2015-10-12))", 10],
            ["getmonth(datetime(2024-01-31 23:59:59))", 1],
            ["getmonth(datetime(2024-12-01))", 12],
            ["dayofmonth(datetime(2015-12-14))", 14],
            ["dayofmonth(datetime(2024-02-29 23:00))", 29],
            ["getyear(datetime(1999-12-31 23:59:59.999))", 1999],
            ["getyear(datetime(null))", null],
            ["getmonth(datetime(null))", null],
            ["dayofmonth(datetime(null))", null],
        ]);
    });

    // Datetime literals keep years 0-99 (Date.UTC would read datetime(0050-06-01) as 1950-06-01).
    it("getyear of a datetime literal before year 100", () => {
        check([
            ["getyear(datetime(0050-06-01))", 50],
            ["datetime(0050-06-01)", ms("0050-06-01T00:00:00Z")],
        ]);
    });

    it("unixtime_seconds_todatetime and unixtime_milliseconds_todatetime read Unix epoch times (Microsoft's example)", () => {
        check([
            ["unixtime_seconds_todatetime(1546300800)", ms("2019-01-01T00:00:00Z")],
            ["unixtime_seconds_todatetime(0)", ms("1970-01-01T00:00:00Z")],
            ["unixtime_seconds_todatetime(-1)", ms("1969-12-31T23:59:59Z")],
            ["unixtime_seconds_todatetime(1.5)", ms("1970-01-01T00:00:01.500Z")],
            ["unixtime_seconds_todatetime(real(null))", null],
            ["unixtime_milliseconds_todatetime(1546300800000)", ms("2019-01-01T00:00:00Z")],
            ["unixtime_milliseconds_todatetime(1546300800123)", ms("2019-01-01T00:00:00.123Z")],
            ["unixtime_milliseconds_todatetime(long(null))", null],
        ]);
    });

    // Kusto's datetime ends at 9999-12-31 23:59:59.9999999 and the documentation says an
    // unsuccessful conversion is null: 253402300800 seconds (10000-01-01) is null.
    it("unixtime conversions beyond Kusto's datetime range are null", () => {
        check([
            ["unixtime_seconds_todatetime(253402300799)", ms("9999-12-31T23:59:59Z")],
            ["unixtime_seconds_todatetime(253402300800)", null],
            ["unixtime_milliseconds_todatetime(253402300800000)", null],
            ["unixtime_seconds_todatetime(-62135596800)", ms("0001-01-01T00:00:00Z")],
            ["unixtime_seconds_todatetime(-62135596801)", null],
        ]);
    });
});

describe("dynamic functions", () => {
    it("bag_pack and its alias pack build a property bag from alternating keys and values (Microsoft's example)", () => {
        check([
            [
                'bag_pack("Level", "Information", "ProcessID", 1234, "Data", bag_pack("url", "www.bing.com"))',
                { Level: "Information", ProcessID: 1234, Data: { url: "www.bing.com" } },
            ],
            ['pack("a", 1, "b", true)', { a: 1, b: true }],
            ['bag_pack("n", long(null))', { n: null }],
            ['bag_pack("d", dynamic([1, 2]))["d"][1]', 2],
        ]);
    });

    it("array_index_of returns the position of the value, -1 when it is absent", () => {
        const arr = 'dynamic(["this", "is", "an", "example", "an", "example"])';
        check([
            [`array_index_of(${arr}, "an")`, 2],
            [`array_index_of(${arr}, "example")`, 3],
            [`array_index_of(${arr}, "nothing")`, -1],
            ["array_index_of(dynamic([1, 2, 3]), 3)", 2],
            ["array_index_of(dynamic([]), 1)", -1],
        ]);
    });

    // start (negative: counted back from the end), length (-1: to the end) and occurrence narrow
    // the search; occurrence < 0 or length < -1 give null (Microsoft's "irrelevant inputs").
    it("array_index_of honours start, length and occurrence (Microsoft's examples)", () => {
        const arr = 'dynamic(["this", "is", "an", "example", "an", "example"])';
        check([
            [`array_index_of(${arr}, "example", 1, 3)`, 3],
            [`array_index_of(${arr}, "example", 1, 2)`, -1],
            [`array_index_of(${arr}, "is", 2, 4)`, -1],
            [`array_index_of(${arr}, "example", 2, -1)`, 3],
            [`array_index_of(${arr}, "an", 1, -1, 2)`, 4],
            [`array_index_of(${arr}, "an", 1, -1, 3)`, -1],
            [`array_index_of(${arr}, "an", -3)`, 4],
            [`array_index_of(${arr}, "is", -4)`, -1],
            [`array_index_of(${arr}, "an", 0, -2)`, null],
            [`array_index_of(${arr}, "an", 0, -1, -1)`, null],
        ]);
    });

    it("set_has_element tells whether the array holds the value (Microsoft's example)", () => {
        const arr = 'dynamic(["this", "is", "an", "example"])';
        check([
            [`set_has_element(${arr}, "example")`, true],
            [`set_has_element(${arr}, "Example")`, false],
            [`set_has_element(${arr}, "missing")`, false],
            ["set_has_element(dynamic([1, 2, 3]), 2)", true],
            ["set_has_element(dynamic([1, 2, 3]), 4)", false],
            ["set_has_element(dynamic([]), 1)", false],
        ]);
    });

    it("todynamic parses JSON text like parse_json; invalid JSON stays a string", () => {
        check([
            ['todynamic(\'{"a": 1, "b": [1, 2, 3], "c": {"d": "x"}}\')', { a: 1, b: [1, 2, 3], c: { d: "x" } }],
            ['todynamic("[10, 20, 30]")[1]', 20],
            ["toint(todynamic('{\"n\": 41}').n) + 1", 42],
            ["tostring(todynamic('{\"c\": {\"d\": \"x\"}}').c.d)", "x"],
            ['todynamic("not json")', "not json"],
            ['todynamic("true")', true],
        ]);
    });
});

describe("conditional and conversion functions", () => {
    it("iif picks then when the condition is true, else otherwise (also when it is null)", () => {
        check([
            ['iif(1 < 2, "then", "else")', "then"],
            ['iif(1 > 2, "then", "else")', "else"],
            ['iif(bool(null), "then", "else")', "else"],
            ["iif(long(null) > 0, 1, 2)", 2],
            ["iif(true, long(null), 5)", null],
        ]);
        const rows = rowsOf(`${DATA} | project r = iif(v > 2, "big", "small")`);
        expect(rows.map((r) => r.r)).toEqual(["small", "big", "big", "small", "small", "big"]);
    });

    it("toreal converts numbers and number text, null when it cannot", () => {
        check([
            ['toreal("1.5")', 1.5],
            ['toreal("1e3")', 1000],
            ['toreal(" -2.25 ")', -2.25],
            ["toreal(7)", 7],
            ['toreal("abc")', null],
            ['toreal("")', null],
            ["toreal(long(null))", null],
            ["toreal(1) / 4", 0.25],
        ]);
    });

    it("toboolean converts true/false text and numbers (non-zero is true), null when it cannot (Microsoft's examples)", () => {
        check([
            ['toboolean("true")', true],
            ['toboolean("false")', false],
            ['toboolean("TRUE")', true],
            ["toboolean(1)", true],
            ["toboolean(123)", true],
            ["toboolean(0)", false],
            ['toboolean("1")', true],
            ['toboolean("0")', false],
            ['toboolean("yes")', null],
            ["toboolean(long(null))", null],
        ]);
    });
});

describe("aggregates", () => {
    it("count_distinct and count_distinctif count distinct non-null values", () => {
        const rows = rowsOf(`${DATA} | summarize cd = count_distinct(v), cdk = count_distinct(k), cdi = count_distinctif(v, ok), cdn = count_distinctif(v, v > 100)`);
        // v: 1, 3, 3, 2, null, 8 -> {1, 3, 2, 8}; where ok: 1, 3, 2, null -> {1, 3, 2}.
        expect(rows).toEqual([{ cd: 4, cdk: 2, cdi: 3, cdn: 0 }]);
    });

    it("count_distinct per group", () => {
        const rows = rowsOf(`${DATA} | summarize cd = count_distinct(v) by k`);
        expect(rows).toEqual([
            { k: "a", cd: 2 },
            { k: "b", cd: 2 },
        ]);
    });

    it("minif takes the minimum where the predicate is true; null when no row matches", () => {
        const rows = rowsOf(`${DATA} | summarize m = minif(v, ok), mb = minif(v, k == "b"), mf = minif(v, not(ok)), none = minif(v, v > 100)`);
        // ok: 1, 3, 2, null -> 1; b: 2, null, 8 -> 2; not ok: 3, 8 -> 3.
        expect(rows).toEqual([{ m: 1, mb: 2, mf: 3, none: null }]);
        expect(rowsOf(`${DATA} | summarize m = minif(v, v >= 2) by k`)).toEqual([
            { k: "a", m: 3 },
            { k: "b", m: 2 },
        ]);
    });

    it("take_anyif and its alias anyif take a value of a row where the predicate is true; null when none", () => {
        // Exactly one row matches each predicate, so the choice is determined.
        const rows = rowsOf(`${DATA} | summarize t = take_anyif(v, v > 5), a = anyif(k, v == 2), n = take_anyif(v, v > 100)`);
        expect(rows).toEqual([{ t: 8, a: "b", n: null }]);
        expect(rowsOf(`${DATA} | summarize t = take_anyif(v, not(ok)) by k`)).toEqual([
            { k: "a", t: 3 },
            { k: "b", t: 8 },
        ]);
    });

    it("stdevp is the population standard deviation and ignores nulls (Microsoft's example)", () => {
        const rows = rowsOf("datatable(x:long)[1, 2, long(null), 3, 4, 5] | summarize sp = stdevp(x), s = stdev(x), vp = variancep(x), v = variance(x)");
        // mean 3, squared deviations 4 + 1 + 0 + 1 + 4 = 10: population 10 / 5 = 2, sample 10 / 4 = 2.5.
        expect(rows[0].sp).toBeCloseTo(Math.SQRT2, 12);
        expect(rows[0].s).toBeCloseTo(Math.sqrt(2.5), 12);
        expect(rows[0].vp).toBeCloseTo(2, 12);
        expect(rows[0].v).toBeCloseTo(2.5, 12);
        expect(rowsOf("datatable(x:long)[5, 5, 5] | summarize sp = stdevp(x)")).toEqual([{ sp: 0 }]);
    });

    it("varianceif and stdevif use only rows where the predicate is true (Microsoft's example: 850)", () => {
        const rows = rowsOf(`${ONE_TO_100} | summarize vi = varianceif(x, x % 2 == 0), si = stdevif(x, x % 2 == 0)`);
        // The even numbers 2k, k = 1..50: the sample variance of 1..50 is 50 * 51 / 12 = 212.5, times 4.
        expect(rows[0].vi).toBeCloseTo(850, 9);
        expect(rows[0].si).toBeCloseTo(Math.sqrt(850), 9);
        const grouped = rowsOf(`${DATA} | summarize vi = varianceif(v, ok), si = stdevif(v, ok) by k`);
        // a where ok: 1, 3 -> mean 2, sample variance (1 + 1) / 1 = 2; b where ok: 2, null -> one value, 0.
        expect(grouped.map((r) => r.k)).toEqual(["a", "b"]);
        expect(grouped[0].vi).toBeCloseTo(2, 12);
        expect(grouped[0].si).toBeCloseTo(Math.SQRT2, 12);
        expect(grouped[1].vi).toBe(0);
        expect(grouped[1].si).toBe(0);
    });
});

describe("materialize", () => {
    const M = `let m = materialize(${DATA} | summarize total = sum(v), n = count() by k);`;

    it("a materialized let can be used twice in a join", () => {
        const rows = rowsOf(`${M} m | join kind=inner (m | project k, twice = total * 2) on k | project k, total, n, twice`);
        // a: 1 + 3 + 3 = 7 over 3 rows; b: 2 + 8 = 10 over 3 rows (the null adds nothing but is counted).
        expect(rows).toEqual([
            { k: "a", total: 7, n: 3, twice: 14 },
            { k: "b", total: 10, n: 3, twice: 20 },
        ]);
    });

    it("a materialized let can feed toscalar() and the main query", () => {
        const rows = rowsOf(`${M} let all = toscalar(m | summarize sum(total)); m | project k, share = todouble(total) / all`);
        expect(rows).toEqual([
            { k: "a", share: 7 / 17 },
            { k: "b", share: 10 / 17 },
        ]);
    });

    it("gives the same rows as the query it materializes", () => {
        const direct = rowsOf(`${DATA} | where ok | project k, v`);
        const viaLet = rowsOf(`let m = materialize(${DATA} | where ok | project k, v); m`);
        expect(viaLet).toEqual(direct);
        expect(viaLet).toEqual([
            { k: "a", v: 1 },
            { k: "a", v: 3 },
            { k: "b", v: 2 },
            { k: "b", v: null },
        ]);
    });
});
