/**
 * The parallel reader (replay/parallelRead.ts): a JSON Lines export read in two parts, the second in
 * a worker thread, gives the rows and the report of one read of the whole file.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { lineBoundaryNearMiddle, textChunks } from "../replay/exportText";
import { readLogRows, type ReadLogOptions, type ReadReport, type ReplayRow } from "../replay/logs";
import { readLogRowsInParallel } from "../replay/parallelRead";
import { HUB_A, HUB_B } from "./support/fixtures";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "read-parallel-"));

function line(minute: number, extra: Record<string, unknown> = {}): string {
    const t = new Date(Date.UTC(2026, 10, 20, 0, minute, 7)).toISOString();
    return JSON.stringify({
        TimeGenerated: t,
        _ResourceId: minute % 3 === 0 ? HUB_B.toLowerCase() : HUB_A.toLowerCase(),
        Category: minute % 11 === 0 ? "Routes" : "Connections",
        ResourceProvider: "MICROSOFT.DEVICES",
        ResourceType: "IOTHUBS",
        OperationName: minute % 2 === 0 ? "deviceConnect" : "deviceDisconnect",
        ResultType: minute % 2 === 0 ? "" : "404104",
        properties_s: JSON.stringify({ deviceId: `dévice-${minute % 17}`, protocol: "Mqtt" }),
        _TimeReceived: new Date(Date.parse(t) + 240_000).toISOString(),
        ...extra,
    });
}

/** An export with something of everything in both halves: malformed rows, blank lines, CRLF, rows of another hub and category, non-ASCII text. */
function writeExport(name: string): string {
    const lines: string[] = [];
    for (let m = 0; m < 400; m++) {
        if (m % 37 === 5) lines.push("{not json");
        else if (m % 53 === 7) lines.push(line(m, { TimeGenerated: "soon" }));
        else if (m % 41 === 9) lines.push("");
        else lines.push(line(m) + (m % 5 === 0 ? "\r" : ""));
        if (m === 123) lines.push(line(m, { _ResourceId: "/subscriptions/x/resourcegroups/rg/providers/microsoft.devices/iothubs/other" }));
    }
    const file = path.join(tmp, name);
    fs.writeFileSync(file, lines.join("\n") + "\n");
    return file;
}

function comparable(read: { rows: readonly ReplayRow[]; report: ReadReport }): unknown {
    return { rows: read.rows.map((r) => [r.row, r.time, r.visibleAt, r.hub]), report: { ...read.report, skipped: [...read.report.skipped], unmonitoredHubs: [...read.report.unmonitoredHubs] } };
}

/** How many row stores the rows come from (a stored row knows its store). */
function sourcesOf(rows: readonly ReplayRow[]): number {
    return new Set(rows.map((r) => (r as { source?: unknown }).source)).size;
}

/** File descriptors this process holds open (Linux). */
function openDescriptors(): number {
    return fs.readdirSync("/proc/self/fd").length;
}

describe("reading an export in two parts", () => {
    it("cuts after the first line end at or past the middle, and reads a range as those bytes", () => {
        const file = path.join(tmp, "cut.jsonl");
        fs.writeFileSync(file, "aaaa\nbbbbbbbb\ncc\n");
        expect(lineBoundaryNearMiddle(file)).toBe(14);
        expect([...textChunks(file, { start: 14, end: 17 })].join("")).toBe("cc\n");
        expect([...textChunks(file, { start: 0, end: 14 })].join("")).toBe("aaaa\nbbbbbbbb\n");
        fs.writeFileSync(file, "aaaa\nbbbbbbbbbbbbbb");
        expect(lineBoundaryNearMiddle(file)).toBeUndefined();
    });

    it("gives the rows, their order and the report of one read, with line numbers of the whole file", async () => {
        const file = writeExport("mixed.jsonl");
        const cases: ReadLogOptions[] = [
            { hubs: [HUB_A] },
            { hubs: [HUB_A, HUB_B], columns: ["TimeGenerated", "_ResourceId", "OperationName", "ResultType", "properties_s"] },
            { from: Date.UTC(2026, 10, 20, 1), to: Date.UTC(2026, 10, 20, 5), assumedIngestionDelayMs: 60_000 },
        ];
        for (const options of cases) {
            const whole = readLogRows(file, options);
            const parts = await readLogRowsInParallel(file, options, { minBytes: 0, threads: 2 });
            expect(comparable(parts)).toEqual(comparable(whole));
            // Read in two parts indeed: the rows come from two stores.
            expect(sourcesOf(parts.rows)).toBe(2);
            expect(sourcesOf(whole.rows)).toBe(1);
            expect(whole.report.malformed.length).toBeGreaterThan(10);
            // Both parts had malformed rows: the second part's line numbers were shifted by the first part's lines.
            expect(whole.report.malformed.at(-1)?.line).toBeGreaterThan(300);
        }
    });

    it("reads CSV in one piece: a quoted field may hold a line end, so a line boundary is not a record's", async () => {
        const csv = path.join(tmp, "rows.csv");
        const record = (m: number) => `2026-11-20T00:${String(m).padStart(2, "0")}:00Z,${HUB_A.toLowerCase()},MICROSOFT.DEVICES,IOTHUBS,Connections,deviceDisconnect,404104,"{""deviceId"":""d${m}"",
""protocol"":""Mqtt""}"`;
        fs.writeFileSync(csv, ["TimeGenerated,_ResourceId,ResourceProvider,ResourceType,Category,OperationName,ResultType,properties_s", ...Array.from({ length: 40 }, (_, m) => record(m))].join("\n") + "\n");
        const whole = readLogRows(csv);
        expect(whole.rows).toHaveLength(40);
        expect(whole.report.malformed).toEqual([]);
        expect(comparable(await readLogRowsInParallel(csv, {}, { minBytes: 0, threads: 2 }))).toEqual(comparable(whole));
    });

    it("reads a file of another extension with a byte-order mark, multi-byte text at the cut and more unmonitored hubs than it lists as one read does, and leaves no file open", async () => {
        const lines: string[] = [];
        for (let m = 0; m < 24_000; m++) {
            lines.push(m % 2 === 0 ? line(m % 1_400, { properties_s: JSON.stringify({ deviceId: `デバイス-${m}` }) }) : line(m % 1_400, { _ResourceId: `/subscriptions/x/resourcegroups/rg/providers/microsoft.devices/iothubs/other-${m}` }));
        }
        const file = path.join(tmp, "export.log");
        fs.writeFileSync(file, "\uFEFF" + lines.join("\n") + "\n");
        const before = openDescriptors();
        const whole = readLogRows(file, { hubs: [HUB_A, HUB_B] });
        const parts = await readLogRowsInParallel(file, { hubs: [HUB_A, HUB_B] }, { minBytes: 0, threads: 2 });
        expect(sourcesOf(parts.rows)).toBe(2);
        expect(whole.report.unmonitoredHubs.size).toBe(10_000);
        expect(comparable(parts)).toEqual(comparable(whole));
        expect(openDescriptors()).toBe(before);
    });

    it("ends with the reader's error on a file that cannot be read", async () => {
        await expect(readLogRowsInParallel(path.join(tmp, "missing.jsonl"), {}, { minBytes: 0, threads: 2 })).rejects.toThrow(/missing\.jsonl: cannot be read/);
    });
});
