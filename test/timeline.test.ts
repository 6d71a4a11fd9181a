import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import {
    buildTimelineChart,
    countFiringMarks,
    RESULT_CLASSES,
    renderTimeline,
    resultClass,
    timelineFormatForFile,
    writeTimeline,
    type TimelineFiring,
    type TimelineRow,
} from "../charts/timeline";
import { generateFleet, mixedFleet, periodicTokenExpiryFleet, rowsOf, type ConnectionsRow } from "../synthetic";
import { screenshot } from "../scripts/chart-check";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timeline-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const symptom1 = generateFleet(periodicTokenExpiryFleet({ seed: 3, start: "2026-11-22T00:00:00Z", durationMinutes: 360, devicesPerHub: 24 }));
const rows: ConnectionsRow[] = rowsOf(symptom1.records);
const hubId = rows[0]._ResourceId;
const firing = (rule: string, hours: number, resourceId = hubId, symptom = 1): TimelineFiring => ({
    rule,
    symptom,
    evaluatedAt: new Date(symptom1.start + hours * 3600_000).toISOString(),
    resourceId,
    value: 7,
    dimensions: { HubName: resourceId.split("/").pop() ?? "" },
});
const firings: TimelineFiring[] = [firing("periodic-disconnect", 3), firing("periodic-disconnect", 4), firing("periodic-disconnect", 5), firing("random-disconnect", 4.25, hubId, 2)];

/** The opening tags of the SVG elements carrying an attribute value. */
function tagsWith(text: string, attribute: string, value: string): string[] {
    return text.match(new RegExp(`<path\\b[^>]*\\b${attribute}="${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"[^>]*>`, "g")) ?? [];
}

const count = (predicate: (r: TimelineRow) => boolean): number => rows.filter(predicate).length;

describe("the replay timeline as SVG", () => {
    const file = path.join(dir, "symptom-1.svg");
    const written = writeTimeline(file, { rows, firings, title: "symptom 1" });
    const svg = fs.readFileSync(file, "utf8");
    it("is written as an SVG document, in the format the extension names", () => {
        expect(written).toMatchObject({ file, format: "svg", firingMarks: firings.length });
        expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
        expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
        expect(written.bytes).toBe(Buffer.byteLength(svg));
    });
    it("holds exactly one mark per firing, each firing once, labelled with its rule", () => {
        expect(countFiringMarks(svg)).toBe(firings.length);
        const indices = [...svg.matchAll(/data-firing-index="(\d+)"/g)].map((m) => Number(m[1])).sort();
        expect(indices).toEqual(firings.map((_, i) => i));
        expect(tagsWith(svg, "data-firing-rule", "periodic-disconnect")).toHaveLength(3);
        expect(tagsWith(svg, "data-firing-rule", "random-disconnect")).toHaveLength(1);
        expect(svg).toContain(`<title>random-disconnect (symptom 2) fired at ${firings[3].evaluatedAt} on hub-periodic: value 7; HubName=hub-periodic</title>`);
    });
    it("colours the pins by rule: one colour per rule", () => {
        const fill = (tag: string): string | undefined => /\bfill="([^"]+)"/.exec(tag)?.[1];
        const periodic = new Set(tagsWith(svg, "data-firing-rule", "periodic-disconnect").map(fill));
        const random = new Set(tagsWith(svg, "data-firing-rule", "random-disconnect").map(fill));
        expect(periodic.size).toBe(1);
        expect(random.size).toBe(1);
        expect([...periodic][0]).not.toBe([...random][0]);
    });
    it("draws every disconnect and error row once per device, coloured by result code, and no successful connect", () => {
        const fill = (tag: string): string | undefined => /\bfill="([^"]+)"/.exec(tag)?.[1];
        const expected: Record<string, number> = {
            "404104": count((r) => r.ResultType === "404104"),
            "401003": count((r) => r.ResultType === "401003"),
            "normal disconnect": count((r) => r.OperationName === "deviceDisconnect" && r.ResultType === ""),
        };
        expect(expected["404104"]).toBeGreaterThan(0);
        expect(expected["401003"]).toBeGreaterThan(0);
        for (const [cls, n] of Object.entries(expected)) {
            const tags = tagsWith(svg, "data-result", cls);
            expect(tags).toHaveLength(n);
            expect(new Set(tags.map(fill))).toEqual(new Set([RESULT_CLASSES[cls as keyof typeof RESULT_CLASSES].color]));
        }
        expect((svg.match(/data-result="/g) ?? []).length).toBe(rows.filter((r) => resultClass(r) !== undefined).length);
        expect(rows.filter((r) => resultClass(r) === undefined).length).toBeGreaterThan(0);
    });
    it("shows one row per device with an alerts row for the hub, and the span in its subtitle", () => {
        const chart = buildTimelineChart({ rows, firings });
        expect(chart.groupedBy).toBe("device");
        const yAxis = chart.option.yAxis as { data: string[] };
        const devices = new Set(rows.filter((r) => resultClass(r) !== undefined).map((r) => JSON.parse(r.properties_s).deviceId));
        expect(yAxis.data).toEqual(["▲ alerts", ...[...devices].sort()]);
        expect(chart.summary).toMatch(/^2026-11-22T00:00Z to 2026-11-22T05:5\dZ · \d+ disconnects and errors on 1 hub · 4 alert firings$/);
    });
});

