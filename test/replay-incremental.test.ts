/**
 * Incremental evaluation (issue 16) answers exactly as a full evaluation: every detection's query
 * over a sliding window gives the same rows, in the same order, at every evaluation time, with late
 * and duplicated rows; the sequential (full), incremental and parallel paths give identical firings
 * on every synthetic scenario; queries the increments cannot follow (non-invertible aggregates,
 * now() in a filter, window functions) still answer right; and the building blocks hold.
 */
import { describe, expect, it } from "vitest";
import { compileKql, INGESTION_TIME_KEY, SlidingTable, type InputRow } from "../kql/eval";
import { SummarizeDelta, TableDelta } from "../kql/eval/incremental";
import { Extreme, KeyedColumns, KeyedRows, MinHeap } from "../kql/eval/incrementalState";
import { KeyIndex } from "../kql/eval/keys";
import { replay, rowsByHub, ruleEvaluationTimes, ruleLookbackMs, SlidingWindow } from "../replay/engine";
import { replayParallel } from "../replay/parallel";
import { SCENARIOS } from "../replay/synthetic";
import { noisyHealthyFleet, periodicOutbreakFleet, randomOutbreakFleet, type PresetOptions } from "../synthetic";
import { devPlan, syntheticWorkspace, visibleRows } from "./support/syntheticWorkspace";
import type { FleetSpec } from "../synthetic/fleet";

const START = "2026-11-20T00:00:00Z";

const OPTIONS: PresetOptions = { seed: 7, start: START, durationMinutes: 7 * 60, devicesPerHub: 30 };

describe("incremental evaluation of the detections", () => {
    // The fleet's rows as the replay takes them, with duplicates and in shuffled order (as exports come).
    const { replayRows: rows, hubs } = syntheticWorkspace(SCENARIOS.mixed(OPTIONS), 7);
    const plan = devPlan(hubs);
    const byHub = rowsByHub(rows);

    it("gives every detection's query the same rows in the same order at every evaluation time", () => {
        let compared = 0;
        let nonEmpty = 0;
        for (const rule of plan.rules) {
            const hubRows = byHub.get(rule.hub) ?? [];
            const lookback = ruleLookbackMs(rule);
            const full = compileKql(rule.resolved.query);
            const incremental = compileKql(rule.resolved.query);
            const window = new SlidingWindow(hubRows, lookback);
            for (const t of ruleEvaluationTimes(rule, Date.parse(START), Date.parse(START) + 7 * 3_600_000 + 15 * 60_000)) {
                const expected = full.run({ AzureDiagnostics: visibleRows(hubRows, t, lookback) }, { now: t }).rows;
                const actual = incremental.run({ AzureDiagnostics: window.moveTo(t) }, { now: t }).rows;
                expect(actual, `${rule.name} at ${new Date(t).toISOString()}`).toEqual(expected);
                compared++;
                if (expected.length > 0) nonEmpty++;
            }
        }
        // 5 hubs x 4 rules over 7 hours; the mixture makes rules return rows at some of those times.
        expect(compared).toBeGreaterThan(500);
        expect(nonEmpty).toBeGreaterThan(10);
    });
});

/** Every synthetic scenario of the replay's generator and the noise budget's presets, small. */
function scenarios(): [string, FleetSpec][] {
    const noisy = { ...OPTIONS, backgroundPerDevicePerDay: 2, devicesPerHub: 100 };
    return [
        ...Object.entries(SCENARIOS).map(([name, preset]) => [name, preset(OPTIONS)] as [string, FleetSpec]),
        ["noisy healthy", noisyHealthyFleet(noisy)],
        ["random outbreak", randomOutbreakFleet({ ...noisy, share: 0.05 })],
        ["symptom 1 outbreak", periodicOutbreakFleet({ ...noisy, share: 0.05 })],
    ];
}

