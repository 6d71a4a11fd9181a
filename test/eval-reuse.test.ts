/**
 * Running one compiled query many times over overlapping windows of the same rows (as replay does)
 * gives exactly what a freshly compiled query gives each time: the per-row reuse of pure `extend`
 * results and the fusion of chained extends change speed only.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { compileKql } from "../kql/eval";
import { generateFleet, mixedFleet, visibleAt, withDuplicates } from "../synthetic";
import { diag, ms } from "./eval-helpers";

describe("reuse across runs", () => {
    it("recomputes extends that depend on now() and reuses those that do not", () => {
        const q = compileKql("AzureDiagnostics | extend Age = now() - TimeGenerated | extend Device = tostring(parse_json(properties_s).deviceId) | project Device, Age");
        const rows = [diag({ time: "2026-11-22T10:00:00Z", device: "a" }), diag({ time: "2026-11-22T10:30:00Z", device: "b" })];
        expect(q.run({ AzureDiagnostics: rows }, { now: ms("2026-11-22T11:00:00Z") }).rows).toEqual([
            { Device: "a", Age: 3_600_000 },
            { Device: "b", Age: 1_800_000 },
        ]);
        expect(q.run({ AzureDiagnostics: rows.slice(1) }, { now: ms("2026-11-22T12:00:00Z") }).rows).toEqual([{ Device: "b", Age: 5_400_000 }]);
    });

    it("chained extends read earlier results and replace columns as separate operators would", () => {
        const q = compileKql(
            "AzureDiagnostics | extend P = parse_json(properties_s) | extend Device = tostring(P.deviceId), ResultType = strcat(ResultType, '!') | extend Both = strcat(Device, ResultType) | project Device, ResultType, Both",
        );
        const rows = [diag({ time: "2026-11-22T10:00:00Z", device: "a", result: "404104" }), diag({ time: "2026-11-22T10:01:00Z", device: "b" })];
        const expected = [
            { Device: "a", ResultType: "404104!", Both: "a404104!" },
            { Device: "b", ResultType: "!", Both: "b!" },
        ];
        expect(q.run({ AzureDiagnostics: rows }, { now: 0 }).rows).toEqual(expected);
        expect(q.run({ AzureDiagnostics: [rows[1], rows[0]] }, { now: 0 }).rows).toEqual([expected[1], expected[0]]);
        expect(q.run({ AzureDiagnostics: [rows[1], rows[1], rows[0]] }, { now: 0 }).rows).toEqual([expected[1], expected[1], expected[0]]);
    });

    it("an extend over rows that are new objects at each run (it stops keeping them) answers as a fresh query, then and after", () => {
        // A pure extend (it keeps its rows for later runs until it finds none kept), then a filter by now().
        const text = "AzureDiagnostics | extend Device = tostring(parse_json(properties_s).deviceId), Hour = bin(TimeGenerated, 1h) | where TimeGenerated > now() - 30m | project Device, Hour, TimeGenerated";
        const q = compileKql(text);
        const base = [diag({ time: "2026-11-22T10:00:00Z", device: "a" }), diag({ time: "2026-11-22T10:40:00Z", device: "b" }), diag({ time: "2026-11-22T10:50:00Z", device: "c" })];
        const same = base.map((r) => ({ ...r }));
        // Five runs over copies (nothing kept is found again), then the same objects twice, at moving times.
        const inputs = [...[1, 2, 3, 4, 5].map(() => base.map((r) => ({ ...r }))), same, same.slice(1)];
        inputs.forEach((rows, i) => {
            const now = ms("2026-11-22T11:00:00Z") + i * 5 * 60_000;
            expect(q.run({ AzureDiagnostics: rows }, { now }).rows, `run ${i}`).toEqual(compileKql(`${text}\n// ${i}`).run({ AzureDiagnostics: rows }, { now }).rows);
        });
    });

    it("every detection gives the same result compiled once and run over sliding windows as compiled afresh for each window", () => {
        const fleet = generateFleet(mixedFleet({ seed: 17, start: "2026-11-22T00:00:00Z", durationMinutes: 8 * 60, devicesPerHub: 40 }));
        const records = withDuplicates(fleet.records, { seed: 17, share: 0.02 });
        const hubs = JSON.stringify(fleet.hubs.map((h) => h.resourceId));
        const dir = path.join(__dirname, "..", "queries");
        let fired = 0;
        for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".kql"))) {
            const text = fs.readFileSync(path.join(dir, file), "utf8").replace(/^let monitoredHubs = .*$/m, `let monitoredHubs = dynamic(${hubs});`);
            const reused = compileKql(text);
            for (let minute = 120; minute <= 8 * 60; minute += 35) {
                const now = fleet.start + minute * 60_000;
                const rows = visibleAt(records, now).filter((r) => r.TimeGenerated > now - 6 * 3_600_000);
                const once = reused.run({ AzureDiagnostics: rows }, { now });
                const fresh = compileKql(`${text}\n// ${minute}`).run({ AzureDiagnostics: rows }, { now });
                expect(once, `${file} at minute ${minute}`).toEqual(fresh);
                fired += once.rows.length;
            }
        }
        expect(fired, "the detections find something in a mixed fleet").toBeGreaterThan(0);
    });
});
