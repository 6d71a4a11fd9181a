/**
 * Reads exported logs for the replay: JSON Lines or CSV of `AzureDiagnostics` rows as Log
 * Analytics and the Azure portal export them (any column order, extra columns ignored, the
 * portal's `TimeGenerated [UTC]` header and display times accepted), and `connectedDeviceCount`
 * metric samples. Malformed rows are reported with their line number and counted, never dropped
 * silently.
 */
import { AZURE_DIAGNOSTICS_COLUMNS } from "../kql/schema";
import { csvRecords, LogFileError, textChunks, textLines, type ByteRange } from "./exportText";
import type { PackedRows } from "./packedRows";
import { RowStoreBuilder, storedRowsOfParts } from "./rowStore";
import { parseExportTime } from "./times";

/** A row as the evaluator takes it: schema columns only, `TimeGenerated` in epoch ms, strings never null. */
export type LogRow = Record<string, string | number | null>;

/** One replayable row: the row and the time from which a query can see it (its ingestion time). */
export interface ReplayRow {
    readonly row: LogRow;
    /** Epoch ms of `TimeGenerated`. */
    readonly time: number;
    /** Epoch ms from which the row is visible to a query (ingestion time). */
    readonly visibleAt: number;
    /** The row's `_ResourceId`, when it can be read without building the row (stored rows); absent otherwise. */
    readonly hub?: string;
}

/**
 * One hub's rows sorted by `TimeGenerated`, read by position: what the replay of a rule reads.
 * Made from row objects ({@link timeOrderedRows}) or over packed columns without an object per
 * row (rowStore.ts `packedTimeOrderedRows`, what the parallel replay's workers read).
 */
export interface TimeOrderedRows {
    readonly length: number;
    /** Epoch ms of each row's `TimeGenerated`, ascending. */
    readonly time: ArrayLike<number>;
    /** Epoch ms from which each row is visible to a query (ingestion time). */
    readonly visibleAt: ArrayLike<number>;
    /** The row object at position `i` (of stored rows, a new object with equal values each time). */
    row(i: number): LogRow;
}

/** Row objects sorted by time, read by position; the same row objects are given each time. */
export function timeOrderedRows(rows: readonly ReplayRow[]): TimeOrderedRows {
    return {
        length: rows.length,
        time: Float64Array.from(rows, (r) => r.time),
        visibleAt: Float64Array.from(rows, (r) => r.visibleAt),
        row: (i) => rows[i].row,
    };
}

/** A malformed input row: where it is and what is wrong. */
export interface MalformedRow {
    /** 1-based line of the file where the row starts. */
    readonly line: number;
    readonly message: string;
}

/** Hubs the stack does not monitor that a read lists, at most (the first found, in file order); all their rows are counted. */
export const MAX_UNMONITORED_HUBS = 10_000;

/** What reading a file found: rows kept, rows skipped by reason, malformed rows. */
export interface ReadReport {
    readonly file: string;
    /** Data rows read (lines that held a row, malformed or not). */
    rowsRead: number;
    /** Rows kept for the replay. */
    rowsKept: number;
    /** Rows deliberately left out, counted by reason. */
    readonly skipped: Map<string, number>;
    readonly malformed: MalformedRow[];
    /** Hubs (`_ResourceId`, lower-cased) the file has rows of that the stack does not monitor. */
    readonly unmonitoredHubs: Set<string>;
    /** The earliest and latest `TimeGenerated` of the monitored hubs' Connections rows, kept or not (epoch ms); absent when there is none. */
    dataSpan?: { first: number; last: number };
}

export { LogFileError, parseExportTime };

/** Column names as exports write them, mapped to schema names: `TimeGenerated [UTC]` is `TimeGenerated`. */
export function normalizeColumnName(name: string): string {
    return name.trim().replace(/^\uFEFF/, "").replace(/ \[UTC\]$/i, "");
}

/** Options of {@link readLogRows}. */
export interface ReadLogOptions {
    /** Delay assumed between `TimeGenerated` and ingestion for rows without `_TimeReceived`; ms. Default: 0. */
    readonly assumedIngestionDelayMs?: number;
    /** Keep only rows with `TimeGenerated` in this span (epoch ms, inclusive start, exclusive end). Default: all. */
    readonly from?: number;
    readonly to?: number;
    /** Hubs (`_ResourceId`, compared case-insensitively) to keep; others are skipped as "hub not monitored by the stack". Default: all. */
    readonly hubs?: readonly string[];
    /** Schema columns to keep in the rows (the columns the queries read, see rowStore.ts `columnsRead`). Default: every schema column. */
    readonly columns?: readonly string[];
    /** Called with the data rows read so far, every 100,000 rows (for progress). */
    readonly onRowsRead?: (rowsRead: number) => void;
}

