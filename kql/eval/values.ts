/**
 * Values as the evaluator holds them, and the conversions between Kusto's scalar types.
 *
 * Representation (documented in the README; the same inside the evaluator and in its results):
 * - `string`: a JS string. Kusto strings are never null; a missing string is `""`.
 * - `int`, `long`, `real`, `decimal`: a JS number, `null` for Kusto's null. Longs beyond 2^53 lose precision.
 * - `bool`: `true`/`false`, `null` for null.
 * - `datetime`: milliseconds since 1970-01-01T00:00:00Z (a JS number, fractions allowed), `null` for null.
 * - `timespan`: milliseconds (a JS number, fractions allowed), `null` for null.
 * - `dynamic`: the JSON value itself (`null`, boolean, number, string, array, object).
 * - `guid`: the text of the guid.
 *
 * Because datetimes, timespans and numbers are all JS numbers, every type-dependent operation
 * takes its type from the parser's result type of the expression, chosen once at compile time.
 */

/** The scalar types the evaluator handles, named as Kusto names them. */
export type KustoType = "bool" | "int" | "long" | "real" | "decimal" | "string" | "datetime" | "timespan" | "dynamic" | "guid";

/** A value of Kusto's `dynamic` type: a JSON value. Objects and arrays are never mutated once built. */
export type DynamicValue = null | boolean | number | string | readonly DynamicValue[] | { readonly [key: string]: DynamicValue };

/** Any value the evaluator produces: a scalar in the representation above, or a dynamic value. */
export type EvalValue = DynamicValue;

/** One result row: column name to value. */
export type EvalRow = Readonly<Record<string, EvalValue>>;

/** A value as callers may hand it in a table: the evaluator's own representation, or a `Date` / ISO 8601 text for a datetime column; `undefined` means missing. */
export type InputValue = EvalValue | Date | undefined;

/** One input row (for example an `AzureDiagnostics` record): column name to value; columns may be missing or extra. */
export type InputRow = Readonly<Record<string, InputValue>>;

/** A result column: its name and Kusto type, as the parser inferred them. */
export interface EvalColumn {
    /** Column name as the parser names it (e.g. `count_`, `TimeGenerated1`). */
    readonly name: string;
    /** Kusto scalar type of the column. */
    readonly type: KustoType;
}

const TYPE_ALIASES: Readonly<Record<string, KustoType>> = {
    bool: "bool",
    boolean: "bool",
    int: "int",
    long: "long",
    real: "real",
    double: "real",
    decimal: "decimal",
    string: "string",
    datetime: "datetime",
    date: "datetime",
    timespan: "timespan",
    time: "timespan",
    dynamic: "dynamic",
    guid: "guid",
    uniqueid: "guid",
};

/** Maps a parser type name (`long`, `double`, `time`, ...) to the evaluator's type, or `undefined` when it has none (e.g. `unknown`, `tuple`). */
export function kustoTypeOf(name: string | null | undefined): KustoType | undefined {
    return name ? TYPE_ALIASES[name] : undefined;
}

/** Whether values of the type are JS numbers (`int`, `long`, `real`, `decimal`, `datetime`, `timespan`). */
export function isNumberType(type: KustoType): boolean {
    return type === "int" || type === "long" || type === "real" || type === "decimal" || type === "datetime" || type === "timespan";
}

/** Whether the type is one of Kusto's whole-number types (`int`, `long`), where division truncates. */
export function isIntegerType(type: KustoType): boolean {
    return type === "int" || type === "long";
}

/** Kusto's null of a type: `""` for strings (Kusto strings are never null), `null` otherwise. */
export function nullOf(type: KustoType): EvalValue {
    return type === "string" ? "" : null;
}

// ---------------------------------------------------------------- datetime and timespan text

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
/** Milliseconds in a day. */
export const MS_PER_DAY = 24 * MS_PER_HOUR;

/** The earliest datetime Kusto represents, 0001-01-01T00:00:00Z, as epoch milliseconds. */
export const MIN_DATETIME_MS = -62_135_596_800_000;
/** The first instant past Kusto's last datetime (9999-12-31T23:59:59.9999999Z), 10000-01-01T00:00:00Z, as epoch milliseconds. */
export const END_DATETIME_MS = 253_402_300_800_000;

/** `ms` when it lies in Kusto's datetime range (0001-01-01 to 9999-12-31), otherwise (or when not a number) `null`. */
export function inDateTimeRange(ms: number): number | null {
    return ms >= MIN_DATETIME_MS && ms < END_DATETIME_MS ? ms : null;
}

/**
 * Epoch milliseconds of a UTC calendar date and time, like `Date.UTC` (months from 0, out-of-range
 * parts carry over) but keeping years 0 to 99 as written: `Date.UTC` maps them to 1900 to 1999.
 */
