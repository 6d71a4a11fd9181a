/**
 * Times as exports and command lines write them, parsed without rolling a day that does not exist
 * over into another: the export reader and the scripts' `--from`/`--to`/`--start` flags share it.
 */

const PORTAL_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))? ?(AM|PM)?$/i;

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether the parts name a real calendar time: `Date.UTC` would roll 2026-02-30 over to March 2, or month 20 into the next year. */
function isCalendarTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const daysInMonth = month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1];
    return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

/** The value of the digit at `i` of `t`, or -1 when it is not a digit. */
function digit(t: string, i: number): number {
    const c = t.charCodeAt(i) - 48;
    return c >= 0 && c <= 9 ? c : -1;
}

/**
 * The common case of {@link parseExportTime}, without a regular expression: `YYYY-MM-DDTHH:MM:SSZ`
 * with no fraction or a fraction of 1 to 9 digits, as Log Analytics writes every row's times.
 * Returns the time (the fraction cut to milliseconds, as `Date.parse` does), `undefined` for a
 * time that does not exist, or `null` when `t` has another shape (the general path decides).
 */
function canonicalIsoTime(t: string): number | undefined | null {
    const n = t.length;
    if (n < 20 || n > 30 || t.charCodeAt(n - 1) !== 90 /* Z */ || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 /* T */ || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return null;
    if (n > 20 && (t.charCodeAt(19) !== 46 /* . */ || n === 21)) return null;
    const d: number[] = [];
    for (const i of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) {
        const v = digit(t, i);
        if (v < 0) return null;
        d.push(v);
    }
    let ms = 0;
    for (let i = 20; i < n - 1; i++) {
        const v = digit(t, i);
        if (v < 0) return null;
        if (i < 23) ms += v * (i === 20 ? 100 : i === 21 ? 10 : 1);
    }
    const year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
    const [month, day, hour, minute, second] = [d[4] * 10 + d[5], d[6] * 10 + d[7], d[8] * 10 + d[9], d[10] * 10 + d[11], d[12] * 10 + d[13]];
    if (!isCalendarTime(year, month, day, hour, minute, second)) return undefined;
    // Date.UTC reads years 0 to 99 as 1900 to 1999; the general path (Date.parse) does not.
    return year < 100 ? null : Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/**
 * Parses a time as exports write it: ISO 8601 (no zone means UTC) or the portal's
 * `M/D/YYYY, h:mm:ss.fff AM` (month first, as the en-US portal writes it). Returns epoch ms, or
 * `undefined` for anything else, including times that do not exist (February 30, hour 25, month 13:
 * a day-first export such as `20/11/2026` is refused rather than read as a later date).
 */
export function parseExportTime(text: string): number | undefined {
    const t = text.trim();
    const fast = canonicalIsoTime(t);
    if (fast !== null) return fast;
    // ISO 8601 (what Log Analytics writes) is tried first: its fifth character is the dash after the year.
    const m = t.charCodeAt(4) === 45 ? null : PORTAL_TIME.exec(t);
    if (m) {
        let hour = Number(m[4]);
        const ampm = m[8]?.toUpperCase();
        if (ampm !== undefined && (hour < 1 || hour > 12)) return undefined;
        if (ampm === "PM" && hour < 12) hour += 12;
        if (ampm === "AM" && hour === 12) hour = 0;
        const [month, day, year, minute, second] = [m[1], m[2], m[3], m[5], m[6]].map(Number);
        if (!isCalendarTime(year, month, day, hour, minute, second)) return undefined;
        const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
        return Date.UTC(year, month - 1, day, hour, minute, second, ms);
    }
    const iso = ISO_TIME.exec(t);
    if (!iso) return undefined;
    const [year, month, day, hour, minute] = [iso[1], iso[2], iso[3], iso[4], iso[5]].map(Number);
    if (!isCalendarTime(year, month, day, hour, minute, Number(iso[6] ?? 0))) return undefined;
    const value = Date.parse((iso[7] ? t : `${t}Z`).replace(" ", "T"));
    return Number.isNaN(value) ? undefined : value;
}