describe("the sequential, parallel and incremental paths", () => {
    const all = scenarios();
    let firingsSeen = 0;
    it.each(all)("give identical firings on the %s scenario", async (name, spec) => {
        const { replayRows: rows, hubs, from, to } = syntheticWorkspace(spec, 3);
        // One rule over several evaluation periods, so the split into periods is compared too.
        const plan = devPlan(hubs, { "mass-disconnect": { windowSize: "PT1H", failingPeriods: { numberOfEvaluationPeriods: 3, minFailingPeriodsToAlert: 1 } } });
        const sequential = replay(plan, rows, from, to, undefined, "full");
        const incremental = replay(plan, rows, from, to, undefined, "incremental");
        const parallel = await replayParallel(plan, rows, from, to, undefined, { workers: 2, minRows: 0, partsPerWorker: 2, mode: "incremental" });
        expect(incremental.firings).toEqual(sequential.firings);
        expect(parallel.firings).toEqual(sequential.firings);
        // Full evaluation on workers too, once (the mixture has every symptom).
        if (name === "mixed") expect((await replayParallel(plan, rows, from, to, undefined, { workers: 2, minRows: 0, partsPerWorker: 2, mode: "full" })).firings).toEqual(sequential.firings);
        expect([...incremental.perRule]).toEqual([...sequential.perRule]);
        expect([...parallel.perRule]).toEqual([...sequential.perRule]);
        firingsSeen += sequential.firings.length;
    }, 120_000);
    it("compared scenarios that fire (not only empty lists)", () => {
        expect(firingsSeen).toBeGreaterThan(20);
    });
});

describe("incremental evaluation of any query", () => {
    const { replayRows: rows } = syntheticWorkspace(SCENARIOS.mixed(OPTIONS), 5);
    const hubRows = rowsByHub(rows);
    const sorted = [...hubRows.values()].flat().sort((a, b) => a.time - b.time);
    const base = `AzureDiagnostics | where Category == "Connections" | extend DeviceId = tostring(parse_json(properties_s).deviceId)`;
    const queries: Record<string, string> = {
        "invertible aggregates by bin": `${base} | summarize n = count(), e = countif(ResultType == "404104"), d = dcount(DeviceId), earliest = min(TimeGenerated), latest = max(TimeGenerated), ops = dcountif(OperationName, ResultType != "") by _ResourceId, bin(TimeGenerated, 15m)`,
        "integer sums and averages": `${base} | extend Failed = iff(ResultType == "", 0, 1) | summarize s = sum(Failed), a = avg(Failed), m = max(DeviceId) by _ResourceId`,
        "summarize without by, on every row": `${base} | summarize count(), dcount(DeviceId), min(TimeGenerated)`,
        "non-invertible aggregates (full over kept rows)": `${base} | where ResultType == "404104" | summarize devices = make_set(DeviceId), p = percentile(TimeGenerated, 50), any = take_any(OperationName) by _ResourceId`,
        "a filter with now() beside a pure one": `${base} | where ResultType startswith "4" and TimeGenerated >= now() - 1h | project TimeGenerated, DeviceId, ResultType`,
        "a computed project, then distinct": `${base} | project Hub = tolower(_ResourceId), DeviceId, Failed = ResultType != "" | distinct Hub, DeviceId, Failed | count`,
        "window functions after order by": `${base} | where ResultType == "404104" | order by DeviceId asc, TimeGenerated asc | extend Previous = prev(TimeGenerated) | where DeviceId == prev(DeviceId) | summarize gaps = count() by DeviceId | order by DeviceId asc`,
        // bin_at by a zero step is NaN: NaN datetimes order first, so the min is NaN and the max is not.
        "extremes over NaN datetimes": `${base} | extend T = iff(ResultType == "404104", bin_at(TimeGenerated, 0s, datetime(2026-11-20)), TimeGenerated) | summarize earliest = min(T), latest = max(T), n = count() by _ResourceId, OperationName`,
        "a join of two incremental branches": `let drops = ${base} | where ResultType == "404104" | summarize Drops = count() by DeviceId; let seen = ${base} | summarize Rows = count() by DeviceId; drops | join kind=inner seen on DeviceId | project DeviceId, Drops, Rows | order by DeviceId asc`,
    };
    const times = Array.from({ length: 7 * 6 }, (_, k) => Date.parse(START) + (k + 1) * 10 * 60_000);
    it.each(Object.entries(queries))("answers %s as a full evaluation does, at every time", (_name, query) => {
        const full = compileKql(query);
        const incremental = compileKql(query);
        const lookback = 2 * 3_600_000;
        const window = new SlidingWindow(sorted, lookback);
        let nonEmpty = 0;
        for (const t of times) {
            const expected = full.run({ AzureDiagnostics: visibleRows(sorted, t, lookback) }, { now: t }).rows;
            expect(incremental.run({ AzureDiagnostics: window.moveTo(t) }, { now: t }).rows, new Date(t).toISOString()).toEqual(expected);
            if (expected.length > 0) nonEmpty++;
        }
        expect(nonEmpty).toBeGreaterThan(times.length / 2);
    });

    it("starts over when given another table, or a table moved twice between runs", () => {
        const query = queries["invertible aggregates by bin"];
        const full = compileKql(query);
        const incremental = compileKql(query);
        const lookback = 3_600_000;
        const a = new SlidingWindow(sorted, lookback);
        const b = new SlidingWindow(sorted, lookback);
        const check = (table: SlidingTable, t: number): void => {
            expect(incremental.run({ AzureDiagnostics: table }, { now: t }).rows).toEqual(full.run({ AzureDiagnostics: visibleRows(sorted, t, lookback) }, { now: t }).rows);
        };
        check(a.moveTo(times[3]), times[3]);
        check(b.moveTo(times[10]), times[10]); // another table
        check(a.moveTo(times[11]), times[11]); // back to the first, far ahead
        a.moveTo(times[12]);
        check(a.moveTo(times[13]), times[13]); // moved twice between runs
        // And as plain rows in between: the full path.
        check(a.moveTo(times[14]), times[14]);
        expect(incremental.run({ AzureDiagnostics: visibleRows(sorted, times[15], lookback) }, { now: times[15] }).rows).toEqual(
            full.run({ AzureDiagnostics: visibleRows(sorted, times[15], lookback) }, { now: times[15] }).rows,
        );
        check(a.moveTo(times[16]), times[16]);
    });
});

