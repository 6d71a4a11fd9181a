/**
 * The replay timeline: a picture of a replayed span of IoT Hub `Connections` rows and the alert
 * firings the replay produced. Disconnects and connection errors are drawn per device (or, for
 * large fleets, counted per hub and time bin) over time, coloured by result code; every firing is
 * a pin on its hub's row, coloured by rule, with a dashed line across the plot at its time.
 *
 * Drawn with Apache ECharts' server-side SVG renderer (no browser, no DOM). Every firing pin carries
 * `data-firing-rule`, `data-firing-index` and a `<title>` (rule, time, hub, value, dimensions), and
 * every event mark carries `data-result` (its result class), so a file can be checked by counting.
 * `format: "html"` wraps the same SVG in a self-contained page with a table of the firings.
 *
 * ```ts
 * writeTimeline("replay.svg", { rows, firings, title: "hub-periodic, 6 hours" });
 * const svg = renderTimeline({ rows, firings }, { format: "svg" });
 * ```
 */
import * as fs from "fs";
import * as path from "path";
import type * as echarts from "echarts";

/** The `AzureDiagnostics` columns a timeline reads from each row (the fields of TimelineRow). */
export const TIMELINE_COLUMNS: readonly string[] = ["TimeGenerated", "_ResourceId", "OperationName", "ResultType", "properties_s"];

/** A Connections row as the timeline reads it (extra columns are ignored). */
export interface TimelineRow {
    /** When IoT Hub logged the event: a `Date`, epoch milliseconds or ISO 8601 text. */
    readonly TimeGenerated: Date | number | string;
    /** The hub's resource id (any case). */
    readonly _ResourceId: string;
    /** `deviceConnect` or `deviceDisconnect`. */
    readonly OperationName: string;
    /** The error code as text (`404104`, `401003`, `500001`, ...), empty for a success. */
    readonly ResultType: string;
    /** The record's properties as JSON text, holding `deviceId`. */
    readonly properties_s: string;
}

/** One firing of an alert rule in the replay. */
export interface TimelineFiring {
    /** The rule (detection id, e.g. `periodic-disconnect`). */
    readonly rule: string;
    /** The symptom of the article the rule detects (1, 2 or 3). */
    readonly symptom: number;
    /** When the evaluation that fired ran (ISO 8601). */
    readonly evaluatedAt: string;
    /** Resource id of the hub the firing targets (any case). */
    readonly resourceId: string;
    /** The measured value that breached the threshold. */
    readonly value: number;
    /** The dimension values of the fired time series (e.g. `HubName`). */
    readonly dimensions: Readonly<Record<string, string>>;
}

/** What the timeline draws. */
export interface TimelineInput {
    /** The replayed rows; successful connects are not drawn, every disconnect and every error row is. */
    readonly rows: readonly TimelineRow[];
    /** The firings, each drawn once. */
    readonly firings: readonly TimelineFiring[];
    /** Heading of the picture. Default: `404104 replay timeline`. */
    readonly title?: string;
}

/** The file formats of the timeline. */
export type TimelineFormat = "svg" | "html";

/** One row per device, one row per hub (events counted per time bin), or the first while the devices fit. */
export type TimelineGrouping = "device" | "hub" | "auto";

/** How the timeline is drawn. Every field but `format` is optional. */
export interface TimelineOptions {
    /** `svg` for the picture alone, `html` for a page with the picture and a table of the firings. Required. */
    readonly format: TimelineFormat;
    /** Rows per device or per hub. Default: `auto` (per device while there are at most `maxDevices` devices, else per hub). */
    readonly groupBy?: TimelineGrouping;
    /** Most devices drawn per device; the devices with the most error events are kept. Default: 60. */
    readonly maxDevices?: number;
    /** Width of the picture in pixels. Default: 1400. */
    readonly width?: number;
    /** Width of a bin when events are counted per hub, in minutes. Default: about 1/120 of the span, rounded to 1, 5, 15, 30 or 60. */
    readonly binMinutes?: number;
}

/** The classes events are coloured by. */
export type ResultClass = "404104" | "401003" | "500xxx" | "other error" | "normal disconnect";