describe("the replay timeline as HTML", () => {
    const file = path.join(dir, "symptom-1.html");
    const written = writeTimeline(file, { rows, firings, title: "symptom <1> & co" });
    const html = fs.readFileSync(file, "utf8");
    it("is a self-contained page with the SVG inline and no script", () => {
        expect(written.format).toBe("html");
        expect(html.startsWith("<!doctype html>")).toBe(true);
        expect(html).toContain("<title>symptom &lt;1&gt; &amp; co</title>");
        expect(html).toMatch(/<figure><svg [^>]*viewBox/);
        expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    });
    it("holds exactly one mark per firing and one table row per firing, in time order", () => {
        expect(countFiringMarks(html)).toBe(firings.length);
        const rowsOfTable = [...html.matchAll(/<tr class="firing-row" id="firing-(\d+)"><td>([^<]+)<\/td><td>([^<]+)<\/td>/g)];
        expect(rowsOfTable.map((m) => Number(m[1]))).toEqual([0, 1, 3, 2]);
        expect(rowsOfTable.map((m) => m[3])).toEqual(["periodic-disconnect", "periodic-disconnect", "random-disconnect", "periodic-disconnect"]);
    });
});

describe("the replay timeline per hub", () => {
    const fleet = generateFleet(mixedFleet({ seed: 5, start: "2026-11-22T00:00:00Z", durationMinutes: 240, devicesPerHub: 40 }));
    const many = rowsOf(fleet.records);
    const idOf = (name: string): string => many.find((r) => r._ResourceId.endsWith(`/${name}`))?._ResourceId ?? "";
    const hubFirings = [firing("periodic-disconnect", 2, idOf("hub-periodic")), firing("mass-disconnect", 2.5, idOf("hub-mass"), 3), firing("link-conflict", 3, "/subscriptions/x/resourcegroups/y/providers/microsoft.devices/iothubs/hub-quiet", 2)];
    it("counts events per hub and bin when the devices do not fit, keeping one mark per firing", () => {
        const chart = buildTimelineChart({ rows: many, firings: hubFirings }, { maxDevices: 60 });
        expect(chart.groupedBy).toBe("hub");
        expect((chart.option.yAxis as { data: string[] }).data).toEqual(["hub-healthy", "hub-mass", "hub-mixed", "hub-periodic", "hub-quiet", "hub-random"]);
        const svg = renderTimeline({ rows: many, firings: hubFirings }, { format: "svg", maxDevices: 60 });
        expect(countFiringMarks(svg)).toBe(hubFirings.length);
        const binned = (cls: string): number => tagsWith(svg, "data-result", cls).reduce((n, tag) => n + Number(/data-count="(\d+)"/.exec(tag)?.[1]), 0);
        expect(binned("404104")).toBe(many.filter((r) => r.ResultType === "404104").length);
        expect(binned("500xxx")).toBe(many.filter((r) => r.ResultType.startsWith("500")).length);
        expect(chart.summary).toContain("events counted per hub in 5-minute bins");
    });
    it("keeps the devices with the most errors when asked for device rows beyond maxDevices", () => {
        const chart = buildTimelineChart({ rows: many, firings: hubFirings }, { groupBy: "device", maxDevices: 10 });
        expect(chart.groupedBy).toBe("device");
        expect(chart.summary).toMatch(/10 of \d+ devices shown \(most errors first\)/);
        const svg = renderTimeline({ rows: many, firings: hubFirings }, { format: "svg", groupBy: "device", maxDevices: 10 });
        expect(countFiringMarks(svg)).toBe(hubFirings.length);
    });
});