describe("incremental summarize order", () => {
    it("lists each group once, in the order of its earliest row, when a late row comes before a group's rows and leaves again", () => {
        const query = "AzureDiagnostics | summarize c = count(), earliest = min(TimeGenerated) by OperationName";
        const full = compileKql(query);
        const incremental = compileKql(query);
        const row = (op: string, minute: number): InputRow => ({ OperationName: op, TimeGenerated: Date.UTC(2026, 10, 20, 0, minute) });
        const table = new SlidingTable();
        const held: { key: number; row: InputRow }[] = [];
        const step = (dropBelow: number, added: { key: number; row: InputRow }[]): void => {
            table.advance(dropBelow, added.map((a) => a.key), added.map((a) => a.row));
            held.push(...added);
            held.sort((a, b) => a.key - b.key);
            const current = held.filter((h) => h.key >= dropBelow);
            held.splice(0, held.length, ...current);
            const now = Date.UTC(2026, 10, 21);
            expect(incremental.run({ AzureDiagnostics: table }, { now }).rows).toEqual(full.run({ AzureDiagnostics: current.map((h) => h.row) }, { now }).rows);
        };
        step(-Infinity, [{ key: 10, row: row("a", 10) }, { key: 20, row: row("b", 20) }]);
        step(-Infinity, [{ key: 5, row: row("a", 5) }]); // a late row of a, before its first one
        step(6, []); // the late row leaves: a starts at 10 again, where it was first listed
        step(6, [{ key: 15, row: row("a", 15) }, { key: 25, row: row("c", 25) }]);
        step(12, []); // a's row at 10 leaves: a starts at 15, still before b (20) and c (25)
        step(21, [{ key: 30, row: row("b", 30) }]); // a is gone, b's row at 20 left: c (25), then b (30)
    });
});

