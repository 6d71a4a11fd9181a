/**
 * Writes generated rows as exported logs: JSON Lines (one row object a line, `TimeGenerated` in
 * ISO 8601) or CSV. The portal-style CSV names the time column `TimeGenerated [UTC]`, prints times
 * as the portal displays them (`11/22/2026, 4:05:09.123 AM`) and puts the columns in another order
 * than the schema; the plain style keeps the schema's order and ISO 8601 times.
 */
import * as fs from "fs";
import { CONNECTIONS_COLUMNS, type ConnectionsRow } from "./rows";

/** ISO 8601 with milliseconds, as Log Analytics exports `TimeGenerated` in JSON. */
export function isoTime(ms: number): string {
    return new Date(ms).toISOString();
}

/** A time as the Azure portal displays it in a CSV export: `M/D/YYYY, h:mm:ss.fff AM` (UTC). */
export function portalTime(ms: number): string {
    const d = new Date(ms);
    const h = d.getUTCHours();
    const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}, ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} ${h < 12 ? "AM" : "PM"}`;
}

/** One JSON Lines line per row, with `TimeGenerated` as ISO 8601 text. */
export function* jsonLines(rows: Iterable<ConnectionsRow>): Generator<string> {
    for (const r of rows) yield JSON.stringify({ ...r, TimeGenerated: isoTime(r.TimeGenerated) });
}

/** CSV layout: `portal` (the portal's export: `TimeGenerated [UTC]`, display times, other column order) or `plain` (schema order, ISO times). */
export type CsvStyle = "portal" | "plain";

/** Columns of the portal-style export: the portal lists them in its own order, not the schema's. */
export const PORTAL_COLUMN_ORDER: ReadonlyArray<keyof ConnectionsRow> = [
    "TimeGenerated",
    "_ResourceId",
    "OperationName",
    "Level",
    "ResultType",
    "ResultDescription",
    "properties_s",
    "Category",
    "ResourceProvider",
    "ResourceType",
    "Resource",
    "ResourceGroup",
    "ResourceId",
    "SubscriptionId",
    "Location",
    "OperationVersion",
    "Type",
    "SourceSystem",
    "TenantId",
    "_SubscriptionId",
];

function csvField(text: string): string {
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV lines (header first) for the rows, RFC 4180 quoting. */
export function* csvLines(rows: Iterable<ConnectionsRow>, style: CsvStyle = "portal"): Generator<string> {
    const columns = style === "portal" ? PORTAL_COLUMN_ORDER : CONNECTIONS_COLUMNS;
    yield columns.map((c) => (c === "TimeGenerated" && style === "portal" ? "TimeGenerated [UTC]" : c)).join(",");
    const time = style === "portal" ? portalTime : isoTime;
    for (const r of rows) yield columns.map((c) => csvField(c === "TimeGenerated" ? time(r.TimeGenerated) : String(r[c]))).join(",");
}

/** Writes lines to a file, `\n`-terminated, in chunks (a day of a large fleet is hundreds of megabytes). */
export function writeLines(path: string, lines: Iterable<string>): void {
    const fd = fs.openSync(path, "w");
    try {
        let chunk: string[] = [];
        let size = 0;
        for (const line of lines) {
            chunk.push(line);
            size += line.length;
            if (size > 1 << 20) {
                fs.writeSync(fd, chunk.join("\n") + "\n");
                chunk = [];
                size = 0;
            }
        }
        if (chunk.length > 0) fs.writeSync(fd, chunk.join("\n") + "\n");
    } finally {
        fs.closeSync(fd);
    }
}