const SCHEMA = new Map(AZURE_DIAGNOSTICS_COLUMNS.map(([name, type]) => [name, type]));
/** Columns a Connections row must have for the detections to read it. */
export const REQUIRED_LOG_COLUMNS = ["TimeGenerated", "_ResourceId", "ResourceProvider", "ResourceType", "Category", "OperationName", "ResultType", "properties_s"] as const;
/** Required columns that must also hold text (`ResultType` is empty on a successful connect, `properties_s` may be). */
const NON_EMPTY_LOG_COLUMNS: ReadonlySet<string> = new Set(["TimeGenerated", "_ResourceId", "ResourceProvider", "ResourceType", "Category", "OperationName"]);
/** Columns of a `connectedDeviceCount` sample. */
export const METRIC_COLUMNS = ["TimeGenerated", "_ResourceId", "Minimum", "Average", "Maximum"] as const;

/** Whether a file's name says JSON Lines (true) or CSV (false); `undefined` when its extension is neither. */
function jsonLinesByName(file: string): boolean | undefined {
    if (/\.(jsonl|ndjson|json)$/i.test(file)) return true;
    if (/\.csv$/i.test(file)) return false;
    return undefined;
}

function isJsonLines(file: string, firstChunk: string | undefined): boolean {
    return jsonLinesByName(file) ?? (firstChunk ?? "").trimStart().startsWith("{");
}

/** Whether a file is read as JSON Lines (by its extension, else by its first character); CSV otherwise. */
export function isJsonLinesFile(file: string): boolean {
    const byName = jsonLinesByName(file);
    if (byName !== undefined) return byName;
    const chunks = textChunks(file, { start: 0, end: 4096 });
    try {
        const first = chunks.next();
        return isJsonLines(file, first.done ? undefined : first.value);
    } finally {
        // Closes the file (the chunks' generator closes it when it ends or is returned).
        chunks.return?.();
    }
}

/**
 * Raw records of a file, JSON Lines or CSV, read as a stream: column -> text or JSON value, with line
 * numbers. With `range`, only those bytes of a JSON Lines file are read, lines numbered from the
 * range's start; `lines.count` is then the number of lines read (blank ones too).
 */
function* rawRecords(file: string, report: ReadReport, required: readonly string[], range?: ByteRange, lines?: { count: number }): Generator<{ line: number; values: Record<string, unknown> }> {
    // The first chunk tells JSON Lines from CSV when the extension does not; it is read once and put back in front.
    const chunks = textChunks(file, range);
    const first = chunks.next();
    const text: Iterable<string> = (function* () {
        if (!first.done) yield first.value;
        yield* chunks;
    })();
    if (range !== undefined || isJsonLines(file, first.done ? undefined : first.value)) {
        const normalized = new Map<string, string>();
        for (const { line, text: raw } of textLines(text)) {
            if (lines) lines.count = line;
            const l = raw.trim();
            if (l === "") continue;
            report.rowsRead++;
            let value: unknown;
            try {
                value = JSON.parse(l);
            } catch (e) {
                report.malformed.push({ line, message: `not valid JSON (${(e as Error).message})` });
                continue;
            }
            if (typeof value !== "object" || value === null || Array.isArray(value)) {
                report.malformed.push({ line, message: "not a JSON object" });
                continue;
            }
            // Exports of Log Analytics name their columns as the schema does: keep the parsed object
            // unless a key needs normalizing (names are looked up once each, not per row).
            const parsed = value as Record<string, unknown>;
            let normal = true;
            for (const k in parsed) {
                let n = normalized.get(k);
                if (n === undefined) normalized.set(k, (n = normalizeColumnName(k)));
                if (n !== k) {
                    normal = false;
                    break;
                }
            }
            let values = parsed;
            if (!normal) {
                values = {};
                for (const [k, v] of Object.entries(parsed)) values[normalizeColumnName(k)] = v;
            }
            yield { line, values };
        }
        return;
    }
    const records = csvRecords(text);
    const header = records.next();
    if (header.done) throw new LogFileError(`${file}: empty file`);
    const columns = header.value.fields.map(normalizeColumnName);
    const missing = required.filter((c) => !columns.includes(c));
    if (missing.length > 0) throw new LogFileError(`${file}: the header lacks column(s) ${missing.join(", ")} (it has: ${columns.join(", ")})`);
    for (const r of records) {
        report.rowsRead++;
        if (r.error) {
            report.malformed.push({ line: r.line, message: r.error });
            continue;
        }
        if (r.fields.length !== columns.length) {
            report.malformed.push({ line: r.line, message: `${r.fields.length} fields where the header has ${columns.length}` });
            continue;
        }
        const values: Record<string, unknown> = {};
        columns.forEach((c, i) => (values[c] = r.fields[i]));
        yield { line: r.line, values };
    }
}

