/**
 * The evaluator's query operators against hand-computed expectations: where, extend, project and
 * its variants, summarize and every aggregate, join kinds, sort/top/take, distinct, serialize and
 * window functions, count, let, toscalar and subqueries; column names and types from the parser.
 */
import { describe, expect, it } from "vitest";
import { compileKql, evaluateKql } from "../kql/eval";
import { column, diag, ms, rowsOf } from "./eval-helpers";

const T = "datatable(k:string, v:long, t:datetime)";
const DATA = `${T}["a", 1, datetime(2024-01-01 00:00), "b", 2, datetime(2024-01-01 00:01), "a", 3, datetime(2024-01-01 00:02), "", long(null), datetime(2024-01-01 00:03), "b", long(null), datetime(2024-01-01 00:04)]`;

describe("where, extend and project", () => {
    it("filters rows", () => {
        expect(column(rowsOf(`${DATA} | where v >= 2`), "v")).toEqual([2, 3]);
        expect(column(rowsOf(`${DATA} | where k == "a" and v > 1`), "v")).toEqual([3]);
    });

    it("extend adds columns in order, replaces in place, and names unnamed ones as the parser does", () => {
        const q = compileKql(`${DATA} | take 1 | extend w = v * 10, v = v + 100, x = v, strcat(k, "!"), tostring(t)`);
        expect(q.columns.map((c) => `${c.name}:${c.type}`)).toEqual(["k:string", "v:long", "t:string", "w:long", "x:long", "Column1:string"]);
        const rows = q.run({}, { now: 0 }).rows;
        // The parser binds every expression of one extend to the input columns: x reads the input's v;
        // tostring(t) is named t and replaces the datetime column with its text.
        expect(rows).toEqual([{ k: "a", v: 101, t: "2024-01-01T00:00:00Z", w: 10, x: 1, Column1: "a!" }]);
    });

    it("extend names a property access after its path (properties_s_deviceId)", () => {
        const q = compileKql("AzureDiagnostics | extend tostring(parse_json(properties_s).deviceId) | project properties_s_deviceId");
        expect(q.run({ AzureDiagnostics: [diag({ time: "2026-11-22T00:00:00Z", device: "dev-7" })] }, { now: 0 }).rows).toEqual([{ properties_s_deviceId: "dev-7" }]);
    });

    it("an expression reading a column replaced in the same extend sees the input value", () => {
        expect(rowsOf(`print v = 1 | extend old = v, v = v + 1`)).toEqual([{ v: 2, old: 1 }]);
        expect(rowsOf(`print v = 1 | extend v = v + 1, old = v`)).toEqual([{ v: 2, old: 1 }]);
    });

    it("project computes, renames and orders columns", () => {
        expect(rowsOf(`${DATA} | take 2 | project v, Key = k, Double = v * 2`)).toEqual([
            { v: 1, Key: "a", Double: 2 },
            { v: 2, Key: "b", Double: 4 },
        ]);
    });

    it("project-away, project-keep, project-rename and project-reorder keep the rows", () => {
        expect(rowsOf(`${DATA} | take 1 | project-away t`)).toEqual([{ k: "a", v: 1 }]);
        expect(rowsOf(`${DATA} | take 1 | project-keep v`)).toEqual([{ v: 1 }]);
        expect(rowsOf(`${DATA} | take 1 | project-rename Key = k | project-away t`)).toEqual([{ Key: "a", v: 1 }]);
        expect(Object.keys(rowsOf(`${DATA} | take 1 | project-reorder t, v`)[0])).toEqual(["t", "v", "k"]);
    });

    it("reads AzureDiagnostics rows whatever their column order, with missing columns as empty strings or nulls", () => {
        const rows = rowsOf("AzureDiagnostics | project TimeGenerated, ResultType, DurationMs, Level", [
            { Level: "Error", TimeGenerated: "2026-11-22T10:00:00Z", Extra: 1 },
            { TimeGenerated: new Date("2026-11-22T10:00:01Z"), ResultType: "404104", DurationMs: 5, Level: "Error" },
        ]);
        expect(rows).toEqual([
            { TimeGenerated: ms("2026-11-22T10:00:00Z"), ResultType: "", DurationMs: null, Level: "Error" },
            { TimeGenerated: ms("2026-11-22T10:00:01Z"), ResultType: "404104", DurationMs: 5, Level: "Error" },
        ]);
    });
});

