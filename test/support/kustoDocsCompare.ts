/**
 * Compares the evaluator's answer to a documented output table of Microsoft's KQL pages, by the
 * type of each result column: numbers (reals within the digits the page prints), datetimes and
 * timespans as the pages print them (`2017-01-01T00:00:00Z`, `2017-01-01 00:00:00.0000000`,
 * `1.02:03:04`) against epoch/span milliseconds, dynamic values as JSON, booleans, and an empty
 * cell as null (or `""` for strings). Rows are compared in order when the query fixes an order,
 * otherwise as a multiset.
 */
import type { EvalColumn, EvalResult, EvalValue } from "../../kql/eval";
import type { MarkdownTable } from "../../scripts/kusto-docs-markdown";

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;

/** A documented cell without markdown decoration: backticks, bold and `&nbsp;` removed, `<br>` as a space. */
export function cellText(cell: string): string {
    let t = cell.trim().replace(/&nbsp;/g, " ").replace(/<br\s*\/?>/gi, " ").trim();
    const code = /^`([^`]*)`$/.exec(t);
    if (code) t = code[1];
    const bold = /^\*\*(.*)\*\*$/.exec(t);
    if (bold) t = bold[1];
    const autolink = /^<(https?:[^>]*)>$/.exec(t);
    if (autolink) t = autolink[1];
    return t.replace(/\\([_*[\]<>#])/g, "$1").trim();
}

function isNullCell(t: string): boolean {
    return t === "" || /^\(?null\)?$/i.test(t);
}

/** How many digits after the decimal point the documented number shows (for the tolerance of reals). */
function printedDecimals(t: string): number {
    const m = /\.(\d+)(?:e|$)/i.exec(t);
    return m ? m[1].length : 0;
}

function parseNumberCell(t: string): number | undefined {
    if (/^nan$/i.test(t)) return NaN;
    if (/^\+?(inf|infinity)$/i.test(t)) return Infinity;
    if (/^-(inf|infinity)$/i.test(t)) return -Infinity;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return undefined;
    return Number(t);
}

function realClose(actual: number, expected: number, printed: string): boolean {
    if (Number.isNaN(expected)) return Number.isNaN(actual);
    if (!Number.isFinite(expected)) return actual === expected;
    const exponent = /e([+-]?\d+)$/i.exec(printed);
    const decimals = printedDecimals(printed);
    const scale = exponent ? 10 ** Number(exponent[1]) : 1;
    const printedStep = 0.5 * 10 ** -decimals * scale;
    return Math.abs(actual - expected) <= Math.max(printedStep * 1.000001, 1e-9 * Math.max(1, Math.abs(expected)));
}

const DOC_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|UTC)?$/i;

/** Epoch milliseconds of a datetime as the pages print it, or undefined. */
export function docDateTime(t: string): number | undefined {
    const m = DOC_DATETIME.exec(t);
    if (m) {
        const [, y, mo, d, h, mi, s, frac] = m;
        const date = new Date(0);
        date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
        const ms = date.setUTCHours(Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), 0);
        return ms + (frac ? Number(`0.${frac}`) * 1000 : 0);
    }
    const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))? ?(AM|PM)?$/i.exec(t);
    if (us) {
        const [, mo, d, y, h, mi, s, frac, ampm] = us;
        const hour = ampm ? (Number(h) % 12) + (ampm.toUpperCase() === "PM" ? 12 : 0) : Number(h);
        return Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(s)) + (frac ? Number(`0.${frac}`) * 1000 : 0);
    }
    return undefined;
}

/** Milliseconds of a timespan as the pages print it (`[-][d.]hh:mm:ss[.fffffff]`), or undefined. */
export function docTimespan(t: string): number | undefined {
    const m = /^([+-]?)(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(t);
    if (!m) return undefined;
    const [, sign, d, h, mi, s, frac] = m;
    const v = Number(d ?? 0) * MS_PER_DAY + Number(h) * MS_PER_HOUR + Number(mi) * MS_PER_MINUTE + Number(s) * MS_PER_SECOND + (frac ? Number(`0.${frac}`) * 1000 : 0);
    return sign === "-" ? -v : v;
}

/** Deep equality of JSON values, numbers within a relative 1e-9. */
function jsonEqual(actual: EvalValue, expected: unknown): boolean {
    if (typeof expected === "number" && typeof actual === "number") {
        return actual === expected || Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
    }
    if (Array.isArray(expected)) {
        return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => jsonEqual(actual[i], e));
    }
    if (expected !== null && typeof expected === "object") {
        if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
        const a = actual as Readonly<Record<string, EvalValue>>;
        const e = expected as Record<string, unknown>;
        const keys = Object.keys(e);
        return keys.length === Object.keys(a).length && keys.every((k) => k in a && jsonEqual(a[k], e[k]));
    }
    return actual === expected;
}

/** Whether the evaluator's value matches the documented cell for a column of `type`. */
export function cellMatches(value: EvalValue, cell: string, column: EvalColumn): boolean {
    const t = cellText(cell);
    switch (column.type) {
        case "string":
            // A markdown cell cannot show leading or trailing spaces: compare without them.
            return typeof value === "string" && (value.trim() === t || (value === "" && isNullCell(t)) || value.trim() === cell.trim());
        case "guid":
            return typeof value === "string" ? value.toLowerCase() === t.toLowerCase() : value === null && isNullCell(t);
        case "bool":
            if (value === null) return isNullCell(t);
            return (value === true && /^(true|1)$/i.test(t)) || (value === false && /^(false|0)$/i.test(t));
        case "int":
        case "long": {
            if (value === null) return isNullCell(t);
            const n = parseNumberCell(t.replace(/,/g, ""));
            return n !== undefined && value === n;
        }
        case "real":
        case "decimal": {
            if (value === null) return isNullCell(t);
            const n = parseNumberCell(t);
            return n !== undefined && typeof value === "number" && realClose(value, n, t);
        }
        case "datetime": {
            if (value === null) return isNullCell(t);
            const ms = docDateTime(t);
            return ms !== undefined && typeof value === "number" && Math.abs(value - ms) < 1;
        }
        case "timespan": {
            if (value === null) return isNullCell(t);
            const ms = docTimespan(t);
            return ms !== undefined && typeof value === "number" && Math.abs(value - ms) < 1;
        }
        case "dynamic": {
            if (value === null) return isNullCell(t);
            if (typeof value === "string" && value === t) return true;
            try {
                return jsonEqual(value, JSON.parse(t));
            } catch {
                return false;
            }
        }
    }
}

function rowMatches(row: Readonly<Record<string, EvalValue>>, cells: readonly string[], columns: readonly EvalColumn[]): boolean {
    return columns.every((c, i) => cellMatches(row[c.name] ?? null, cells[i] ?? "", c));
}

/** Whether a query fixes the order of its rows (sort, top, serialize, a single-row print). */
export function queryFixesOrder(query: string): boolean {
    return /\b(order\s+by|sort\s+by|top|serialize)\b/.test(query);
}

/** Why the answer differs from the documented table, or undefined when it matches. */
export function compareWithDocs(result: EvalResult, expected: MarkdownTable, ordered: boolean): string | undefined {
    const names = result.columns.map((c) => c.name);
    const docNames = expected.columns.map(cellText);
    if (names.length !== docNames.length || names.some((n, i) => n !== docNames[i])) {
        return `columns ${JSON.stringify(names)}, documented ${JSON.stringify(docNames)}`;
    }
    if (result.rows.length !== expected.rows.length) {
        return `${result.rows.length} rows, documented ${expected.rows.length}: ${JSON.stringify(result.rows)}`;
    }
    if (expected.rows.every((cells, i) => rowMatches(result.rows[i], cells, result.columns))) return undefined;
    if (!ordered) {
        const unused = new Set(result.rows.keys());
        const all = expected.rows.every((cells) => {
            for (const i of unused) {
                if (rowMatches(result.rows[i], cells, result.columns)) {
                    unused.delete(i);
                    return true;
                }
            }
            return false;
        });
        if (all) return undefined;
    }
    const first = expected.rows.findIndex((cells, i) => !rowMatches(result.rows[i], cells, result.columns));
    return `row ${first + 1} is ${JSON.stringify(result.rows[first])}, documented ${JSON.stringify(expected.rows[first])} (columns ${JSON.stringify(result.columns)})`;
}