/** A value of a raw record as text, as string columns hold it: missing or null is "", other JSON values their JSON. */
function textOf(raw: Readonly<Record<string, unknown>>, name: string): string {
    const v = raw[name];
    return v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
}

function count(report: ReadReport, reason: string): void {
    report.skipped.set(reason, (report.skipped.get(reason) ?? 0) + 1);
}

/**
 * Reads `AzureDiagnostics` rows from a JSON Lines or CSV export. Keeps IoT Hub Connections rows of
 * the given hubs in the given span; counts what it skips by reason and reports each malformed row
 * with its line number.
 */
export function readLogRows(file: string, options: ReadLogOptions = {}): { rows: readonly ReplayRow[]; report: ReadReport } {
    const { packed, report } = readLogRange(file, options);
    const rows = storedRowsOfParts([packed]);
    report.rowsKept = rows.length;
    return { rows, report };
}

/** What {@link readLogRange} read: the rows kept, packed; what it found; the lines it read. */
export interface LogRange {
    readonly packed: PackedRows;
    readonly report: ReadReport;
    /** Lines read, blank ones too (with a range ending after a `\n`: the lines of the range). */
    readonly lines: number;
}

/**
 * {@link readLogRows} of bytes `range` of a JSON Lines export (a range must start at a line's
 * start), or of the whole file, JSON Lines or CSV, without `range`; the rows come packed
 * (rowStore.ts) and line numbers count from the range's first line.
 */
export function readLogRange(file: string, options: ReadLogOptions = {}, range?: ByteRange): LogRange {
    const report: ReadReport = { file, rowsRead: 0, rowsKept: 0, skipped: new Map(), malformed: [], unmonitoredHubs: new Set() };
    const hubs = options.hubs ? new Set(options.hubs.map((h) => h.toLowerCase())) : undefined;
    const unknown = (options.columns ?? []).filter((c) => !SCHEMA.has(c));
    if (unknown.length > 0) throw new RangeError(`readLogRows: ${unknown.join(", ")} not AzureDiagnostics schema column(s)`);
    const kept = options.columns ? [...SCHEMA.keys()].filter((c) => options.columns?.includes(c)) : [...SCHEMA.keys()];
    const keptTypes = kept.map((c) => SCHEMA.get(c));
    const store = new RowStoreBuilder(kept);
    const values: (string | number | null)[] = new Array(kept.length);
    const lines = { count: 0 };
    for (const { line, values: raw } of rawRecords(file, report, REQUIRED_LOG_COLUMNS, range, lines)) {
        if (options.onRowsRead && report.rowsRead % 100_000 === 0) options.onRowsRead(report.rowsRead);
        // Every detection filters on ResourceProvider and ResourceType: a row without them would be kept and never match.
        const missing = REQUIRED_LOG_COLUMNS.filter((c) => raw[c] === undefined || raw[c] === null || (NON_EMPTY_LOG_COLUMNS.has(c) && raw[c] === ""));
        if (missing.length > 0) {
            report.malformed.push({ line, message: `missing ${missing.join(", ")}` });
            continue;
        }
        const time = parseExportTime(String(raw.TimeGenerated));
        if (time === undefined) {
            report.malformed.push({ line, message: `TimeGenerated ${JSON.stringify(raw.TimeGenerated)} is not a time (ISO 8601, or the portal's month-first M/D/YYYY, h:mm:ss AM; a date that exists)` });
            continue;
        }
        const receivedText = raw._TimeReceived ?? raw.ingestedAt;
        const received = receivedText === undefined || receivedText === "" ? undefined : parseExportTime(String(receivedText));
        if (receivedText !== undefined && receivedText !== "" && received === undefined) {
            report.malformed.push({ line, message: `_TimeReceived ${JSON.stringify(receivedText)} is not a time` });
            continue;
        }
        if (received !== undefined && received < time) {
            report.malformed.push({ line, message: `_TimeReceived ${JSON.stringify(receivedText)} is before TimeGenerated ${JSON.stringify(raw.TimeGenerated)}: a row cannot arrive before it happened` });
            continue;
        }
        if (textOf(raw, "Category") !== "Connections" || textOf(raw, "ResourceType") !== "IOTHUBS" || textOf(raw, "ResourceProvider") !== "MICROSOFT.DEVICES") {
            count(report, "not an IoT Hub Connections row");
            continue;
        }
        const hub = textOf(raw, "_ResourceId").toLowerCase();
        if (hubs && !hubs.has(hub)) {
            count(report, "hub not monitored by the stack");
            if (report.unmonitoredHubs.size < MAX_UNMONITORED_HUBS) report.unmonitoredHubs.add(hub);
            continue;
        }
        report.dataSpan = { first: Math.min(report.dataSpan?.first ?? time, time), last: Math.max(report.dataSpan?.last ?? time, time) };
        if ((options.from !== undefined && time < options.from) || (options.to !== undefined && time >= options.to)) {
            count(report, "outside the span read (--from less the rules' lookback, --to)");
            continue;
        }
        let fractional: string | undefined;
        for (let c = 0; c < kept.length; c++) {
            const name = kept[c];
            const type = keptTypes[c];
            const v = raw[name];
            if (name === "TimeGenerated") values[c] = time;
            else if (type === "long" || type === "int" || type === "real") {
                const n = v === undefined || v === null || v === "" || !Number.isFinite(Number(v)) ? null : Number(v);
                // A long or int column holds whole numbers (the evaluator's integer sums rely on it).
                if (n !== null && type !== "real" && !Number.isInteger(n)) fractional = `${name} ${JSON.stringify(v)} is not a whole number (the column is ${type})`;
                values[c] = n;
            } else values[c] = textOf(raw, name);
        }
        if (fractional) {
            report.malformed.push({ line, message: fractional });
            continue;
        }
        store.push(values, time, received ?? time + (options.assumedIngestionDelayMs ?? 0));
    }
    report.rowsKept = store.length;
    return { packed: store.finish(), report, lines: lines.count };
}

