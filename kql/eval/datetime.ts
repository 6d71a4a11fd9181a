/**
 * Calendar arithmetic on datetimes held as epoch milliseconds (UTC): `datetime_diff`,
 * `datetime_add`, `startof*` and the parts functions. Weeks start on Sunday, as in Kusto.
 */
import { inDateTimeRange, MS_PER_DAY, utcDateTime } from "./values";

const MS_PER_WEEK = 7 * MS_PER_DAY;
/** 1970-01-04, the first Sunday after the epoch: week boundaries are Sundays at 00:00 UTC. */
const FIRST_SUNDAY = 3 * MS_PER_DAY;

const FIXED_PERIODS: Readonly<Record<string, number>> = {
    day: MS_PER_DAY,
    hour: 3_600_000,
    minute: 60_000,
    second: 1000,
    millisecond: 1,
    microsecond: 0.001,
    nanosecond: 0.000001,
};

function monthIndex(ms: number): number {
    const d = new Date(ms);
    return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The period names `datetime_diff` and `datetime_add` accept (case-insensitive). */
export const DATETIME_PERIODS = ["year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond"] as const;

/** Normalizes a period name (`Minute`, `minute`) or returns `undefined` when Kusto does not know it. */
export function datetimePeriod(name: string): (typeof DATETIME_PERIODS)[number] | undefined {
    const p = name.trim().toLowerCase();
    return (DATETIME_PERIODS as readonly string[]).includes(p) ? (p as (typeof DATETIME_PERIODS)[number]) : undefined;
}

/**
 * `datetime_diff(period, a, b)`: the number of period boundaries crossed from `b` to `a` (calendar
 * boundaries, not elapsed time divided by the period): `datetime_diff('minute', 23:05:01, 23:00:59)` is 5.
 */
export function datetimeDiff(period: (typeof DATETIME_PERIODS)[number], a: number, b: number): number {
    switch (period) {
        case "year":
            return new Date(a).getUTCFullYear() - new Date(b).getUTCFullYear();
        case "quarter":
            return Math.floor(monthIndex(a) / 3) - Math.floor(monthIndex(b) / 3);
        case "month":
            return monthIndex(a) - monthIndex(b);
        case "week":
            return Math.floor((a - FIRST_SUNDAY) / MS_PER_WEEK) - Math.floor((b - FIRST_SUNDAY) / MS_PER_WEEK);
        default: {
            const unit = FIXED_PERIODS[period];
            return Math.floor(a / unit) - Math.floor(b / unit);
        }
    }
}

/** Adds whole months, keeping the time of day and clamping the day to the target month's last day (as .NET `AddMonths` does). */
function addMonths(ms: number, months: number): number {
    const d = new Date(ms);
    const dayMs = ms - utcDateTime(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    const target = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
    const year = Math.floor(target / 12);
    const month = target - year * 12;
    const lastDay = new Date(utcDateTime(year, month + 1, 0)).getUTCDate();
    return utcDateTime(year, month, Math.min(d.getUTCDate(), lastDay)) + dayMs;
}

/**
 * `datetime_add(period, amount, dt)`: calendar addition for months, quarters and years; fixed-length
 * addition for the rest. `null` when the result falls outside Kusto's datetime range.
 */
export function datetimeAdd(period: (typeof DATETIME_PERIODS)[number], amount: number, ms: number): number | null {
    return inDateTimeRange(addPeriod(period, Math.trunc(amount), ms));
}

function addPeriod(period: (typeof DATETIME_PERIODS)[number], n: number, ms: number): number {
    switch (period) {
        case "year":
            return addMonths(ms, 12 * n);
        case "quarter":
            return addMonths(ms, 3 * n);
        case "month":
            return addMonths(ms, n);
        case "week":
            return ms + n * MS_PER_WEEK;
        default:
            return ms + n * FIXED_PERIODS[period];
    }
}

/** Start of the UTC day, week (Sunday), month or year holding `ms`, moved by `offset` such units; `null` outside Kusto's datetime range. */
export function startOf(unit: "day" | "week" | "month" | "year", ms: number, offset: number): number | null {
    return inDateTimeRange(startOfUnit(unit, ms, offset));
}

function startOfUnit(unit: "day" | "week" | "month" | "year", ms: number, offset: number): number {
    switch (unit) {
        case "day":
            return (Math.floor(ms / MS_PER_DAY) + offset) * MS_PER_DAY;
        case "week":
            return (Math.floor((ms - FIRST_SUNDAY) / MS_PER_WEEK) + offset) * MS_PER_WEEK + FIRST_SUNDAY;
        case "month": {
            const d = new Date(ms);
            return utcDateTime(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
        }
        case "year":
            return utcDateTime(new Date(ms).getUTCFullYear() + offset, 0, 1);
    }
}

/** `dayofweek(dt)`: the time since the preceding Sunday 00:00 as whole days (a timespan in ms). */
export function dayOfWeek(ms: number): number {
    return Math.floor((ms - startOfUnit("week", ms, 0)) / MS_PER_DAY) * MS_PER_DAY;
}