/** Each result class's colour and legend label, in legend order. */
export const RESULT_CLASSES: Readonly<Record<ResultClass, { readonly color: string; readonly label: string; readonly symbol: string; readonly z: number }>> = {
    "404104": { color: "#d62728", label: "404104 DeviceConnectionClosedRemotely", symbol: "circle", z: 4 },
    "401003": { color: "#ff7f0e", label: "401003 IoTHubUnauthorized", symbol: "diamond", z: 5 },
    "500xxx": { color: "#9467bd", label: "500xxx internal error", symbol: "triangle", z: 5 },
    "other error": { color: "#8c564b", label: "other error", symbol: "rect", z: 3 },
    "normal disconnect": { color: "#a0a0a0", label: "normal disconnect", symbol: "circle", z: 2 },
};

/** Colours of the rules' pins and lines, assigned in order of first firing. */
const RULE_COLORS: readonly string[] = ["#1f3b99", "#17becf", "#2ca02c", "#000000", "#bcbd22", "#e377c2"];

const DEFAULT_WIDTH = 1400;
const DEFAULT_MAX_DEVICES = 60;
const ROW_HEIGHT = 16;
const MINUTE = 60_000;

/** The result class of a row, or `undefined` for a successful connect (not drawn). */
export function resultClass(row: Pick<TimelineRow, "OperationName" | "ResultType">): ResultClass | undefined {
    const code = row.ResultType ?? "";
    if (code === "404104") return "404104";
    if (code === "401003") return "401003";
    if (code.startsWith("500")) return "500xxx";
    if (code !== "") return "other error";
    return row.OperationName === "deviceDisconnect" ? "normal disconnect" : undefined;
}

function timeOf(t: Date | number | string, what: string): number {
    const ms = typeof t === "number" ? t : t instanceof Date ? t.getTime() : Date.parse(t);
    if (!Number.isFinite(ms)) throw new RangeError(`${what}: ${JSON.stringify(t)} is not a time; allowed: a Date, epoch milliseconds or ISO 8601 text`);
    return ms;
}

function hubName(resourceId: string): string {
    return resourceId.split("/").filter((s) => s !== "").pop() ?? resourceId;
}

function deviceOf(row: TimelineRow): string {
    try {
        const id = (JSON.parse(row.properties_s) as { deviceId?: unknown }).deviceId;
        return typeof id === "string" && id !== "" ? id : "(no device id)";
    } catch {
        return "(no device id)";
    }
}

