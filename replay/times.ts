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

/**
 * Parses a time as exports write it: ISO 8601 (no zone means UTC) or the portal's
 * `M/D/YYYY, h:mm:ss.fff AM` (month first, as the en-US portal writes it). Returns epoch ms, or
 * `undefined` for anything else, including times that do not exist (February 30, hour 25, month 13:
 * a day-first export such as `20/11/2026` is refused rather than read as a later date).
 */
export function parseExportTime(text: string): number | undefined {
    const t = text.trim();
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