describe("summarize", () => {
    it("groups by keys with nulls as a group of their own, in first-seen order, keys first", () => {
        const rows = rowsOf(`datatable(g:long, v:long)[1, 10, long(null), 20, 1, 30, long(null), 40] | summarize n = count(), s = sum(v) by g`);
        expect(rows).toEqual([
            { g: 1, n: 2, s: 40 },
            { g: null, n: 2, s: 60 },
        ]);
    });

    it("names unnamed aggregates and bin keys as the parser does", () => {
        const q = compileKql(`${DATA} | summarize count(), dcount(k), sum(v), make_set(k) by bin(t, 2m)`);
        expect(q.columns.map((c) => `${c.name}:${c.type}`)).toEqual(["t:datetime", "count_:long", "dcount_k:long", "sum_v:long", "set_k:dynamic"]);
        expect(q.run({}, { now: 0 }).rows).toEqual([
            { t: ms("2024-01-01T00:00:00Z"), count_: 2, dcount_k: 2, sum_v: 3, set_k: ["a", "b"] },
            { t: ms("2024-01-01T00:02:00Z"), count_: 2, dcount_k: 2, sum_v: 3, set_k: ["a", ""] },
            { t: ms("2024-01-01T00:04:00Z"), count_: 1, dcount_k: 1, sum_v: 0, set_k: ["b"] },
        ]);
    });

    it("count counts rows, countif only true conditions; dcount ignores nulls but counts the empty string", () => {
        const rows = rowsOf(`${DATA} | summarize c = count(), ci = countif(v > 1), cn = countif(v > long(null)), dk = dcount(k), dv = dcount(v), dif = dcountif(k, v >= 1)`);
        expect(rows).toEqual([{ c: 5, ci: 2, cn: 0, dk: 3, dv: 3, dif: 2 }]);
    });

    it("sum, avg, min, max, their -if forms, take_any and the spread aggregates ignore nulls", () => {
        const rows = rowsOf(
            `${DATA} | summarize s = sum(v), si = sumif(v, k == "a"), a = avg(v), ai = avgif(v, k == "b"), mn = min(v), mx = max(v), mxi = maxif(v, k == "b"), mt = max(t), mk = min(k), any = take_any(v), sd = stdev(v), va = variance(v), vp = variancep(v)`,
        );
        expect(rows).toEqual([{ s: 6, si: 4, a: 2, ai: 2, mn: 1, mx: 3, mxi: 2, mt: ms("2024-01-01T00:04:00Z"), mk: "", any: 1, sd: 1, va: 1, vp: 2 / 3 }]);
    });

    it("make_list keeps order and duplicates, make_set distinct values; both skip nulls and honour the size limit", () => {
        const rows = rowsOf(`${DATA} | summarize l = make_list(v), s = make_set(k), l2 = make_list(k, 2), li = make_list_if(v, k == "a"), si = make_set_if(k, v > 1)`);
        expect(rows).toEqual([{ l: [1, 2, 3], s: ["a", "b", ""], l2: ["a", "b"], li: [1, 3], si: ["b", "a"] }]);
    });

    it("make_list of datetimes holds their ISO text, as Kusto's dynamic does", () => {
        expect(rowsOf(`${DATA} | take 1 | summarize l = make_list(t)`)).toEqual([{ l: ["2024-01-01T00:00:00Z"] }]);
    });

    it("arg_max and arg_min return the row of the extreme value, with * or named columns", () => {
        // The "" group's values are all null: the other columns still come from its row (Kusto's documentation).
        expect(rowsOf(`${DATA} | summarize arg_max(v, *) by k`)).toEqual([
            { k: "a", v: 3, t: ms("2024-01-01T00:02:00Z") },
            { k: "b", v: 2, t: ms("2024-01-01T00:01:00Z") },
            { k: "", v: null, t: ms("2024-01-01T00:03:00Z") },
        ]);
        expect(rowsOf(`${DATA} | summarize arg_min(t, v) by k | project k, t, v`)).toEqual([
            { k: "a", t: ms("2024-01-01T00:00:00Z"), v: 1 },
            { k: "b", t: ms("2024-01-01T00:01:00Z"), v: 2 },
            { k: "", t: ms("2024-01-01T00:03:00Z"), v: null },
        ]);
    });

    it("percentile uses the nearest rank", () => {
        const rows = rowsOf(`datatable(x:long)[1,2,3,4,5,6,7,8,9,10] | summarize p50 = percentile(x, 50), p90 = percentile(x, 90), p0 = percentile(x, 0), p100 = percentile(x, 100)`);
        expect(rows).toEqual([{ p50: 5, p90: 9, p0: 1, p100: 10 }]);
        expect(rowsOf(`datatable(x:long)[1,2,3,4] | summarize percentiles(x, 25, 75)`)).toEqual([{ percentile_x_25: 1, percentile_x_75: 3 }]);
    });

    it("computes expressions over aggregates", () => {
        expect(rowsOf(`${DATA} | summarize Share = todouble(countif(v > 1)) / count(), Spread = max(v) - min(v)`)).toEqual([{ Share: 0.4, Spread: 2 }]);
    });

    it("summarize by without aggregates lists the distinct key combinations", () => {
        expect(rowsOf(`${DATA} | summarize by k`)).toEqual([{ k: "a" }, { k: "b" }, { k: "" }]);
    });

    it("on empty input returns no rows with by, and one row of defaults without by", () => {
        expect(rowsOf(`${DATA} | where v > 100 | summarize count() by k`)).toEqual([]);
        expect(rowsOf(`${DATA} | where v > 100 | summarize c = count(), s = sum(v), d = dcount(k), a = avg(v), m = max(v), l = make_list(v), sd = stdev(v)`)).toEqual([
            { c: 0, s: 0, d: 0, a: null, m: null, l: [], sd: 0 },
        ]);
    });
});