describe("incremental filters", () => {
    it("keep Kusto's answer for `and` over non-bool operands (a dynamic 1 is true inside `and`)", () => {
        const query = 'AzureDiagnostics | where parse_json(properties_s).flag and ResultType == "404104" | count';
        const rows: InputRow[] = [1, 0, "x", null, true].map((flag, i) => ({ TimeGenerated: i * 1000, ResultType: "404104", properties_s: JSON.stringify({ flag }) }));
        const expected = compileKql(query).run({ AzureDiagnostics: rows }, { now: 0 }).rows;
        const table = new SlidingTable();
        table.advance(-Infinity, rows.map((_, i) => i), rows);
        expect(compileKql(query).run({ AzureDiagnostics: table }, { now: 0 }).rows).toEqual(expected);
    });
});

describe("extends that depend on one column, incrementally", () => {
    const rows: InputRow[] = ["a,b", "c", "a,b", "c", "a,b"].map((p, i) => ({ TimeGenerated: i * 60_000, properties_s: p, OperationName: `op${i}` }));
    const run = (query: string): Record<string, unknown>[] => {
        const table = new SlidingTable();
        table.advance(-Infinity, rows.map((_, i) => i), rows);
        const result = compileKql(query).run({ AzureDiagnostics: table }, { now: 0 }).rows as Record<string, unknown>[];
        expect(result).toEqual(compileKql(query).run({ AzureDiagnostics: rows }, { now: 0 }).rows);
        return result;
    };
    it("compute once per distinct value of that column: rows with the same value share the values", () => {
        const result = run("AzureDiagnostics | extend Parts = split(properties_s, ',') | extend First = tostring(Parts[0]), N = array_length(Parts)");
        expect(result.map((r) => r.First)).toEqual(["a", "c", "a", "c", "a"]);
        expect(result[2].Parts).toBe(result[0].Parts);
        expect(result[3].Parts).toBe(result[1].Parts);
    });
    it("compute per row when they depend on two columns", () => {
        const result = run("AzureDiagnostics | extend Parts = split(strcat(properties_s, ',', OperationName), ',') | project Parts");
        expect(result[2].Parts).toEqual(["a", "b", "op2"]);
        expect(result[4].Parts).not.toBe(result[0].Parts);
    });
});