describe("the replay timeline refuses and handles", () => {
    it("no firings: no firing marks", () => {
        expect(countFiringMarks(renderTimeline({ rows, firings: [] }, { format: "svg" }))).toBe(0);
    });
    it("markup in a rule name, escaped and still counted", () => {
        const svg = renderTimeline({ rows: rows.slice(0, 50), firings: [firing('odd"<rule>&', 1)] }, { format: "svg" });
        expect(countFiringMarks(svg)).toBe(1);
        expect(svg).toContain('data-firing-rule="odd&quot;&lt;rule&gt;&amp;"');
    });
    it("times as Date, epoch milliseconds and ISO text alike", () => {
        const base = rows.slice(0, 3);
        const variants: TimelineRow[] = [
            { ...base[0], TimeGenerated: new Date(base[0].TimeGenerated) },
            { ...base[1], TimeGenerated: new Date(base[1].TimeGenerated).toISOString() },
            base[2],
        ];
        expect(buildTimelineChart({ rows: variants, firings: [] }).summary).toBe(buildTimelineChart({ rows: base, firings: [] }).summary);
    });
    it("a row or firing whose time is not a time, naming it", () => {
        expect(() => renderTimeline({ rows: [{ ...rows[0], OperationName: "deviceDisconnect", TimeGenerated: "yesterday" }], firings: [] }, { format: "svg" })).toThrow(/rows\[0\]\.TimeGenerated: "yesterday" is not a time/);
        expect(() => renderTimeline({ rows, firings: [{ ...firings[0], evaluatedAt: "soon" }] }, { format: "html" })).toThrow(/firings\[0\]\.evaluatedAt/);
    });
    it("a file extension other than .svg, .html or .htm, and a format other than svg or html", () => {
        expect(timelineFormatForFile("a/b.SVG")).toBe("svg");
        expect(timelineFormatForFile("b.htm")).toBe("html");
        expect(() => timelineFormatForFile("chart.png")).toThrow(/"\.png" is not valid; allowed: \.svg, \.html, \.htm/);
        expect(() => renderTimeline({ rows, firings }, { format: "png" as "svg" })).toThrow(/allowed: "svg", "html"/);
    });
    it("classes rows by result code; a successful connect is not drawn", () => {
        expect(resultClass({ OperationName: "deviceDisconnect", ResultType: "404104" })).toBe("404104");
        expect(resultClass({ OperationName: "deviceConnect", ResultType: "401003" })).toBe("401003");
        expect(resultClass({ OperationName: "deviceConnect", ResultType: "500008" })).toBe("500xxx");
        expect(resultClass({ OperationName: "deviceDisconnect", ResultType: "409002" })).toBe("other error");
        expect(resultClass({ OperationName: "deviceDisconnect", ResultType: "" })).toBe("normal disconnect");
        expect(resultClass({ OperationName: "deviceConnect", ResultType: "" })).toBeUndefined();
    });
});

describe("the replay timeline in a browser", () => {
    // Debian's chromium is a system package, not an npm one: .ci/run installs it and sets CHROMIUM_REQUIRED=1,
    // so CI fails rather than skips without it; on a machine without it and without the variable, this is skipped.
    const required = process.env.CHROMIUM_REQUIRED === "1";
    it.skipIf(!required && !fs.existsSync("/usr/bin/chromium"))("renders in headless Chromium to a non-empty screenshot", () => {
        expect(fs.existsSync("/usr/bin/chromium"), "CHROMIUM_REQUIRED=1 but /usr/bin/chromium is missing (apt-get install -y chromium)").toBe(true);
        const html = path.join(dir, "browser.html");
        writeTimeline(html, { rows, firings });
        expect(screenshot("/usr/bin/chromium", html, path.join(dir, "browser.png"))).toBeGreaterThan(10_000);
    });
});