describe("join", () => {
    const X = `datatable(Key:string, Value1:long)['a', 1, 'b', 2, 'b', 3, 'c', 4]`;
    const Y = `datatable(Key:string, Value2:long)['b', 10, 'c', 20, 'c', 30, 'd', 40]`;

    it("defaults to innerunique: the left side keeps one row per key (Microsoft's example)", () => {
        const q = compileKql(`let X = ${X}; let Y = ${Y}; X | join Y on Key`);
        expect(q.columns.map((c) => c.name)).toEqual(["Key", "Value1", "Key1", "Value2"]);
        expect(q.run({}, { now: 0 }).rows).toEqual([
            { Key: "b", Value1: 2, Key1: "b", Value2: 10 },
            { Key: "c", Value1: 4, Key1: "c", Value2: 20 },
            { Key: "c", Value1: 4, Key1: "c", Value2: 30 },
        ]);
    });

    it("inner keeps every matching pair", () => {
        expect(rowsOf(`let X = ${X}; let Y = ${Y}; X | join kind=inner Y on Key | project Value1, Value2`)).toEqual([
            { Value1: 2, Value2: 10 },
            { Value1: 3, Value2: 10 },
            { Value1: 4, Value2: 20 },
            { Value1: 4, Value2: 30 },
        ]);
    });

    it("leftouter keeps unmatched left rows with nulls (empty strings) on the right", () => {
        expect(rowsOf(`let X = ${X}; let Y = ${Y}; X | join kind=leftouter Y on Key | where Key in ("a") `)).toEqual([{ Key: "a", Value1: 1, Key1: "", Value2: null }]);
    });

    it("rightouter and fullouter add the unmatched right rows", () => {
        const right = rowsOf(`let X = ${X}; let Y = ${Y}; X | join kind=rightouter Y on Key | where isnull(Value1)`);
        expect(right).toEqual([{ Key: "", Value1: null, Key1: "d", Value2: 40 }]);
        expect(rowsOf(`let X = ${X}; let Y = ${Y}; X | join kind=fullouter Y on Key | count`)).toEqual([{ Count: 6 }]);
    });

    it("leftsemi, leftanti, rightsemi and rightanti keep one side's rows", () => {
        expect(column(rowsOf(`let X = ${X}; let Y = ${Y}; X | join kind=leftsemi Y on Key`), "Value1")).toEqual([2, 3, 4]);
        expect(column(rowsOf(`let X = ${X}; let Y = ${Y}; X | join kind=leftanti Y on Key`), "Value1")).toEqual([1]);
        expect(column(rowsOf(`let X = ${X}; let Y = ${Y}; X | join kind=rightsemi Y on Key`), "Value2")).toEqual([10, 20, 30]);
        expect(column(rowsOf(`let X = ${X}; let Y = ${Y}; X | join kind=rightanti Y on Key`), "Value2")).toEqual([40]);
    });

    it("joins on $left.a == $right.b and on several keys", () => {
        const rows = rowsOf(`let X = ${X}; let Y = ${Y} | project K = Key, Value2; X | join kind=inner Y on $left.Key == $right.K | project Value1, K, Value2`);
        expect(rows).toEqual([
            { Value1: 2, K: "b", Value2: 10 },
            { Value1: 3, K: "b", Value2: 10 },
            { Value1: 4, K: "c", Value2: 20 },
            { Value1: 4, K: "c", Value2: 30 },
        ]);
        const two = rowsOf(`datatable(a:string, b:long, x:long)["p", 1, 100, "p", 2, 200] | join kind=inner (datatable(a:string, b:long, y:long)["p", 2, 7]) on a, b | project x, y`);
        expect(two).toEqual([{ x: 200, y: 7 }]);
    });

    it("a null key matches nothing", () => {
        const rows = rowsOf(`datatable(k:long, x:long)[long(null), 1, 2, 2] | join kind=leftouter (datatable(k:long, y:long)[long(null), 10, 2, 20]) on k | project x, y`);
        expect(rows).toEqual([
            { x: 1, y: null },
            { x: 2, y: 20 },
        ]);
    });
});