describe("filters by a time of the run on a table ordered by time", () => {
    const minute = 60_000;
    // Rows a minute apart, several at the same minute (ties at a bound), keys in time order.
    const times = [0, 1, 1, 2, 3, 3, 3, 4, 5, 6, 6, 7, 8, 9, 9, 10].map((m) => m * minute);
    const rows: InputRow[] = times.map((t, i) => ({ TimeGenerated: t, ResultType: i % 3 === 0 ? "500001" : "404104", OperationName: `op${i}` }));
    const moved = (query: string, table: SlidingTable, source: readonly InputRow[]): unknown[][] => {
        // The window moves over the rows, two keys at a time, with runs at every minute: the same answer as a scan of the rows in the window each time.
        const incremental = compileKql(query);
        const full = compileKql(query);
        const answers: unknown[][] = [];
        for (let end = 2; end <= source.length; end += 2) {
            const start = Math.max(0, end - 8);
            table.advance(start, [end - 2, end - 1], source.slice(end - 2, end));
            const now = (end / 2 + 3) * minute;
            const got = incremental.run({ AzureDiagnostics: table }, { now }).rows;
            expect(got).toEqual(full.run({ AzureDiagnostics: source.slice(start, end) }, { now }).rows);
            answers.push([...got]);
        }
        return answers;
    };
    it.each([
        'where ResultType == "404104" and TimeGenerated >= now() - 3m',
        'where ResultType == "404104" and TimeGenerated > now() - 3m',
        'where ResultType == "404104" and TimeGenerated < now() - 2m',
        'where ResultType == "404104" and TimeGenerated <= now() - 2m',
        'where ResultType == "404104" and ago(3m) <= TimeGenerated and OperationName != "op4"',
        'where ResultType == "404104" and now() - 2m > TimeGenerated',
        'where ResultType == "404104" and TimeGenerated >= datetime(null)',
    ])("%s gives the answer of a scan, ties at the bound included", (filter) => {
        moved(`AzureDiagnostics | ${filter} | project OperationName, TimeGenerated`, new SlidingTable(undefined, { ascending: "TimeGenerated" }), rows);
    });
    it("tests each row when the bound reads the row without naming a column (ingestion_time())", () => {
        // Each row arrives a different time after it happened: the bound differs from row to row.
        const arriving: InputRow[] = [0, 1, 2, 3, 4, 5].map((m) => ({ TimeGenerated: m * minute, ResultType: "404104", [INGESTION_TIME_KEY]: (m + (m % 2 === 0 ? 1 : 4)) * minute }));
        // ago() makes the condition one of the run, to be applied at each run; ingestion_time() still reads the row.
        const query = 'AzureDiagnostics | where ResultType == "404104" and TimeGenerated >= max_of(ago(1h), ingestion_time() - 2m) | project TimeGenerated';
        const declared = new SlidingTable(undefined, { ascending: "TimeGenerated" });
        declared.advance(-Infinity, arriving.map((_, i) => i), arriving);
        const now = 10 * minute;
        const scan = compileKql(query).run({ AzureDiagnostics: arriving }, { now }).rows;
        expect(scan).toHaveLength(3);
        expect(compileKql(query).run({ AzureDiagnostics: declared }, { now }).rows).toEqual(scan);
    });
    it("trusts the declared order: it finds the bound by binary search, not by testing each row", () => {
        // One row out of order under a table that declares TimeGenerated ascending: the search misses it, a scan does not.
        const query = 'AzureDiagnostics | where ResultType == "404104" and TimeGenerated >= now() - 3m | count';
        const disordered: InputRow[] = [0, 1, 2, 3].map((m) => ({ TimeGenerated: m * minute, ResultType: "404104" }));
        disordered.push({ TimeGenerated: 0, ResultType: "404104" });
        const declared = new SlidingTable(undefined, { ascending: "TimeGenerated" });
        declared.advance(-Infinity, [0, 1, 2, 3, 4], disordered);
        const plain = new SlidingTable();
        plain.advance(-Infinity, [0, 1, 2, 3, 4], disordered);
        const now = 4 * minute;
        expect(compileKql(query).run({ AzureDiagnostics: plain }, { now }).rows).toEqual([{ Count: 3 }]);
        expect(compileKql(query).run({ AzureDiagnostics: declared }, { now }).rows).toEqual([{ Count: 4 }]);
    });
    it.each([
        ["a column computed under the same name", "extend TimeGenerated = TimeGenerated + 1m | where ResultType == \"404104\" and TimeGenerated >= now() - 3m | count"],
        ["a renamed column", "project-rename Time = TimeGenerated | where ResultType == \"404104\" and Time >= now() - 3m | count"],
        ["a column of another table's order", "where ResultType == \"404104\" and todatetime(OperationName) >= now() - 3m | count"],
    ])("tests each row of %s", (_, rest) => {
        // On rows out of order (the last one falls below the bound, 2 minutes), only a scan gives the plain table's answer.
        const query = `AzureDiagnostics | ${rest}`;
        const disordered: InputRow[] = [0, 1, 2, 3].map((m) => ({ TimeGenerated: m * minute, ResultType: "404104", OperationName: new Date(m * minute).toISOString() }));
        disordered.push({ TimeGenerated: 0, ResultType: "404104", OperationName: new Date(0).toISOString() });
        const declared = new SlidingTable(undefined, { ascending: "TimeGenerated" });
        declared.advance(-Infinity, [0, 1, 2, 3, 4], disordered);
        const now = 5 * minute;
        expect(compileKql(query).run({ AzureDiagnostics: declared }, { now }).rows).toEqual(compileKql(query).run({ AzureDiagnostics: disordered }, { now }).rows);
    });
});

