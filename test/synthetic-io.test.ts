/**
 * Late, out-of-order and duplicated arrival of generated rows, what a query at time T sees, the
 * JSON Lines and CSV writers, and that the evaluator reads the generated rows as Log Analytics would.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { evaluateKql } from "../kql/eval";
import { generateForHubs } from "../replay/synthetic";
import { HUB_A, HUB_B } from "./support/fixtures";
import {
    arrivalOrder,
    CONNECTIONS_COLUMNS,
    csvLines,
    generateFleet,
    jsonLines,
    mixedFleet,
    PORTAL_COLUMN_ORDER,
    portalTime,
    rowsOf,
    shuffled,
    visibleAt,
    withDuplicates,
    writeLines,
} from "../synthetic";

const fleet = generateFleet(mixedFleet({ seed: 3, start: "2026-11-22T00:00:00Z", durationMinutes: 180, devicesPerHub: 30 }));

describe("arrival", () => {
    it("arrival order sorts by ingestion time, which is out of order by event time", () => {
        const arrived = arrivalOrder(fleet.records);
        const ingested = arrived.map((r) => r.ingestedAt);
        expect(ingested).toEqual([...ingested].sort((a, b) => a - b));
        const events = arrived.map((r) => r.row.TimeGenerated);
        expect(events.some((t, i) => i > 0 && t < events[i - 1])).toBe(true);
        expect(arrived).toHaveLength(fleet.records.length);
    });

    it("a query at time T sees only rows ingested by T", () => {
        const t = fleet.start + 60 * 60_000;
        const seen = visibleAt(fleet.records, t);
        expect(seen.length).toBeGreaterThan(0);
        expect(seen.length).toBeLessThan(fleet.records.filter((r) => r.row.TimeGenerated <= t).length);
        const ids = new Set(seen);
        for (const r of fleet.records) expect(ids.has(r.row)).toBe(r.ingestedAt <= t);
    });

    it("duplicates copy rows exactly, arriving later, at about the asked share", () => {
        const doubled = withDuplicates(fleet.records, { seed: 9, share: 0.1, maxDelayMinutes: 5 });
        const extra = doubled.length - fleet.records.length;
        expect(extra).toBeGreaterThan(0.07 * fleet.records.length);
        expect(extra).toBeLessThan(0.13 * fleet.records.length);
        for (let i = 1; i < doubled.length; i++) {
            if (doubled[i].row !== doubled[i - 1].row) continue;
            expect(doubled[i].ingestedAt - doubled[i - 1].ingestedAt).toBeGreaterThanOrEqual(0);
            expect(doubled[i].ingestedAt - doubled[i - 1].ingestedAt).toBeLessThanOrEqual(5 * 60_000);
        }
        expect(withDuplicates(fleet.records, { seed: 9, share: 0.1 })).toEqual(doubled);
    });

    it("shuffles deterministically", () => {
        const a = shuffled(fleet.records, 4);
        expect(a).toEqual(shuffled(fleet.records, 4));
        expect(a).not.toEqual(fleet.records);
        expect(new Set(a)).toEqual(new Set(fleet.records));
    });
});

describe("writers", () => {
    const rows = rowsOf(fleet.records.slice(0, 50));

    it("JSON Lines hold one row a line with TimeGenerated as ISO 8601", () => {
        const lines = [...jsonLines(rows)];
        expect(lines).toHaveLength(50);
        const back = JSON.parse(lines[0]);
        expect(back.TimeGenerated).toBe(new Date(rows[0].TimeGenerated).toISOString());
        expect({ ...back, TimeGenerated: rows[0].TimeGenerated }).toEqual(rows[0]);
    });

    it("portal CSV names the time column TimeGenerated [UTC], uses display times and its own column order", () => {
        const lines = [...csvLines(rows, "portal")];
        const header = lines[0].split(",");
        expect(header[0]).toBe("TimeGenerated [UTC]");
        expect(header).toContain("TenantId");
        expect(header).toContain("SourceSystem");
        expect(header).toContain("Type");
        expect(header).toHaveLength(CONNECTIONS_COLUMNS.length);
        expect(header.slice(1)).toEqual(PORTAL_COLUMN_ORDER.slice(1));
        expect(header).not.toEqual(CONNECTIONS_COLUMNS);
        // The display time holds a comma, so it is quoted.
        expect(lines[1].startsWith(`"${portalTime(rows[0].TimeGenerated)}",`)).toBe(true);
        expect(lines[1]).toContain(`"${rows[0].properties_s.replace(/"/g, '""')}"`);
    });

    it("formats portal times as the portal displays them, in UTC", () => {
        expect(portalTime(Date.parse("2026-11-22T04:05:09.123Z"))).toBe("11/22/2026, 4:05:09.123 AM");
        expect(portalTime(Date.parse("2026-11-22T00:00:00Z"))).toBe("11/22/2026, 12:00:00.000 AM");
        expect(portalTime(Date.parse("2026-01-02T13:30:00.5Z"))).toBe("1/2/2026, 1:30:00.500 PM");
    });

    it("plain CSV keeps the schema's order and ISO times", () => {
        const lines = [...csvLines(rows, "plain")];
        expect(lines[0]).toBe(CONNECTIONS_COLUMNS.join(","));
        expect(lines[1].split(",")[1]).toBe(new Date(rows[0].TimeGenerated).toISOString());
    });

    it("writes lines to a file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synthetic-"));
        try {
            const file = path.join(dir, "rows.jsonl");
            writeLines(file, jsonLines(rows));
            const text = fs.readFileSync(file, "utf8");
            expect(text.endsWith("\n")).toBe(true);
            expect(text.trimEnd().split("\n")).toHaveLength(50);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the evaluator reads generated rows", () => {
    it("Microsoft's connection query counts the generated codes per hub", () => {
        const rows = rowsOf(fleet.records);
        const result = evaluateKql(
            `AzureDiagnostics
            | where ResourceProvider == "MICROSOFT.DEVICES" and ResourceType == "IOTHUBS"
            | where Category == "Connections" and Level == "Error"
            | extend DeviceId = tostring(parse_json(properties_s).deviceId)
            | summarize Errors = count(), Devices = dcount(DeviceId) by Hub = tostring(split(_ResourceId, "/")[-1]), ResultType
            | order by Hub asc, ResultType asc`,
            { AzureDiagnostics: rows },
            { now: fleet.end },
        ).rows;
        const expected = new Map<string, { Errors: number; Devices: Set<string> }>();
        for (const r of rows) {
            if (r.Level !== "Error") continue;
            const key = `${r._ResourceId.split("/").pop()}|${r.ResultType}`;
            const e = expected.get(key) ?? { Errors: 0, Devices: new Set<string>() };
            e.Errors++;
            e.Devices.add(JSON.parse(r.properties_s).deviceId);
            expected.set(key, e);
        }
        const want = [...expected.entries()]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, v]) => ({ Hub: k.split("|")[0], ResultType: k.split("|")[1], Errors: v.Errors, Devices: v.Devices.size }));
        expect(result).toEqual(want);
    });
});

describe("synthetic logs for a stack's hubs (npm run synth)", () => {
    const options = { seed: 3, start: "2026-11-20T00:00:00Z", durationMinutes: 120, devicesPerHub: 20 };
    const scenariosOf = (fleet: ReturnType<typeof generateForHubs>): string[] => fleet.hubs.map((h) => h.name);
    it("gives a stack with fewer hubs than the mixture's parts the most telling parts, on its own hubs", () => {
        const fleet = generateForHubs("mixed", [HUB_A, HUB_B], options);
        expect(scenariosOf(fleet)).toEqual(["hub-a", "hub-b"]);
        const hubsWithRows = new Set(fleet.records.map((r) => r.row._ResourceId.split("/").at(-1)));
        expect(hubsWithRows).toEqual(new Set(["hub-a", "hub-b"]));
        // hub-mass (a mass disconnect) and hub-mixed (periodic and random) are the two parts kept, in the preset's order.
        const massDrops = (hub: string) => fleet.records.filter((r) => r.row._ResourceId.endsWith(hub) && r.row.ResultType === "404104").length;
        expect(massDrops("hub-a")).toBeGreaterThan(0);
        expect(massDrops("hub-b")).toBeGreaterThan(0);
    });
    it("refuses a mixture on one hub, and a scenario it does not know, naming --scenario", () => {
        expect(() => generateForHubs("mixed", [HUB_A], options)).toThrow('--scenario: "mixed" is not valid; a mixture across hubs needs a stack of at least 2 hubs; the stack has 1');
        expect(() => generateForHubs("symptom4", [HUB_A], options)).toThrow(/--scenario: "symptom4" is not valid; allowed: healthy, symptom1, symptom2, symptom3, mixed/);
    });
});