describe("sort, top, take, distinct, count", () => {
    it("sort defaults to descending with nulls last; asc puts nulls first; nulls last can be asked for", () => {
        expect(column(rowsOf(`${DATA} | sort by v`), "v")).toEqual([3, 2, 1, null, null]);
        expect(column(rowsOf(`${DATA} | order by v asc`), "v")).toEqual([null, null, 1, 2, 3]);
        expect(column(rowsOf(`${DATA} | order by v asc nulls last`), "v")).toEqual([1, 2, 3, null, null]);
        expect(column(rowsOf(`${DATA} | order by k asc, t desc`), "t")).toEqual([
            ms("2024-01-01T00:03:00Z"),
            ms("2024-01-01T00:02:00Z"),
            ms("2024-01-01T00:00:00Z"),
            ms("2024-01-01T00:04:00Z"),
            ms("2024-01-01T00:01:00Z"),
        ]);
    });

    it("orders strings by code unit, bools false first, reals with NaN first, and keeps equal keys in their input order", () => {
        expect(column(rowsOf(`datatable(s:string)["b", "B", "a", "", "é"] | order by s asc`), "s")).toEqual(["", "B", "a", "b", "é"]);
        expect(column(rowsOf(`datatable(b:bool)[true, false, bool(null), true] | order by b asc`), "b")).toEqual([null, false, true, true]);
        expect(column(rowsOf(`datatable(r:real)[2.5, real(nan), -1.0, real(null)] | order by r asc`), "r")).toEqual([null, NaN, -1, 2.5]);
        expect(column(rowsOf(`datatable(k:string, i:long)["x", 1, "y", 2, "x", 3, "y", 4, "x", 5] | order by k desc`), "i")).toEqual([2, 4, 1, 3, 5]);
        // A datetime can be NaN (bin_at by a zero step): first when ascending, as for reals.
        expect(column(rowsOf(`datatable(i:long)[1, 2, 3] | extend t = iff(i == 2, bin_at(datetime(2024-01-02), 0s, datetime(2024-01-01)), datetime(2024-01-01) + i * 1h) | order by t asc`), "i")).toEqual([2, 1, 3]);
    });

    it("top takes the first rows of the order; take the first rows as they come", () => {
        expect(column(rowsOf(`${DATA} | top 2 by v`), "v")).toEqual([3, 2]);
        expect(column(rowsOf(`${DATA} | top 2 by t asc`), "v")).toEqual([1, 2]);
        expect(column(rowsOf(`${DATA} | take 2`), "v")).toEqual([1, 2]);
        expect(column(rowsOf(`let n = 1; ${DATA} | limit n`), "v")).toEqual([1]);
    });

    it("distinct keeps the first row of each combination; count counts rows", () => {
        expect(rowsOf(`${DATA} | distinct k`)).toEqual([{ k: "a" }, { k: "b" }, { k: "" }]);
        expect(rowsOf(`${DATA} | project k, v | distinct *`).length).toBe(5);
        expect(rowsOf(`${DATA} | count`)).toEqual([{ Count: 5 }]);
    });
});

