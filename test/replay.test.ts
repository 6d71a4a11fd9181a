import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { aggregate, evaluationTimes, meets, replayMetricAlert, replayRule, replaySpan, rowsByHub, type ReplayRule } from "../replay/engine";
import { stableTimeOrder } from "../replay/timeOrder";
import { planReplay } from "../replay/plan";
import { parseExportTime, readLogRows, readMetricSamples, type ReplayRow } from "../replay/logs";
import { parseStackConfig } from "../program/config";
import { resolveDetectionRule } from "../components/detectionRule";
import { massDisconnect } from "../queries/catalog";
import { ROOT } from "./support/runStack";
import { HUB_A } from "./support/fixtures";

const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "replay-"));

function run(script: string, ...args: string[]): { code: number | null; out: string; err: string } {
    const r = spawnSync(TSX, [path.join(ROOT, "scripts", script), ...args], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("reading exports", () => {
    it("reads ISO times (no zone is UTC) and the portal's display times", () => {
        expect(parseExportTime("2026-11-20T06:05:09.123Z")).toBe(Date.UTC(2026, 10, 20, 6, 5, 9, 123));
        expect(parseExportTime("2026-11-20 06:05:09")).toBe(Date.UTC(2026, 10, 20, 6, 5, 9));
        expect(parseExportTime("11/20/2026, 6:05:09.123 PM")).toBe(Date.UTC(2026, 10, 20, 18, 5, 9, 123));
        expect(parseExportTime("11/20/2026, 12:00:00.000 AM")).toBe(Date.UTC(2026, 10, 20, 0, 0, 0));
        expect(parseExportTime("yesterday")).toBeUndefined();
        expect(parseExportTime("2026-11-20T07:05:09+01:00")).toBe(Date.UTC(2026, 10, 20, 6, 5, 9));
    });
    it("refuses times that do not exist instead of rolling them over, and day-first portal times", () => {
        for (const t of ["2026-02-30T00:00:00Z", "2026-13-01 00:00:00", "2026-11-20T24:00:00Z", "2026-11-20T23:60:00Z", "13/45/2026, 12:01:00.000 AM", "11/20/2026, 25:99:99 PM", "11/20/2026, 0:10:00 AM", "20/11/2026, 06:05:09.123", "2/29/2026, 1:00:00 AM"]) {
            expect(parseExportTime(t), t).toBeUndefined();
        }
        expect(parseExportTime("2/29/2028, 1:00:00 AM")).toBe(Date.UTC(2028, 1, 29, 1));
    });
    it("reads Log Analytics' own time format (the reader's fast path) exactly as Date.parse does, and refuses its malformed variants", () => {
        for (const t of ["2026-11-20T00:40:24Z", "2026-11-20T00:40:24.7Z", "2026-11-20T00:40:24.74Z", "2026-11-20T00:40:24.740Z", "2026-11-20T00:40:24.7409999Z", "2026-11-20T00:40:24.740999999Z", "2024-02-29T23:59:59.999Z", "1999-12-31T23:59:59.5Z", " 2026-11-20T00:40:24.740Z ", "0050-01-01T00:00:00Z"]) {
            expect(parseExportTime(t), t).toBe(Date.parse(t.trim()));
        }
        for (const t of ["2026-02-29T00:00:00.000Z", "2026-11-20T24:00:00Z", "2026-11-20T00:40:24.Z", "2026-11-20T00:40:24,5Z", "2026-1a-20T00:40:24Z"]) {
            expect(parseExportTime(t), t).toBeUndefined();
        }
    });
    it("reports each malformed row with its line number, counts skips by reason, and keeps the rest", () => {
        const good = (t: string, hub = HUB_A.toLowerCase(), category = "Connections") =>
            JSON.stringify({ TimeGenerated: t, _ResourceId: hub, Category: category, ResourceProvider: "MICROSOFT.DEVICES", ResourceType: "IOTHUBS", OperationName: "deviceDisconnect", ResultType: "404104", properties_s: '{"deviceId":"d1"}', TenantId: "x", Type: "AzureDiagnostics" });
        const withoutProvider = JSON.stringify({ ...JSON.parse(good("2026-11-20T00:04:00Z")), ResourceProvider: "" });
        const file = path.join(tmp, "mixed.jsonl");
        fs.writeFileSync(
            file,
            [good("2026-11-20T00:00:00Z"), "{not json", good("2026-11-20T00:01:00Z", HUB_A.toLowerCase(), "Routes"), JSON.stringify({ TimeGenerated: "2026-11-20T00:02:00Z" }), good("soon"), good("2026-11-20T00:03:00Z", "/subscriptions/x/other"), withoutProvider].join("\n"),
        );
        const { rows, report } = readLogRows(file, { hubs: [HUB_A] });
        expect(rows).toHaveLength(1);
        expect(report.rowsRead).toBe(7);
        expect(report.malformed.map((m) => m.line)).toEqual([2, 4, 5, 7]);
        expect(report.malformed[0].message).toMatch(/not valid JSON/);
        expect(report.malformed[1].message).toMatch(/missing _ResourceId, ResourceProvider, ResourceType, Category, OperationName, ResultType, properties_s/);
        expect(report.malformed[2].message).toMatch(/TimeGenerated "soon" is not a time/);
        // Every detection filters on ResourceProvider: a row without it is reported, not kept to match nothing.
        expect(report.malformed[3].message).toBe("missing ResourceProvider");
        expect([...report.skipped]).toEqual([
            ["not an IoT Hub Connections row", 1],
            ["hub not monitored by the stack", 1],
        ]);
    });
    it("keeps only the columns asked for, and reports a fractional value in a long column it keeps", () => {
        const row = (ms: unknown): string =>
            JSON.stringify({ TimeGenerated: "2026-11-20T00:00:00Z", _ResourceId: HUB_A, Category: "Connections", ResourceProvider: "MICROSOFT.DEVICES", ResourceType: "IOTHUBS", OperationName: "deviceConnect", ResultType: "", properties_s: "{}", DurationMs: ms, Level: "Information" });
        const file = path.join(tmp, "durations.jsonl");
        fs.writeFileSync(file, [row(12), row(0.5), row("")].join("\n"));
        const narrow = readLogRows(file, { columns: ["TimeGenerated", "_ResourceId", "OperationName"] });
        expect(narrow.rows.map((r) => r.row)).toEqual(Array(3).fill({ TimeGenerated: Date.parse("2026-11-20T00:00:00Z"), OperationName: "deviceConnect", _ResourceId: HUB_A }).map((r) => ({ ...r })));
        expect(narrow.report.malformed).toEqual([]);
        const withDuration = readLogRows(file, { columns: ["TimeGenerated", "DurationMs"] });
        expect(withDuration.rows.map((r) => r.row.DurationMs)).toEqual([12, null]);
        expect(withDuration.report.malformed).toEqual([{ line: 2, message: "DurationMs 0.5 is not a whole number (the column is long)" }]);
        expect(() => readLogRows(file, { columns: ["TimeGenerated", "NoSuchColumn"] })).toThrow(/NoSuchColumn not AzureDiagnostics schema column/);
    });
    it("refuses a CSV whose header lacks a column the detections read", () => {
        const file = path.join(tmp, "short.csv");
        fs.writeFileSync(file, "TimeGenerated [UTC],_ResourceId\n2026-11-20T00:00:00Z,x\n");
        expect(() => readLogRows(file)).toThrow(/short\.csv: the header lacks column\(s\) ResourceProvider, ResourceType, Category, OperationName, ResultType, properties_s/);
    });
    it("reads metric samples and reports bad ones", () => {
        const file = path.join(tmp, "metrics.csv");
        fs.writeFileSync(file, `TimeGenerated,_ResourceId,Minimum,Average,Maximum\n2026-11-20T00:00:00Z,${HUB_A},10,12,14\n2026-11-20T00:01:00Z,${HUB_A},x,12,14\n`);
        const { samples, report } = readMetricSamples(file);
        expect(samples).toEqual([{ time: Date.UTC(2026, 10, 20), hub: HUB_A.toLowerCase(), minimum: 10, average: 12, maximum: 14 }]);
        expect(report.malformed.map((m) => m.line)).toEqual([3]);
    });
});

describe("evaluating as Azure does", () => {
    it("evaluates at multiples of the frequency, compares and aggregates", () => {
        expect(evaluationTimes(Date.UTC(2026, 0, 1, 0, 7), Date.UTC(2026, 0, 1, 0, 20), 5 * 60_000).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(["00:10", "00:15", "00:20"]);
        expect([meets("GreaterThan", 1, 1), meets("GreaterThanOrEqual", 1, 1), meets("LessThan", 0, 1), meets("Equals", 2, 2)]).toEqual([false, true, true, true]);
        expect([aggregate("Count", [5, 5]), aggregate("Total", [1, 2]), aggregate("Average", [1, 3]), aggregate("Minimum", [3, 1]), aggregate("Maximum", [3, 1])]).toEqual([2, 3, 2, 1, 3]);
    });

    // A rule counting rows per hour, firing when an hour has at least 2 rows in 2 of the last 3 hours.
    const hourly = resolveDetectionRule(
        "test",
        {
            ...massDisconnect,
            file: "../test/support/hourly-count.kql",
            parameters: { monitoredHubs: massDisconnect.parameters.monitoredHubs },
            evaluationFrequency: "PT1H",
            windowSize: "PT1H",
            timeAggregation: "Total",
            measureColumn: "Rows",
            operator: "GreaterThanOrEqual",
            threshold: 2,
            timeColumn: "TimeGenerated",
            failingPeriods: { numberOfEvaluationPeriods: 3, minFailingPeriodsToAlert: 2 },
        },
        HUB_A,
        "dev",
    );
    const rule: ReplayRule = { name: "hourly", hub: HUB_A.toLowerCase(), resolved: hourly };
    const at = (h: number, m: number, lateMinutes = 0): ReplayRow => {
        const time = Date.UTC(2026, 10, 20, h, m);
        return { time, visibleAt: time + lateMinutes * 60_000, row: { TimeGenerated: time, _ResourceId: HUB_A.toLowerCase(), Category: "Connections", ResourceProvider: "MICROSOFT.DEVICES", ResourceType: "IOTHUBS", OperationName: "deviceDisconnect", ResultType: "404104", properties_s: "{}" } };
    };
    it("applies the query range (window x periods), failing periods and the threshold per hour", () => {
        // Hours 00 and 02 breach (2 rows each), hour 01 does not (1 row).
        const rows = [at(0, 10), at(0, 20), at(1, 10), at(2, 10), at(2, 20)];
        const f = replayRule(rule, rows, Date.UTC(2026, 10, 20, 1), Date.UTC(2026, 10, 20, 5));
        // 01:00: one breaching hour; 02:00: 00 breaches, 01 not; 03:00: 00 and 02 breach; 04:00: 02 only (00 left the range); 05:00: 02 only.
        expect(f.map((x) => x.evaluatedAt.slice(11, 16))).toEqual(["03:00"]);
        expect(f[0]).toMatchObject({ rule: "hourly", symptom: 3, value: 2, resourceId: HUB_A.toLowerCase(), dimensions: { HubName: "hub-a" } });
    });
    it("sees a row only once it has arrived", () => {
        const rows = [at(0, 10), at(0, 20), at(2, 10), at(2, 20, 50)];
        const f = replayRule(rule, rows, Date.UTC(2026, 10, 20, 3), Date.UTC(2026, 10, 20, 3, 0));
        expect(f).toEqual([]);
    });
    it("replays the drop alert over metric samples: Minimum over the window below the threshold", () => {
        const settings = parseStackConfig(
            { "iothub-404104:hubs": JSON.stringify([HUB_A]), "iothub-404104:resourceGroupName": "rg", "iothub-404104:location": "westeurope", "iothub-404104:connectedDevicesAlert": JSON.stringify({ threshold: 100 }) },
            "iothub-404104",
            "dev",
        );
        const [alert] = planReplay(settings).metricAlerts;
        const t0 = Date.UTC(2026, 10, 20, 0, 0);
        const samples = Array.from({ length: 10 }, (_, i) => ({ time: t0 + i * 60_000, hub: HUB_A.toLowerCase(), minimum: i === 4 ? 50 : 150, average: 150, maximum: 150 }));
        const f = replayMetricAlert(alert, samples, t0, t0 + 10 * 60_000);
        // A PT5M window every minute sees the 00:04 dip from 00:05 to 00:09.
        expect(f.map((x) => x.evaluatedAt.slice(11, 16))).toEqual(["00:05", "00:06", "00:07", "00:08", "00:09"]);
        expect(f[0]).toMatchObject({ rule: "iothub-404104-hub-a-connected-devices-drop", symptom: 3, value: 50 });
    });
});

describe("large inputs", () => {
    // 300,000 values: a spread into Math.min/Math.max throws RangeError (call stack) well below that.
    const many = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 300_000);
    it("aggregates the minimum and maximum of more values than fit in a call", () => {
        expect([aggregate("Minimum", many), aggregate("Maximum", many)]).toEqual([0, 299_999]);
    });
    it("spans a large export from its earliest row to its latest arrival, unless bounded", () => {
        const rows = many.map((v) => ({ row: {}, time: 1_000 + v, visibleAt: 5_000 + v }) as unknown as ReplayRow);
        expect(replaySpan(rows)).toEqual({ start: 1_000, end: 304_999 });
        expect(replaySpan(rows, 10, 20)).toEqual({ start: 10, end: 20 });
        expect(replaySpan([])).toEqual({ start: 0, end: 0 });
    });
    it("orders rows by time, equal times in their order, by keys when the times are whole milliseconds of a small enough span and by a comparator otherwise", () => {
        const reference = (times: readonly number[]): number[] => times.map((t, i) => [t, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
        const whole = many.map((v) => 1_763_596_800_000 + (v % 5_000) * 1_000);
        const fractional = whole.map((t, i) => (i % 3 === 0 ? t + 0.5 : t));
        // Whole milliseconds, but (span + 1) x rows is past 2^53: the comparator sorts them.
        const wide = many.map((v, i) => (i % 2 === 0 ? 0 : 2 ** 40) + (v % 5_000));
        const negative = whole.map((t, i) => (i % 4 === 0 ? -t : t) - 1_000_000_000_000);
        for (const times of [whole, fractional, wide, negative, [5, -0, 0, -3, 5], [], [3]]) {
            const got = stableTimeOrder(times);
            const want = reference(times);
            // The first position where the orders differ (-1: none), rather than a diff of 300,000 numbers.
            expect(got.length).toBe(want.length);
            expect(want.findIndex((i, k) => got[k] !== i)).toBe(-1);
        }
        // Rows of two hubs, grouped by lower-cased hub and sorted by time, equal times kept in their order.
        const rows = whole.slice(0, 1_000).map((t, i) => ({ row: { _ResourceId: i % 2 === 0 ? "HUB-A" : "hub-b", n: i }, time: t, visibleAt: t }) as unknown as ReplayRow);
        const byHub = rowsByHub(rows);
        expect([...byHub.keys()]).toEqual(["hub-a", "hub-b"]);
        for (const [hub, list] of byHub) {
            const expected = rows.filter((r) => String(r.row._ResourceId).toLowerCase() === hub).sort((a, b) => a.time - b.time);
            expect(list.map((r) => r.row.n)).toEqual(expected.map((r) => r.row.n));
        }
    });
});

describe("npm run replay", () => {
    it("on a generated symptom-1 file fires the periodic detection and nothing else, and draws the firings", () => {
        const logs = path.join(tmp, "symptom1.jsonl");
        expect(run("synth.ts", "--scenario", "symptom1", "--hours", "12", "--devices", "100", "--out", logs).code).toBe(0);
        const chart = path.join(tmp, "symptom1.svg");
        const r = run("replay.ts", "--logs", logs, "--chart", chart);
        expect(r.code).toBe(0);
        const firings = r.out.trim().split("\n").map((l) => JSON.parse(l));
        expect(firings.length).toBeGreaterThan(0);
        expect(new Set(firings.map((f) => f.rule))).toEqual(new Set(["iothub-404104-contoso-iot-dev-periodic-disconnect"]));
        expect(Object.keys(firings[0]).sort()).toEqual(["dimensions", "evaluatedAt", "resourceId", "rule", "symptom", "value"]);
        expect(firings[0]).toMatchObject({ symptom: 1, dimensions: { HubName: "contoso-iot-dev" } });
        expect(r.err).toMatch(/rows read, \d+ kept, 0 skipped, 0 malformed/);
        expect(r.err).toMatch(/iothub-404104-contoso-iot-dev-random-disconnect: 0/);
        expect(r.err).toContain(`chart: ${chart} (svg, ${firings.length} firing marks)`);
        expect(fs.readFileSync(chart, "utf8")).toMatch(/<svg[\s>]/);

        // --from starts the evaluations, not the history: the rules still read the rows of their lookback before it, as Azure would.
        const from = "2026-11-20T06:00:00.000Z";
        const to = "2026-11-20T12:00:00.000Z";
        const later = firings.filter((f) => f.evaluatedAt >= from && f.evaluatedAt <= to);
        expect(later.length).toBeGreaterThan(0);
        const bounded = run("replay.ts", "--logs", logs, "--from", from, "--to", to);
        expect(bounded.code).toBe(0);
        expect(bounded.out.trim().split("\n").map((l) => JSON.parse(l))).toEqual(later);
        expect(bounded.err).toContain("rows read from 2026-11-18T06:00:00.000Z: --from less the longest rule lookback (48 h)");
    });
    it("reads the portal's CSV export and names each malformed row by file and line", () => {
        const csv = path.join(tmp, "portal.csv");
        expect(run("synth.ts", "--scenario", "healthy", "--hours", "2", "--devices", "20", "--out", csv).code).toBe(0);
        const lines = fs.readFileSync(csv, "utf8").split("\n");
        expect(lines[0]).toMatch(/^TimeGenerated \[UTC\],/);
        const dataRows = lines.filter((l) => l !== "").length - 1;
        // A stray quote opening a field on line 4: it joins line 5 (whose first field is quoted) into one malformed record, and no more.
        lines.splice(3, 0, '"broken,row');
        // A stray quote inside a field: kept as a character, the row is malformed, the lines after it are read.
        lines[8] = lines[8].replace(",deviceDisconnect,", ',device"Disconnect,').replace(",deviceConnect,", ',device"Connect,');
        fs.writeFileSync(csv, lines.join("\n"));
        const r = run("replay.ts", "--logs", csv);
        expect(r.code).toBe(0);
        expect(r.out).toBe("");
        const at = (line: number) => new RegExp(`${csv.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:${line}: malformed row: `);
        expect(r.err).toMatch(at(4));
        expect(r.err).toContain("(lines 4 to 5 were read as this one record)");
        expect(r.err).toMatch(at(9));
        expect(r.err).toContain("a quote inside an unquoted field");
        // Every data row is read: the broken line and the line it swallowed count once, as one malformed record.
        expect(r.err).toContain(`${dataRows} rows read, ${dataRows - 2} kept, 0 skipped, 2 malformed`);
    });
    it("refuses bad arguments with one line", () => {
        const r = run("replay.ts", "--logs", "x.jsonl", "--from", "monday");
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/^error: --from: "monday" is not valid; allowed: an ISO 8601 time with an offset/);
        expect(run("replay.ts").err).toMatch(/^error: --logs is required/);
    });
});