function xmlEscape(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function isoMinute(ms: number): string {
    return new Date(ms).toISOString().replace(/:\d\d\.\d{3}Z$/, "Z");
}

interface TimelineEvent {
    readonly time: number;
    readonly hub: string;
    readonly device: string;
    readonly cls: ResultClass;
    readonly code: string;
}

/** What one series of the chart stands for, so the SVG can be annotated after rendering. */
type SeriesMeta =
    | { readonly kind: "events"; readonly cls: ResultClass; readonly counts?: readonly number[] }
    | { readonly kind: "firings"; readonly rule: string; readonly firings: readonly { readonly index: number; readonly firing: TimelineFiring }[] }
    | { readonly kind: "lines" };

/** A built chart: the ECharts option, what each series is, the picture's size and a one-line summary. */
export interface TimelineChart {
    /** The ECharts option (plain data, serializable). */
    readonly option: echarts.EChartsOption;
    readonly width: number;
    readonly height: number;
    /** `device` or `hub`: how the rows were grouped. */
    readonly groupedBy: "device" | "hub";
    /** A sentence under the title: span, events, firings, what was left out. */
    readonly summary: string;
    readonly series: readonly SeriesMeta[];
}

function pickBinMinutes(spanMs: number): number {
    const target = spanMs / 120 / MINUTE;
    return [1, 5, 15, 30, 60].find((m) => m >= target) ?? 60;
}

/**
 * Builds the ECharts option of a timeline without rendering it: events by result class, firings by
 * rule, rows per device or per hub. Pure; {@link renderTimeline} renders and annotates it.
 */
export function buildTimelineChart(input: TimelineInput, options: Omit<TimelineOptions, "format"> = {}): TimelineChart {
    const width = options.width ?? DEFAULT_WIDTH;
    const maxDevices = options.maxDevices ?? DEFAULT_MAX_DEVICES;
    const events: TimelineEvent[] = [];
    input.rows.forEach((row, i) => {
        const cls = resultClass(row);
        if (cls === undefined) return;
        events.push({ time: timeOf(row.TimeGenerated, `rows[${i}].TimeGenerated`), hub: hubName(row._ResourceId).toLowerCase(), device: deviceOf(row), cls, code: row.ResultType });
    });
    const firings = input.firings.map((f, index) => ({ index, firing: f, time: timeOf(f.evaluatedAt, `firings[${index}].evaluatedAt`), hub: hubName(f.resourceId).toLowerCase() }));
    // In a loop: Math.min(...times) overflows the call stack on a large export.
    let first = Infinity;
    let last = -Infinity;
    for (const { time } of [...events, ...firings]) {
        if (time < first) first = time;
        if (time > last) last = time;
    }
    const start = Number.isFinite(first) ? first : Date.now();
    const end = Number.isFinite(last) ? last : start + MINUTE;
    const hubs = [...new Set([...events.map((e) => e.hub), ...firings.map((f) => f.hub)])].sort();

    const deviceKeys = [...new Set(events.map((e) => `${e.hub}\u0000${e.device}`))];
    const grouping = options.groupBy ?? "auto";
    const groupedBy: "device" | "hub" = grouping === "auto" ? (deviceKeys.length <= maxDevices ? "device" : "hub") : grouping;
    const notes: string[] = [];

    // Category rows, first at the top (the y axis is inverted).
    const categories: string[] = [];
    const eventRow = new Map<string, string>();
    const firingRow = new Map<string, string>();
    const label = (hub: string, rest: string): string => (hubs.length > 1 ? `${hub} · ${rest}` : rest);
    if (groupedBy === "device") {
        const errors = new Map<string, number>();
        for (const e of events) if (e.cls !== "normal disconnect") errors.set(`${e.hub}\u0000${e.device}`, (errors.get(`${e.hub}\u0000${e.device}`) ?? 0) + 1);
        const kept = new Set(
            [...deviceKeys].sort((a, b) => (errors.get(b) ?? 0) - (errors.get(a) ?? 0) || a.localeCompare(b)).slice(0, maxDevices),
        );
        if (kept.size < deviceKeys.length) notes.push(`${kept.size} of ${deviceKeys.length} devices shown (most errors first)`);
        for (const hub of hubs) {
            const alertsRow = label(hub, "▲ alerts");
            categories.push(alertsRow);
            firingRow.set(hub, alertsRow);
            for (const key of [...kept].filter((k) => k.startsWith(`${hub}\u0000`)).sort()) {
                const row = label(hub, key.split("\u0000")[1]);
                categories.push(row);
                eventRow.set(key, row);
            }
        }
    } else {
        for (const hub of hubs) {
            categories.push(hub);
            eventRow.set(hub, hub);
            firingRow.set(hub, hub);
        }
    }

    const series: echarts.SeriesOption[] = [];
    const meta: SeriesMeta[] = [];
    const binMinutes = options.binMinutes ?? pickBinMinutes(end - start);
    for (const cls of Object.keys(RESULT_CLASSES) as ResultClass[]) {
        const mine = events.filter((e) => e.cls === cls);
        if (mine.length === 0) continue;
        const style = RESULT_CLASSES[cls];
        if (groupedBy === "device") {
            const points = mine.filter((e) => eventRow.has(`${e.hub}\u0000${e.device}`));
            series.push({
                type: "scatter",
                name: style.label,
                symbol: style.symbol,
                symbolSize: cls === "normal disconnect" ? 5 : 8,
                itemStyle: { color: style.color, opacity: cls === "normal disconnect" ? 0.6 : 0.9 },
                z: style.z,
                data: points.map((e) => [e.time, eventRow.get(`${e.hub}\u0000${e.device}`) ?? ""]),
            });
            meta.push({ kind: "events", cls });
        } else {
            const bins = new Map<string, { time: number; hub: string; count: number }>();
            for (const e of mine) {
                const t = Math.floor(e.time / (binMinutes * MINUTE)) * binMinutes * MINUTE;
                const key = `${e.hub}\u0000${t}`;
                const bin = bins.get(key) ?? { time: t, hub: e.hub, count: 0 };
                bin.count++;
                bins.set(key, bin);
            }
            const list = [...bins.values()].sort((a, b) => a.time - b.time || a.hub.localeCompare(b.hub));
            series.push({
                type: "scatter",
                name: style.label,
                symbol: style.symbol,
                itemStyle: { color: style.color, opacity: 0.75 },
                z: style.z,
                data: list.map((b) => ({ value: [b.time + (binMinutes * MINUTE) / 2, b.hub], symbolSize: Math.min(28, 4 + 3 * Math.sqrt(b.count)) })),
            });
            meta.push({ kind: "events", cls, counts: list.map((b) => b.count) });
        }
    }
    if (groupedBy === "hub") notes.push(`events counted per hub in ${binMinutes}-minute bins (mark area grows with the count)`);

    const rules = [...new Set(firings.map((f) => f.firing.rule))];
    rules.forEach((rule, r) => {
        const mine = firings.filter((f) => f.firing.rule === rule);
        const color = RULE_COLORS[r % RULE_COLORS.length];
        series.push({
            type: "scatter",
            name: `alert: ${rule}`,
            symbol: "pin",
            symbolSize: 22,
            symbolOffset: [0, -8],
            itemStyle: { color, borderColor: "#ffffff", borderWidth: 1 },
            z: 10,
            data: mine.map((f) => [f.time, firingRow.get(f.hub) ?? ""]),
        });
        meta.push({ kind: "firings", rule, firings: mine.map((f) => ({ index: f.index, firing: f.firing })) });
        series.push({
            type: "line",
            name: `alert: ${rule}`,
            data: [],
            markLine: { symbol: "none", silent: true, label: { show: false }, lineStyle: { color, type: "dashed", width: 1, opacity: 0.5 }, data: mine.map((f) => ({ xAxis: f.time })) },
        });
        meta.push({ kind: "lines" });
    });

    const height = Math.max(360, 150 + categories.length * ROW_HEIGHT);
    const pad = Math.max(MINUTE, Math.round((end - start) / 50));
    const title = input.title ?? "404104 replay timeline";
    const summary = [
        `${isoMinute(start)} to ${isoMinute(end)}`,
        `${events.length} disconnects and errors on ${hubs.length} hub${hubs.length === 1 ? "" : "s"}`,
        `${input.firings.length} alert firing${input.firings.length === 1 ? "" : "s"}`,
        ...notes,
    ].join(" · ");
    const option: echarts.EChartsOption = {
        animation: false,
        backgroundColor: "#ffffff",
        title: { text: title, subtext: summary, left: 16, top: 8 },
        legend: { top: 56, left: 16, right: 16, type: "plain" },
        grid: { left: 16, right: 32, top: 110, bottom: 40, containLabel: true },
        xAxis: { type: "time", min: start - pad, max: end + pad, axisLabel: { hideOverlap: true }, splitLine: { show: true, lineStyle: { color: "#eeeeee" } } },
        yAxis: {
            type: "category",
            data: categories,
            inverse: true,
            axisLabel: { fontSize: 10, width: 240, overflow: "truncate" },
            splitLine: { show: true, lineStyle: { color: "#f4f4f4" } },
        },
        series,
    };
    return { option, width, height, groupedBy, summary, series: meta };
}

function firingTitle(f: TimelineFiring): string {
    const dims = Object.entries(f.dimensions)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");
    return `${f.rule} (symptom ${f.symptom}) fired at ${f.evaluatedAt} on ${hubName(f.resourceId)}: value ${f.value}${dims ? `; ${dims}` : ""}`;
}

/** Adds `data-*` attributes and `<title>` tooltips to the marks ECharts drew, found by their series and data index. */
function annotate(svg: string, meta: readonly SeriesMeta[]): string {
    // ECharts' SSR marks every drawn data item with its series and data index; legend icons carry the same indices with ecmeta_ssr_type="legend".
    return svg.replace(/<path\b([^>]*?)ecmeta_series_index="(\d+)" ecmeta_data_index="(\d+)"( ecmeta_ssr_type="chart"[^>]*)><\/path>/g, (whole, before: string, s: string, d: string, after: string) => {
        const m = meta[Number(s)];
        const i = Number(d);
        if (m === undefined) return whole;
        if (m.kind === "firings") {
            const entry = m.firings[i];
            if (entry === undefined) return whole;
            return `<path${before}data-firing-rule="${xmlEscape(m.rule)}" data-firing-index="${entry.index}"${after}><title>${xmlEscape(firingTitle(entry.firing))}</title></path>`;
        }
        if (m.kind === "events") {
            const count = m.counts?.[i];
            const title = `${RESULT_CLASSES[m.cls].label}${count === undefined ? "" : `: ${count} in this bin`}`;
            return `<path${before}data-result="${xmlEscape(m.cls)}"${count === undefined ? "" : ` data-count="${count}"`}${after}><title>${xmlEscape(title)}</title></path>`;
        }
        return whole;
    });
}

function renderSvg(chart: TimelineChart): string {
    // Loaded when a chart is drawn (about 150 ms), not by every replay that imports this module for its columns.
    const { init } = require("echarts") as typeof echarts;
    const instance = init(null, null, { renderer: "svg", ssr: true, width: chart.width, height: chart.height });
    try {
        instance.setOption(chart.option);
        return annotate(instance.renderToSVGString(), chart.series);
    } finally {
        instance.dispose();
    }
}

function renderHtml(input: TimelineInput, chart: TimelineChart, svg: string): string {
    const title = input.title ?? "404104 replay timeline";
    const rows = input.firings
        .map((f, i) => ({ f, i, t: timeOf(f.evaluatedAt, `firings[${i}].evaluatedAt`) }))
        .sort((a, b) => a.t - b.t || a.i - b.i)
        .map(
            ({ f, i }) =>
                `<tr class="firing-row" id="firing-${i}"><td>${xmlEscape(f.evaluatedAt)}</td><td>${xmlEscape(f.rule)}</td><td>${f.symptom}</td><td>${xmlEscape(hubName(f.resourceId))}</td><td>${f.value}</td><td>${xmlEscape(
                    Object.entries(f.dimensions)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(", "),
                )}</td></tr>`,
        )
        .join("\n");
    return [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        `<title>${xmlEscape(title)}</title>`,
        "<style>body{font-family:sans-serif;margin:16px;color:#222}figure{margin:0}figure svg{max-width:100%;height:auto}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}</style>",
        "</head>",
        "<body>",
        `<figure>${svg}</figure>`,
        "<p>Each pin is one alert firing, on its hub's row, with a dashed line at its time; hover a mark for details. Colours and shapes are result codes.</p>",
        `<h2>Alert firings (${input.firings.length})</h2>`,
        "<table>",
        "<tr><th>evaluated at</th><th>rule</th><th>symptom</th><th>hub</th><th>value</th><th>dimensions</th></tr>",
        rows,
        "</table>",
        "</body>",
        "</html>",
        "",
    ].join("\n");
}

/**
 * Draws the timeline and returns the file's text: an SVG document (`format: "svg"`) or a
 * self-contained HTML page with the SVG and a table of the firings (`format: "html"`). Each firing is
 * exactly one element with `data-firing-rule` (see {@link countFiringMarks}). Throws a `RangeError`
 * naming the row or firing whose time is not a time.
 */
export function renderTimeline(input: TimelineInput, options: TimelineOptions): string {
    if (options.format !== "svg" && options.format !== "html") {
        throw new RangeError(`format: ${JSON.stringify(options.format)} is not valid; allowed: "svg", "html"`);
    }
    const chart = buildTimelineChart(input, options);
    const svg = renderSvg(chart);
    return options.format === "svg" ? `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n` : renderHtml(input, chart, svg);
}

/** The format a file name asks for: `.svg` is SVG, `.html` or `.htm` HTML. Throws a `RangeError` for any other extension. */
export function timelineFormatForFile(file: string): TimelineFormat {
    const ext = path.extname(file).toLowerCase();
    if (ext === ".svg") return "svg";
    if (ext === ".html" || ext === ".htm") return "html";
    throw new RangeError(`--chart ${file}: the extension ${JSON.stringify(ext)} is not valid; allowed: .svg, .html, .htm`);
}

/** What {@link writeTimeline} wrote. */
export interface WrittenTimeline {
    readonly file: string;
    readonly format: TimelineFormat;
    /** Firing marks in the file: one per firing. */
    readonly firingMarks: number;
    readonly bytes: number;
}

/**
 * Draws the timeline into `file`, in the format its extension names (`.svg`, `.html`), creating the
 * folder if needed. Options other than `format` as in {@link TimelineOptions}. This is what
 * `npm run replay -- ... --chart <file>` calls.
 */
export function writeTimeline(file: string, input: TimelineInput, options: Omit<TimelineOptions, "format"> = {}): WrittenTimeline {
    const format = timelineFormatForFile(file);
    const text = renderTimeline(input, { ...options, format });
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text, "utf8");
    return { file, format, firingMarks: countFiringMarks(text), bytes: Buffer.byteLength(text, "utf8") };
}

/** The number of firing marks in a timeline's SVG or HTML text (elements with `data-firing-rule`). */
export function countFiringMarks(text: string): number {
    return (text.match(/<path\b[^>]*\bdata-firing-rule="/g) ?? []).length;
}