export function utcDateTime(year: number, month: number, day: number, hours = 0, minutes = 0, seconds = 0, ms = 0): number {
    const d = new Date(0);
    d.setUTCFullYear(year, month, day);
    return d.setUTCHours(hours, minutes, seconds, ms);
}

const ISO_DATETIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses datetime text as Kusto's `datetime(...)` literal and `todatetime()` accept it in ISO 8601
 * form (`2024-01-02`, `2024-01-02 03:04`, `2024-01-02T03:04:05.1234567Z`, with an optional offset);
 * text without an offset is UTC. Other text falls back to `Date.parse` when it names a zone
 * (RFC 1123, e.g. `Tue, 02 Jan 2024 03:04:05 GMT`). Returns epoch milliseconds, or `null`
 * (also for a time outside Kusto's range, 0001-01-01 to 9999-12-31).
 */
export function parseDateTime(text: string): number | null {
    const t = text.trim();
    const m = ISO_DATETIME.exec(t);
    if (m) {
        const [, y, mo, d, h, mi, s, frac, zone] = m;
        let ms = utcDateTime(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
        if (frac) ms += Number(`0.${frac}`) * 1000;
        if (zone && /^[+-]/.test(zone)) {
            const z = zone.replace(":", "");
            const offset = (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * MS_PER_MINUTE;
            ms += zone.startsWith("+") ? -offset : offset;
        }
        return inDateTimeRange(ms);
    }
    const rfc = RFC_822.exec(t) ?? RFC_850.exec(t);
    if (rfc) {
        const [, d, mon, yy, h, mi, s, zone] = rfc;
        const month = MONTHS.indexOf(mon.toLowerCase());
        if (month < 0) return null;
        // Two-digit years as RFC 2822 reads them: 00-49 are 2000-2049, 50-99 are 1950-1999.
        const year = yy.length === 4 ? Number(yy) : Number(yy) + (Number(yy) < 50 ? 2000 : 1900);
        let ms = utcDateTime(year, month, Number(d), Number(h), Number(mi), Number(s ?? 0));
        if (zone && /^[+-]\d{4}$/.test(zone)) {
            const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * MS_PER_MINUTE;
            ms += zone.startsWith("+") ? -offset : offset;
        }
        return inDateTimeRange(ms);
    }
    if (/(GMT|UTC|Z|[+-]\d{4})$/i.test(t)) return inDateTimeRange(Date.parse(t));
    return null;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
/** RFC 822 as Kusto's datetime documentation lists it: `Sat, 8 Nov 14 15:05:02 GMT`, the day name and the zone optional, seconds optional. */
const RFC_822 = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2}|\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?(?:\s+(GMT|UTC|Z|[+-]\d{4}))?$/i;
/** RFC 850 as the same page lists it: `Saturday, 08-Nov-14 15:05:02 GMT`, the day name and the zone optional, seconds optional. */
const RFC_850 = /^(?:[A-Za-z]+,\s*)?(\d{2})-([A-Za-z]{3})-(\d{2})\s+(\d{2}):(\d{2})(?::(\d{2}))?(?:\s+(GMT|UTC|Z|[+-]\d{4}))?$/i;

function pad(n: number, width: number): string {
    return String(n).padStart(width, "0");
}

/** Seven-digit fraction of a second (Kusto's tick precision) for the sub-second part of `ms`, or `""` when it is zero. */
function fraction(ms: number): string {
    const sub = ms - Math.floor(ms / 1000) * 1000;
    if (sub === 0) return "";
    return "." + pad(Math.round(sub * 10_000), 7);
}

/** Formats epoch milliseconds as Kusto's `tostring(datetime)` does: `2024-01-02T03:04:05Z`, with seven fraction digits when there is a fraction. */
export function formatDateTime(ms: number): string {
    const d = new Date(Math.floor(ms));
    if (Number.isNaN(d.getTime())) return "";
    const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    return base + fraction(ms) + "Z";
}

/** Formats milliseconds as Kusto's `tostring(timespan)` does: `[-][d.]hh:mm:ss[.fffffff]`. */
export function formatTimespan(ms: number): string {
    const sign = ms < 0 ? "-" : "";
    const abs = Math.abs(ms);
    const days = Math.floor(abs / MS_PER_DAY);
    const rest = abs - days * MS_PER_DAY;
    const h = Math.floor(rest / MS_PER_HOUR);
    const m = Math.floor((rest % MS_PER_HOUR) / MS_PER_MINUTE);
    const s = Math.floor((rest % MS_PER_MINUTE) / MS_PER_SECOND);
    return `${sign}${days > 0 ? `${days}.` : ""}${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${fraction(abs)}`;
}

const TIMESPAN_UNITS: Readonly<Record<string, number>> = {
    d: MS_PER_DAY, day: MS_PER_DAY, days: MS_PER_DAY,
    h: MS_PER_HOUR, hr: MS_PER_HOUR, hrs: MS_PER_HOUR, hour: MS_PER_HOUR, hours: MS_PER_HOUR,
    m: MS_PER_MINUTE, min: MS_PER_MINUTE, minute: MS_PER_MINUTE, minutes: MS_PER_MINUTE,
    s: MS_PER_SECOND, sec: MS_PER_SECOND, second: MS_PER_SECOND, seconds: MS_PER_SECOND,
    ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
    microsecond: 0.001, microseconds: 0.001,
    tick: 0.0001, ticks: 0.0001,
    nanosecond: 0.000001, nanoseconds: 0.000001,
};

const TIMESPAN_UNIT_TEXT = /^([+-]?)(\d+(?:\.\d+)?)\s*([a-z]+)$/i;
const TIMESPAN_CLOCK_TEXT = /^([+-]?)(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;

/**
 * Parses timespan text as Kusto writes it: `5m`, `1.5d`, `100ms`, `2ticks`, `-1h`, or the clock
 * form `[d.]hh:mm[:ss[.fffffff]]`. A bare number is days (as in `time(2)`). Returns milliseconds, or `null`.
 */
export function parseTimespan(text: string): number | null {
    const t = text.trim();
    const unit = TIMESPAN_UNIT_TEXT.exec(t);
    if (unit) {
        const factor = TIMESPAN_UNITS[unit[3].toLowerCase()];
        if (factor === undefined) return null;
        const v = Number(unit[2]) * factor;
        return unit[1] === "-" ? -v : v;
    }
    const clock = TIMESPAN_CLOCK_TEXT.exec(t);
    if (clock) {
        const [, sign, d, h, m, s, frac] = clock;
        const v = Number(d ?? 0) * MS_PER_DAY + Number(h) * MS_PER_HOUR + Number(m) * MS_PER_MINUTE + Number(s ?? 0) * MS_PER_SECOND + (frac ? Number(`0.${frac}`) * 1000 : 0);
        return sign === "-" ? -v : v;
    }
    if (/^[+-]?\d+(\.\d+)?$/.test(t)) return Number(t) * MS_PER_DAY;
    return null;
}

// ---------------------------------------------------------------- conversions

/** `tostring()` of a dynamic value: a string as it is, null as `""`, anything else as compact JSON. */
export function dynamicToString(v: EvalValue): string {
    if (v === null) return "";
    if (typeof v === "string") return v;
    return JSON.stringify(v);
}

/** `tostring()` of a real: JS number text, `NaN`, `Infinity` and `-Infinity` as Kusto spells them. */
function realToString(v: number): string {
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    return String(v);
}

/** Returns the `tostring()` conversion for values of `type`, chosen once at compile time. */
export function stringifier(type: KustoType): (v: EvalValue) => string {
    switch (type) {
        case "string":
        case "guid":
            return (v) => (v === null ? "" : (v as string));
        case "datetime":
            return (v) => (v === null ? "" : formatDateTime(v as number));
        case "timespan":
            return (v) => (v === null ? "" : formatTimespan(v as number));
        case "real":
        case "decimal":
            return (v) => (v === null ? "" : realToString(v as number));
        case "int":
        case "long":
            return (v) => (v === null ? "" : String(v));
        case "bool":
            return (v) => (v === null ? "" : v ? "true" : "false");
        case "dynamic":
            return dynamicToString;
    }
}

/** Parses number text as `todouble()` does: trimmed decimal or exponent text, `NaN`, `inf`; anything else is null. */
function parseReal(text: string): number | null {
    const t = text.trim();
    if (t === "") return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
    const lower = t.toLowerCase();
    if (lower === "nan") return NaN;
    if (lower === "inf" || lower === "+inf" || lower === "infinity") return Infinity;
    if (lower === "-inf" || lower === "-infinity") return -Infinity;
    return null;
}

/** Returns the `todouble()`/`toreal()` conversion for values of `type`. */
export function toRealConverter(type: KustoType): (v: EvalValue) => EvalValue {
    if (isNumberType(type)) return (v) => v;
    if (type === "bool") return (v) => (v === null ? null : v ? 1 : 0);
    return (v) => {
        if (v === null) return null;
        if (typeof v === "number") return v;
        if (typeof v === "boolean") return v ? 1 : 0;
        if (typeof v === "string") return parseReal(v);
        return null;
    };
}

/** Returns the `tolong()`/`toint()` conversion for values of `type`: reals truncate toward zero; text must be a number. */
export function toLongConverter(type: KustoType): (v: EvalValue) => EvalValue {
    const real = toRealConverter(type);
    return (v) => {
        const r = real(v);
        if (r === null || typeof r !== "number" || !Number.isFinite(r)) return null;
        return Math.trunc(r);
    };
}

/** Returns the `tobool()` conversion for values of `type`: numbers are true when non-zero; text `true`/`false` (any case) or a number. */
export function toBoolConverter(type: KustoType): (v: EvalValue) => EvalValue {
    if (type === "bool") return (v) => v;
    return (v) => {
        if (v === null) return null;
        if (typeof v === "boolean") return v;
        if (typeof v === "number") return v !== 0;
        if (typeof v === "string") {
            const t = v.trim().toLowerCase();
            if (t === "true") return true;
            if (t === "false") return false;
            const n = parseReal(t);
            return n === null ? null : n !== 0;
        }
        return null;
    };
}

/** Returns the `todatetime()` conversion for values of `type`: datetimes pass through, text is parsed as ISO 8601. */
export function toDateTimeConverter(type: KustoType): (v: EvalValue) => EvalValue {
    if (type === "datetime") return (v) => v;
    return (v) => (typeof v === "string" ? parseDateTime(v) : null);
}

/** Returns the `totimespan()` conversion for values of `type`: timespans pass through, text is parsed (`5m`, `00:05:00`), numbers are ticks. */
export function toTimespanConverter(type: KustoType): (v: EvalValue) => EvalValue {
    if (type === "timespan") return (v) => v;
    return (v) => {
        if (typeof v === "string") return parseTimespan(v);
        if (typeof v === "number") return v / 10_000;
        return null;
    };
}

/** Normalizes a value from an input table for a column of `type`: missing strings become `""`, a `Date` or ISO text in a datetime column becomes epoch milliseconds, number text in a number column a number. */
export function normalizeInput(v: InputValue, type: KustoType): EvalValue {
    if (v === undefined || v === null) return type === "string" ? "" : null;
    switch (type) {
        case "string":
        case "guid":
            return typeof v === "string" ? v : v instanceof Date ? formatDateTime(v.getTime()) : dynamicToString(v);
        case "datetime":
            if (typeof v === "number") return v;
            if (v instanceof Date) return v.getTime();
            return typeof v === "string" ? parseDateTime(v) : null;
        case "timespan":
            if (typeof v === "number") return v;
            return typeof v === "string" ? parseTimespan(v) : null;
        case "int":
        case "long":
        case "real":
        case "decimal":
            if (typeof v === "number") return v;
            return typeof v === "string" ? parseReal(v) : null;
        case "bool":
            if (typeof v === "boolean") return v;
            return toBoolConverter("dynamic")(v instanceof Date ? null : v);
        case "dynamic":
            return v instanceof Date ? formatDateTime(v.getTime()) : v;
    }
}

// ---------------------------------------------------------------- equality and order

/** Kusto equality of two non-null values: primitives by value, dynamic arrays and objects by their JSON. */
export function valuesEqual(a: EvalValue, b: EvalValue): boolean {
    if (a === b) return true;
    if (a === null || b === null) return false;
    if (typeof a === "object" && typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
    return false;
}

/** A key that is equal for equal values and distinct otherwise, for hashing (grouping, joins, sets): the value itself when primitive, its JSON when dynamic. */
export function hashKey(v: EvalValue): string | number | boolean | null {
    if (v !== null && typeof v === "object") return "\u0000json:" + JSON.stringify(v);
    return v;
}

function typeRank(v: EvalValue): number {
    if (typeof v === "boolean") return 1;
    if (typeof v === "number") return 2;
    if (typeof v === "string") return 3;
    return 4;
}

/** Ascending order of two non-null values (numbers numerically, strings by UTF-16 code units, false before true; mixed dynamic values by kind). */
export function compareValues(a: EvalValue, b: EvalValue): number {
    if (typeof a === "number" && typeof b === "number") {
        if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
        if (Number.isNaN(b)) return 1;
        return a < b ? -1 : a > b ? 1 : 0;
    }
    if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
    if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
    const ra = typeRank(a);
    const rb = typeRank(b);
    if (ra !== rb) return ra - rb;
    const ja = JSON.stringify(a);
    const jb = JSON.stringify(b);
    return ja < jb ? -1 : ja > jb ? 1 : 0;
}

/** Formats a result value for people: datetimes as ISO 8601, timespans as `hh:mm:ss`, dynamic as JSON, null as `null`. */
export function formatKqlValue(v: EvalValue, type: KustoType): string {
    if (v === null) return "null";
    return stringifier(type)(v);
}