describe("the building blocks of incremental evaluation", () => {
    it("keyed rows stay in key order with late rows merged in and old ones dropped", () => {
        const k = new KeyedRows();
        k.insert([1, 4, 6], ["a", "d", "f"]);
        k.insert([2, 7], ["b", "g"]);
        k.insert([8], ["h"]);
        expect(k.keyArray()).toEqual([1, 2, 4, 6, 7, 8]);
        const dropped: unknown[] = [];
        k.dropBelow(5, (row) => dropped.push(row));
        expect(dropped).toEqual(["a", "b", "d"]);
        expect(k.rowArray()).toEqual(["f", "g", "h"]);
        expect(k.firstKey).toBe(6);
    });
    it("keyed columns keep each entry's values together through late entries and drops", () => {
        const k = new KeyedColumns([], [[], []]);
        k.insertEntries([1, 4, 6], [["a", "d", "f"], [10, 40, 60]]);
        k.insertEntries([2, 7], [["b", "g"], [20, 70]]);
        const dropped: [unknown, unknown, number][] = [];
        k.dropEntriesBelow(5, (columns, at, key) => dropped.push([columns[0][at], columns[1][at], key]));
        expect(dropped).toEqual([["a", 10, 1], ["b", 20, 2], ["d", 40, 4]]);
        expect(k.keyArray()).toEqual([6, 7]);
        expect(k.size).toBe(2);
        k.dropEntriesBelow(7, (columns, at, key) => dropped.push([columns[0][at], columns[1][at], key]));
        expect(dropped.at(-1)).toEqual(["f", 60, 6]);
    });
    it("keyed columns take a run of entries longer than one append (chunked), and a column longer or shorter than the keys up to the keys", () => {
        const n = 20_000;
        const keys = Array.from({ length: n }, (_, i) => 2 * i);
        const k = new KeyedColumns([-1], [["first"], [-10]]);
        // The value column carries one extra value past the keys, which is not taken.
        k.insertEntries(keys, [keys.map((key) => `r${key}`), [...keys.map((key) => key / 2), 0.5]]);
        k.insertEntries([2 * n], [["last"], [n]]);
        // A column shorter than the keys gives undefined for the rest, the entries staying aligned.
        k.insertEntries([2 * n + 1, 2 * n + 2], [["short"], [1, 2]]);
        expect(k.size).toBe(n + 4);
        expect(k.keyArray()).toEqual([-1, ...keys, 2 * n, 2 * n + 1, 2 * n + 2]);
        const seen: [unknown, unknown][] = [];
        k.dropEntriesBelow(Infinity, (columns, at) => seen.push([columns[0][at], columns[1][at]]));
        expect(seen).toEqual([["first", -10], ...keys.map((key): [unknown, unknown] => [`r${key}`, key / 2]), ["last", n], ["short", 1], [undefined, 2]]);
    });
    it("a min-heap gives its smallest number after drops", () => {
        const h = new MinHeap();
        for (const v of [9, 3, 7, 1, 8, 2]) h.push(v);
        expect(h.min).toBe(1);
        h.dropBelow(4);
        expect(h.min).toBe(7);
        expect(h.size).toBe(3);
        h.dropBelow(100);
        expect(h.min).toBe(Infinity);
    });
    it("a key index forgets a deleted key and the inner maps it leaves empty", () => {
        const index = new KeyIndex<number>(3);
        index.set(["hub", "d1", 1], 1);
        index.set(["hub", "d1", 2], 2);
        index.set(["hub", "d2", 1], 3);
        index.delete(["hub", "d1", 1]);
        expect(index.get(["hub", "d1", 1])).toBeUndefined();
        expect(index.get(["hub", "d1", 2])).toBe(2);
        index.delete(["hub", "d1", 2]);
        index.delete(["hub", "d2", 1]);
        index.delete(["hub", "d3", 1]); // absent: nothing happens
        expect(index.isEmpty).toBe(true);
    });
    it("an incremental summarize forgets groups whose rows all left, so its state follows the window", () => {
        // One group per row (a distinct by time), a window of 10 rows moved 20,000 times.
        const runtime = { generation: 0 };
        const table = new SlidingTable();
        const source = new TableDelta(runtime, () => table);
        const state = new SummarizeDelta(runtime, source, { keyFns: [(r) => (r as { k: number }).k], create: () => [], output: (keys) => keys });
        for (let k = 0; k < 20_000; k++) {
            table.advance(k - 10, [k], [{ k }]);
            runtime.generation++;
            expect(state.rows()).toHaveLength(Math.min(k + 1, 11));
        }
        expect(state.rows()).toEqual(Array.from({ length: 11 }, (_, i) => [19_989 + i]));
        expect(state.groupCount).toBe(11);
    });
    it("an extreme follows rows taken out by key, with repeated values, and rebuilds when taken-out entries pile up", () => {
        const max = new Extreme(1);
        [5, 9, 9, 3].forEach((v, key) => max.add(v, key));
        max.remove(5, 0);
        expect(max.value()).toBe(9);
        max.remove(9, 1);
        expect(max.value()).toBe(9);
        max.remove(9, 2);
        expect(max.value()).toBe(3);
        max.remove(3, 3);
        expect(max.value()).toBeNull();
        // Strings (compared as Kusto orders them) and numbers compared with <.
        const text = new Extreme(-1);
        ["b", "a", "c"].forEach((v, key) => text.add(v, key));
        expect(text.value()).toBe("a");
        text.remove("b", 0);
        text.remove("a", 1);
        expect(text.value()).toBe("c");
        const min = new Extreme(-1, true);
        for (let i = 0; i < 20_000; i++) {
            min.add(i, i);
            if (i >= 10) min.remove(i - 10, i - 10);
        }
        expect(min.value()).toBe(19_990);
        // Descending values under ascending keys: every entry taken out stays deep in the min-heap until the rebuild.
        const falling = new Extreme(-1, true);
        for (let i = 0; i < 30_000; i++) {
            falling.add(-i, i);
            if (i >= 100) falling.remove(-(i - 100), i - 100);
            if (i % 997 === 0) expect(falling.value()).toBe(-i);
        }
        expect(falling.value()).toBe(-29_999);
        for (let i = 29_900; i < 30_000; i++) falling.remove(-i, i);
        expect(falling.value()).toBeNull();
    });
    it("a numeric extreme orders NaN first, as Kusto's order does", () => {
        const min = new Extreme(-1, true);
        [5, NaN, 3].forEach((v, key) => min.add(v, key));
        expect(min.value()).toBeNaN();
        min.remove(5, 0);
        min.remove(NaN, 1);
        expect(min.value()).toBe(3);
        const max = new Extreme(1, true);
        [NaN, 2, 7, NaN].forEach((v, key) => max.add(v, key));
        expect(max.value()).toBe(7);
        max.remove(NaN, 0);
        max.remove(2, 1);
        max.remove(7, 2);
        expect(max.value()).toBeNaN();
    });
    it("an extreme refuses a row added at or below the last key taken out, and keys taken out of order", () => {
        const e = new Extreme(1, true);
        e.add(1, 5);
        e.remove(1, 5);
        expect(() => e.add(2, 5)).toThrow(/key 5 is not above the last key taken out \(5\)/);
        e.add(3, 9);
        expect(() => e.remove(3, 4)).toThrow(/key 4 comes after key 5 was taken out/);
    });
});