/** One `connectedDeviceCount` sample of a hub. */
export interface MetricSample {
    readonly time: number;
    /** Lower-cased hub resource id. */
    readonly hub: string;
    readonly minimum: number;
    readonly average: number;
    readonly maximum: number;
}

/** The metric the drop alert watches; a `MetricName` column, when an export has one, must name it. */
export const CONNECTED_DEVICES_METRIC = "connectedDeviceCount";

/**
 * Reads `connectedDeviceCount` samples (`TimeGenerated`, `_ResourceId`, `Minimum`, `Average`,
 * `Maximum`) from JSON Lines or CSV. When the export has a `MetricName` column, rows of any other
 * metric are skipped and their names returned in `otherMetrics`.
 */
export function readMetricSamples(file: string): { samples: MetricSample[]; report: ReadReport; otherMetrics: Set<string> } {
    const otherMetrics = new Set<string>();
    const report: ReadReport = { file, rowsRead: 0, rowsKept: 0, skipped: new Map(), malformed: [], unmonitoredHubs: new Set() };
    const samples: MetricSample[] = [];
    for (const { line, values } of rawRecords(file, report, METRIC_COLUMNS)) {
        const metric = values.MetricName === undefined ? "" : String(values.MetricName);
        if (metric !== "" && metric !== CONNECTED_DEVICES_METRIC) {
            count(report, `another metric than ${CONNECTED_DEVICES_METRIC}`);
            if (otherMetrics.size < 20) otherMetrics.add(metric);
            continue;
        }
        const time = parseExportTime(String(values.TimeGenerated ?? ""));
        // null, blank or non-numeric is no sample, not 0 devices (which would read as a drop).
        const numbers = (["Minimum", "Average", "Maximum"] as const).map((c) => {
            const v = values[c];
            return typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
        });
        if (time === undefined || typeof values._ResourceId !== "string" || numbers.some((x) => !Number.isFinite(x))) {
            report.malformed.push({ line, message: "a sample needs TimeGenerated (a time), _ResourceId and numeric Minimum, Average, Maximum" });
            continue;
        }
        samples.push({ time, hub: values._ResourceId.toLowerCase(), minimum: numbers[0], average: numbers[1], maximum: numbers[2] });
    }
    report.rowsKept = samples.length;
    return { samples, report, otherMetrics };
}