describe("window functions", () => {
    it("prev and next read neighbouring rows of serialized input, with offset and default", () => {
        const rows = rowsOf(`${DATA} | where isnotnull(v) | order by t asc | extend p = prev(v), p2 = prev(v, 2, -1), n = next(k), gap = t - prev(t) | project v, p, p2, n, gap`);
        expect(rows).toEqual([
            { v: 1, p: null, p2: -1, n: "b", gap: null },
            { v: 2, p: 1, p2: -1, n: "a", gap: 60_000 },
            { v: 3, p: 2, p2: 1, n: "", gap: 60_000 },
        ]);
    });

    it("serialize marks rows serialized and can add row_number()", () => {
        expect(rowsOf(`${DATA} | serialize rn = row_number() | project rn`)).toEqual([{ rn: 1 }, { rn: 2 }, { rn: 3 }, { rn: 4 }, { rn: 5 }]);
        expect(column(rowsOf(`${DATA} | serialize | extend p = prev(v) | project p`), "p")).toEqual([null, 1, 2, 3, null]);
    });

    it("prev works in where on serialized input", () => {
        expect(column(rowsOf(`${DATA} | order by t asc | where prev(k) == k`), "v")).toEqual([]);
        // The first row's prev(k) is the empty string (a string's null), equal to its own empty k.
        expect(column(rowsOf(`${DATA} | order by k asc, t asc | where prev(k) == k`), "v")).toEqual([null, 3, null]);
    });
});

describe("let, toscalar and subqueries", () => {
    it("tabular lets are computed once per run and can be used twice", () => {
        const rows = rowsOf(`let d = ${DATA} | where isnotnull(v); d | join kind=inner (d | summarize n = count() by k) on k | project k, v, n`);
        expect(rows).toEqual([
            { k: "a", v: 1, n: 2 },
            { k: "b", v: 2, n: 1 },
            { k: "a", v: 3, n: 2 },
        ]);
    });

    it("scalar lets, toscalar() and in (subquery)", () => {
        expect(rowsOf(`let total = toscalar(${DATA} | summarize sum(v)); print total`)).toEqual([{ print_0: 6 }]);
        expect(column(rowsOf(`${DATA} | where k in ((${DATA} | where v == 2 | project k))`), "v")).toEqual([2, null]);
    });

    it("binds now() to each run's time: one compiled query, many evaluation times", () => {
        const q = compileKql("AzureDiagnostics | where TimeGenerated > ago(1h) | count");
        const rows = [diag({ time: "2026-11-22T10:30:00Z" }), diag({ time: "2026-11-22T11:30:00Z" })];
        expect(q.run({ AzureDiagnostics: rows }, { now: ms("2026-11-22T11:00:00Z") }).rows).toEqual([{ Count: 2 }]);
        expect(q.run({ AzureDiagnostics: rows }, { now: ms("2026-11-22T12:00:00Z") }).rows).toEqual([{ Count: 1 }]);
        expect(q.run({ AzureDiagnostics: rows }, { now: new Date("2026-11-22T12:45:00Z") }).rows).toEqual([{ Count: 0 }]);
        const scalarLet = "let since = ago(30m); AzureDiagnostics | where TimeGenerated >= since | count";
        expect(evaluateKql(scalarLet, { AzureDiagnostics: rows }, { now: ms("2026-11-22T11:50:00Z") }).rows).toEqual([{ Count: 1 }]);
        expect(evaluateKql(scalarLet, { AzureDiagnostics: rows }, { now: ms("2026-11-22T11:00:00Z") }).rows).toEqual([{ Count: 2 }]);
    });

    it("evaluates a detection-shaped query over Connections rows", () => {
        const rows = [
            diag({ time: "2026-11-22T10:00:10Z", device: "d1", result: "404104" }),
            diag({ time: "2026-11-22T10:01:10Z", device: "d2", result: "404104" }),
            diag({ time: "2026-11-22T10:01:20Z", device: "d2", result: "500001", op: "deviceConnect" }),
            diag({ time: "2026-11-22T10:02:00Z", device: "d3", op: "deviceConnect" }),
            diag({ time: "2026-11-22T10:07:00Z", device: "d1", result: "404104" }),
        ];
        const query = `AzureDiagnostics
            | where ResourceProvider == "MICROSOFT.DEVICES" and Category == "Connections"
            | extend DeviceId = tostring(parse_json(properties_s).deviceId)
            | summarize Dropped = dcountif(DeviceId, ResultType == "404104"), Errors = countif(ResultType startswith "500"), Seen = dcount(DeviceId) by _ResourceId, Bin = bin(TimeGenerated, 5m)
            | extend Share = todouble(Dropped) / Seen, HubName = tostring(split(_ResourceId, "/")[-1])
            | project HubName, Bin, Dropped, Errors, Seen, Share`;
        expect(rowsOf(query, rows)).toEqual([
            { HubName: "hub-a", Bin: ms("2026-11-22T10:00:00Z"), Dropped: 2, Errors: 1, Seen: 3, Share: 2 / 3 },
            { HubName: "hub-a", Bin: ms("2026-11-22T10:05:00Z"), Dropped: 1, Errors: 0, Seen: 1, Share: 1 },
        ]);
    });
});
