/**
 * The parallel replay returns exactly what the sequential replay returns (same firings, same
 * values, same order, same per-rule counts), with rules cut into several tasks over two workers;
 * the packed row form round-trips every value and key order; a failing rule rejects with its name.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../program/config";
import { replay, rowsByHub, ruleEvaluationTimes, ruleLookbackMs, type ReplayPlan } from "../replay/engine";
import { planReplay } from "../replay/plan";
import type { MetricSample, ReplayRow } from "../replay/logs";
import { packRows, unpackRows } from "../replay/packedRows";
import { packedHubsOfParts, packStoredRows, RowStoreBuilder, storedRows, storedRowsOfParts } from "../replay/rowStore";
import { readLogRowsInParallel } from "../replay/parallelRead";
import { likelyRules, queryOperators, replayParallel, replayTasks, ReplayWorkerPool, stopReplayWorkers, WORKER_HEAP_BYTES_PER_ROW, workerOldGenerationMb, workerYoungGenerationMb } from "../replay/parallel";
import { recordLines, replayRowsOf } from "../replay/synthetic";
import { generateFleet, mixedFleet, shuffled, withDuplicates } from "../synthetic";

const P = "iothub-404104";

function smallFleet(): { plan: ReplayPlan; rows: ReplayRow[]; lines: string[]; samples: MetricSample[]; from: number; to: number } {
    const fleet = generateFleet(mixedFleet({ seed: 11, start: "2026-11-20T00:00:00Z", durationMinutes: 8 * 60, devicesPerHub: 30 }));
    const hubs = fleet.hubs.map((h) => h.resourceId);
    const settings = parseStackConfig(
        {
            [`${P}:hubs`]: JSON.stringify(hubs),
            [`${P}:resourceGroupName`]: "rg-parallel",
            [`${P}:location`]: "westeurope",
            [`${P}:connectedDevicesAlert`]: JSON.stringify({ expectedConnectedDevices: 30 }),
            // One rule over several evaluation periods, so the split into periods runs in the workers too.
            [`${P}:detections`]: JSON.stringify({ "mass-disconnect": { windowSize: "PT1H", failingPeriods: { numberOfEvaluationPeriods: 3, minFailingPeriodsToAlert: 1 } } }),
        },
        P,
        "dev",
    );
    const records = shuffled(withDuplicates(fleet.records, { seed: 11, share: 0.05 }), 11);
    const rows = replayRowsOf(records);
    // One sample a minute per hub; the mass hub's count drops to 5 for twenty minutes.
    const samples: MetricSample[] = [];
    for (const hub of hubs) {
        for (let t = fleet.start; t < fleet.end; t += 60_000) {
            const low = hub.includes("mass") && t >= fleet.start + 4 * 3_600_000 && t < fleet.start + 4 * 3_600_000 + 20 * 60_000;
            samples.push({ time: t, hub, minimum: low ? 5 : 30, average: low ? 5 : 30, maximum: 30 });
        }
    }
    return { plan: planReplay(settings), rows, lines: [...recordLines(records)], samples, from: fleet.start, to: fleet.end + 15 * 60_000 };
}

describe("parallel replay", () => {
    it("returns exactly the sequential replay's result: same firings in the same order, same counts per rule", async () => {
        const { plan, rows, samples, from, to } = smallFleet();
        const sequential = replay(plan, rows, from, to, samples);
        const parallel = await replayParallel(plan, rows, from, to, samples, { workers: 2, minRows: 0, partsPerWorker: 3 });
        // The fleet has symptoms on four of its five hubs, the mass hub fires over three periods and its
        // drop alert too: the comparison is not one of two empty lists.
        expect(new Set(sequential.firings.map((f) => f.symptom))).toEqual(new Set([1, 2, 3]));
        expect(sequential.perRule.get(`${P}-hub-mass-mass-disconnect`)).toBeGreaterThan(0);
        expect(sequential.perRule.get(`${P}-hub-mass-connected-devices-drop`)).toBeGreaterThan(0);
        expect(parallel.firings).toEqual(sequential.firings);
        expect([...parallel.perRule]).toEqual([...sequential.perRule]);
        // By default, incremental evaluation hands each rule to one worker whole (no cut): the same result.
        expect((await replayParallel(plan, rows, from, to, samples, { workers: 2, minRows: 0 })).firings).toEqual(sequential.firings);
    });

    it("packs the reader's rows (a file read in two parts) from the parts' columns, with the sequential result", async () => {
        const { plan, lines, samples, from, to } = smallFleet();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "replay-parts-"));
        try {
            const file = path.join(dir, "logs.jsonl");
            fs.writeFileSync(file, lines.join("\n") + "\n");
            const { rows } = await readLogRowsInParallel(file, {}, { minBytes: 0, threads: 2 });
            // Read in two parts, each row of one of them.
            expect(new Set(rows.map((r) => (r as { source?: unknown }).source)).size).toBe(2);
            expect(packedHubsOfParts(rows)?.size).toBe(plan.hubs.length);
            const sequential = replay(plan, rows, from, to, samples);
            expect(sequential.firings.length).toBeGreaterThan(0);
            expect((await replayParallel(plan, rows, from, to, samples, { workers: 2, minRows: 0 })).firings).toEqual(sequential.firings);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a pool started before the rows are known (its workers compiling the rules meanwhile) replays once, with the sequential result", async () => {
        const { plan, rows, from, to } = smallFleet();
        const pool = new ReplayWorkerPool(rows.length, { workers: 2 }, plan);
        const sequential = replay(plan, rows, from, to);
        expect((await pool.replay(rows, from, to)).firings).toEqual(sequential.firings);
        await expect(pool.replay(rows, from, to)).rejects.toThrow("a pool replays once");
    });

    it("a pool started before its rules are known (its workers starting the parser meanwhile) takes them later, once, and replays with the sequential result", async () => {
        const { plan, rows, from, to } = smallFleet();
        const pool = new ReplayWorkerPool(rows.length, { workers: 2 });
        await expect(pool.replay(rows, from, to)).rejects.toThrow("the pool has no plan");
        pool.compile(plan);
        expect(() => pool.compile(plan)).toThrow("the pool has its plan");
        expect((await pool.replay(rows, from, to)).firings).toEqual(replay(plan, rows, from, to).firings);
    });

    it("a pool whose worker ended before the replay rejects at once (naming it) rather than waiting for it", async () => {
        const { plan, rows, from, to } = smallFleet();
        const pool = new ReplayWorkerPool(rows.length, { workers: 2 }, plan);
        // Ended from outside, as a signal's handler ends every replay worker.
        stopReplayWorkers();
        await new Promise((resolve) => setTimeout(resolve, 200));
        await expect(pool.replay(rows, from, to)).rejects.toThrow(/a replay worker exited \(code \d+\) before the replay/);
    });

    it("deals the rules to the workers for compiling ahead as the queue would: largest query first, to the least loaded", () => {
        const { plan } = smallFleet();
        const sizes = plan.rules.map((r) => queryOperators(r.resolved.query));
        const two = likelyRules(plan, 2);
        expect(two.flat().sort((a, b) => a - b)).toEqual(plan.rules.map((_, i) => i));
        // The largest rule goes to the first worker, the next to the second, and each list is in dealing order (largest first).
        const bySize = sizes.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
        expect(two[0][0]).toBe(bySize[0]);
        expect(two[1][0]).toBe(bySize[1]);
        for (const list of two) expect(list.map((i) => sizes[i])).toEqual([...list.map((i) => sizes[i])].sort((a, b) => b - a));
        // The loads differ by at most the largest rule's size.
        const loads = two.map((list) => list.reduce((n, i) => n + sizes[i], 0));
        expect(Math.abs(loads[0] - loads[1])).toBeLessThanOrEqual(Math.max(...sizes));
        expect(likelyRules(plan, 1)).toEqual([bySize]);
        expect(likelyRules(plan, plan.rules.length + 2).filter((l) => l.length === 0)).toHaveLength(2);
    });

    it("sizes each worker's heap by the rows it replays: at least 2 GiB, at most an equal share of the machine's memory", () => {
        const share = Math.floor(os.totalmem() / 2 ** 20 / 3);
        expect(workerOldGenerationMb(10_000, 2)).toBe(Math.min(share, 2048));
        const rows = 5_680_000;
        expect(workerOldGenerationMb(rows, 2)).toBe(Math.min(share, Math.ceil((rows * WORKER_HEAP_BYTES_PER_ROW) / 2 ** 20)));
        expect(workerOldGenerationMb(1e12, 2)).toBe(share);
    });

    it("sizes each worker's young generation by the rows: 96 MiB up to 960,000 rows, then 1 MiB per 10,000 rows up to 512", () => {
        expect(workerYoungGenerationMb(0)).toBe(96);
        expect(workerYoungGenerationMb(568_000)).toBe(96);
        expect(workerYoungGenerationMb(3_000_000)).toBe(300);
        expect(workerYoungGenerationMb(5_680_000)).toBe(512);
        expect(workerYoungGenerationMb(1e12)).toBe(512);
    });

    it("cuts each rule's evaluation times into consecutive runs that together are all its times, in order", () => {
        const { plan, rows, from, to } = smallFleet();
        const perRule = replayTasks(plan, rowsByHub(rows), from, to, 3);
        expect(perRule).toHaveLength(plan.rules.length);
        perRule.forEach((tasks, i) => {
            expect(tasks.map((t) => [t.rule, t.part])).toEqual(tasks.map((_, part) => [i, part]));
            expect(tasks.flatMap((t) => t.times)).toEqual(ruleEvaluationTimes(plan.rules[i], from, to));
            expect(tasks.every((t) => t.times.length > 0 && t.cost > 0)).toBe(true);
        });
        // Rules with enough evaluations are cut into the three runs asked for.
        expect(perRule.every((tasks) => tasks.length === 3)).toBe(true);
    });

    it("estimates an incremental run by the rows entering its window times the query's operators, so whole rules queue by their work", () => {
        const { plan, rows, from, to } = smallFleet();
        const byHub = rowsByHub(rows);
        expect(queryOperators("T\n| where x == 1 // a | in a comment\n| summarize count() by y\n// | only a comment")).toBe(2);
        const whole = replayTasks(plan, byHub, from, to, 1, "incremental").map(([task]) => task);
        plan.rules.forEach((rule, i) => {
            const hubRows = byHub.get(rule.hub) ?? [];
            const times = ruleEvaluationTimes(rule, from, to);
            // Every row from the first window on enters once; each evaluation adds the overhead (1,000 rows).
            const entering = hubRows.filter((r) => r.time >= times[0] - ruleLookbackMs(rule) && r.time < times[times.length - 1]).length;
            expect(whole[i].cost).toBe((entering + 1_000 * times.length) * queryOperators(rule.resolved.query));
        });
        // The random-disconnect rule, with the most operators, comes first.
        const queue = [...whole].sort((a, b) => b.cost - a.cost).map((t) => plan.rules[t.rule].name.replace(/.*-(\w+-\w+)$/, "$1"));
        expect(queue[0]).toBe("random-disconnect");
        // A run after the first reads its whole window again instead of the rows that entered since the time before.
        const cut = replayTasks(plan, byHub, from, to, 2, "incremental");
        cut.forEach((tasks, i) => {
            const rule = plan.rules[i];
            const hubRows = byHub.get(rule.hub) ?? [];
            const times = ruleEvaluationTimes(rule, from, to);
            const count = (a: number, b: number): number => hubRows.filter((r) => r.time >= a && r.time < b).length;
            const again = tasks.slice(1).reduce((a, t) => {
                const k = times.indexOf(t.times[0]);
                return a + count(times[k] - ruleLookbackMs(rule), times[k]) - count(times[k - 1], times[k]);
            }, 0);
            expect(tasks.reduce((a, t) => a + t.cost, 0)).toBe(whole[i].cost + again * queryOperators(rule.resolved.query));
        });
    });

    it("replays in this thread below minRows or with one worker, with the same result", async () => {
        const { plan, rows, from, to } = smallFleet();
        const sequential = replay(plan, rows, from, to);
        expect((await replayParallel(plan, rows, from, to, undefined, { workers: 1, minRows: 0 })).firings).toEqual(sequential.firings);
        expect((await replayParallel(plan, rows, from, to, undefined, { workers: 2, minRows: rows.length + 1 })).firings).toEqual(sequential.firings);
    });

    it("rejects naming the rule when a worker cannot evaluate it", async () => {
        const { plan, rows, from, to } = smallFleet();
        const broken = plan.rules[0];
        const bad: ReplayPlan = { ...plan, rules: [{ ...broken, resolved: { ...broken.resolved, query: "AzureDiagnostics | mv-expand x = dynamic([1])" } }] };
        await expect(replayParallel(bad, rows, from, to, undefined, { workers: 2, minRows: 0 })).rejects.toThrow(broken.name);
    });
});

describe("packed rows", () => {
    it("round-trip every value, each row's key order and the times", () => {
        const rows: ReplayRow[] = [
            { row: { TimeGenerated: 1000, ResultType: "404104", Count: null, properties_s: '{"deviceId":"d1"}' }, time: 1000, visibleAt: 1300.5 },
            { row: { TimeGenerated: 2000, ResultType: "", Count: 3.25, properties_s: '{"deviceId":"d1"}' }, time: 2000, visibleAt: 2000 },
            { row: { ResultType: "404104", TimeGenerated: -0, Extra: Number.NaN }, time: 3000, visibleAt: Number.POSITIVE_INFINITY },
            { row: { TimeGenerated: 4000, ResultType: "401003", Count: undefined as unknown as null, properties_s: "" }, time: 4000, visibleAt: 4100 },
        ];
        const packed = packRows(rows);
        expect(packed).toBeDefined();
        const back = unpackRows(packed!);
        expect(back).toEqual(rows);
        expect(back.map((r) => Object.keys(r.row))).toEqual(rows.map((r) => Object.keys(r.row)));
        expect(Object.is(back[2].row.TimeGenerated, -0)).toBe(true);
        expect("Count" in back[3].row).toBe(true);
        expect(back[0].row).not.toBe(rows[0].row);
    });

    it("are what the reader stores: each distinct string once, rows built on demand, a subset repacked by copying codes", () => {
        const builder = new RowStoreBuilder(["TimeGenerated", "_ResourceId", "ResultType", "Count"]);
        const hub = "/subscriptions/s/resourcegroups/rg/providers/microsoft.devices/iothubs/h";
        for (let i = 0; i < 3000; i++) builder.push([1000 * i, hub, i % 7 === 0 ? "404104" : "", i % 5 === 0 ? null : i / 4], 1000 * i, 1000 * i + 300);
        const packed = builder.finish();
        expect(packed.length).toBe(3000);
        expect(packed.columns[1].strings).toEqual([hub]);
        expect(packed.columns[2].strings).toEqual(["404104", ""]);
        const stored = storedRows(packed);
        expect(stored[14]).toMatchObject({ row: { TimeGenerated: 14_000, _ResourceId: hub, ResultType: "404104", Count: 3.5 }, time: 14_000, visibleAt: 14_300, hub });
        expect(stored[10].row.Count).toBeNull();
        expect(stored[3].row).not.toBe(stored[3].row); // a new object each time
        const subset = [stored[2999], stored[7], stored[10], stored[0]];
        const repacked = packStoredRows(subset);
        expect(repacked?.columns[1].strings).toBe(packed.columns[1].strings); // shared, not copied
        expect(storedRows(repacked!).map((r) => [r.row, r.time, r.visibleAt])).toEqual(subset.map((r) => [r.row, r.time, r.visibleAt]));
        // Rows that are not all stored rows are left to packRows.
        expect(packStoredRows([...subset, { row: { TimeGenerated: 1 }, time: 1, visibleAt: 1 }])).toBeUndefined();
    });

    it("of several sources (a file read in two parts) pack with merged dictionaries; sources of other columns are left to packRows", () => {
        const part = (from: number, results: string[]): ReplayRow[] => {
            const builder = new RowStoreBuilder(["TimeGenerated", "ResultType", "Count"]);
            results.forEach((r, i) => builder.push([from + i, r, i % 2 === 0 ? null : i], from + i, from + i + 5));
            return storedRows(builder.finish());
        };
        const first = part(0, ["404104", "", "404104", "500001"]);
        const second = part(100, ["", "409002", "404104"]);
        const mixed = [second[2], first[0], second[1], first[3], second[0], first[1]];
        const packed = packStoredRows(mixed);
        // The dictionary of the source packed first, then what the other adds.
        expect(packed?.columns[1].strings).toEqual(["", "409002", "404104", "500001"]);
        // Other rows of the same two sources (another hub's) get the same dictionary, not a copy: a message of several hubs carries it once.
        expect(packStoredRows([first[2], second[1]])?.columns[1].strings).toBe(packed?.columns[1].strings);
        // The first source's own dictionary is left as it was.
        expect(packStoredRows(first)?.columns[1].strings).toEqual(["404104", "", "500001"]);
        expect(storedRows(packed!).map((r) => [r.row, r.time, r.visibleAt])).toEqual(mixed.map((r) => [r.row, r.time, r.visibleAt]));
        const other = new RowStoreBuilder(["TimeGenerated", "ResultType"]);
        other.push([1, "404104"], 1, 1);
        expect(packStoredRows([first[0], storedRows(other.finish())[0]])).toBeUndefined();
    });

    it("of the reader's parts group by hub and pack in time order from the parts' columns as the row objects do", () => {
        // Category is one value in both parts (filled rather than gathered), Level one value in each part but not the same.
        const keys = ["TimeGenerated", "_ResourceId", "ResultType", "Count", "Category", "Level"];
        const hub = "/subscriptions/s/resourcegroups/rg/providers/microsoft.devices/iothubs/";
        const part = (rows: [number, string | number | null, string][], level: string) => {
            const builder = new RowStoreBuilder(keys);
            rows.forEach(([t, h, r], i) => builder.push([t, h, r, i % 3 === 0 ? null : i, "Connections", level], t, t + 7));
            return builder.finish();
        };
        // Hubs differing only in case are one hub; a row without a hub, or with a number for one, is grouped as the row objects are. Equal times of one hub within and across parts.
        const first = part([[50, `${hub}A`, "404104"], [10, `${hub}b`, ""], [30, `${hub}a`, "500001"], [10, null, "404104"], [30, `${hub}A`, ""]], "Information");
        const second = part([[30, `${hub}b`, "404104"], [5, `${hub}a`, "409002"], [30, 7, ""], [50, `${hub}B`, "404104"], [30, `${hub}a`, "404104"]], "Error");
        const rows = storedRowsOfParts([first, second]);
        const fromParts = packedHubsOfParts(rows);
        const byObjects = rowsByHub(rows);
        expect([...(fromParts?.keys() ?? [])]).toEqual([...byObjects.keys()]);
        expect([...byObjects.keys()]).toEqual([`${hub}a`, `${hub}b`, "", "7"]);
        for (const [id, hubRows] of byObjects) {
            expect(storedRows(fromParts!.get(id)!).map((r) => [r.row, r.time, r.visibleAt])).toEqual(hubRows.map((r) => [r.row, r.time, r.visibleAt]));
            // Every hub gets the parts' merged dictionaries, the same arrays: a hub whose rows are all in both parts packs exactly as its row objects do.
            expect(fromParts?.get(id)?.columns[1].strings).toBe(fromParts?.get(`${hub}a`)?.columns[1].strings);
        }
        expect(fromParts?.get(`${hub}a`)).toEqual(packStoredRows(byObjects.get(`${hub}a`)!));
        expect(fromParts?.get(`${hub}b`)).toEqual(packStoredRows(byObjects.get(`${hub}b`)!));
        // Ties in file order: the first part's two rows at 30, then the second's.
        expect(storedRows(fromParts!.get(`${hub}a`)!).map((r) => [r.time, r.row.ResultType, r.row.Category, r.row.Level])).toEqual([
            [5, "409002", "Connections", "Error"],
            [30, "500001", "Connections", "Information"],
            [30, "", "Connections", "Information"],
            [30, "404104", "Connections", "Error"],
            [50, "404104", "Connections", "Information"],
        ]);
        expect([...(packedHubsOfParts(rows, new Set([`${hub}b`, "7"]))?.keys() ?? [])]).toEqual([`${hub}b`, "7"]);
        // Only the reader's own array, whole: a copy, a changed one or another part's rows are packed row by row.
        expect(packedHubsOfParts(rows.slice())).toBeUndefined();
        expect(packedHubsOfParts(storedRows(first))).toBeUndefined();
        const one = storedRowsOfParts([first]);
        expect(packedHubsOfParts(one)?.size).toBe(3);
        // The reader's array cannot change after: it is frozen.
        expect(() => (one as ReplayRow[]).push(rows[6])).toThrow(TypeError);
        expect(() => (one as ReplayRow[]).reverse()).toThrow(TypeError);
        // Parts of other columns are packed row by row.
        const other = new RowStoreBuilder(["TimeGenerated", "_ResourceId"]);
        other.push([1, `${hub}a`], 1, 1);
        expect(packedHubsOfParts(storedRowsOfParts([first, other.finish()]))).toBeUndefined();
    });

    it("refuse values that are not strings, numbers or null", () => {
        const at = (value: unknown): ReplayRow[] => [{ row: { TimeGenerated: 1, Value: value as string }, time: 1, visibleAt: 1 }];
        expect(packRows(at(new Date(1)))).toBeUndefined();
        expect(packRows(at(true))).toBeUndefined();
        expect(packRows(at({ a: 1 }))).toBeUndefined();
        expect(packRows(at("text"))).toBeDefined();
    });
});
