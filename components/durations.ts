/**
 * ISO 8601 durations as Azure Monitor takes them, and the values each alert field allows.
 * The allowed sets are the ones the Azure portal offers for each field; the package refuses
 * anything else before Azure does.
 */
import { ValidationError } from "./validation";

/** An ISO 8601 duration of days, hours, minutes and seconds, e.g. `PT5M`, `PT1H`, `P1D`. */
export type IsoDuration = string;

const ISO = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Seconds in an ISO 8601 duration, or `undefined` when the text is not one (months and years are not accepted). */
export function parseIsoDuration(text: string): number | undefined {
    const m = ISO.exec(text);
    if (!m || text === "P" || text.endsWith("T")) return undefined;
    const [d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
    return ((d * 24 + h) * 60 + mi) * 60 + s;
}

/** Formats seconds as the shortest ISO 8601 duration (`PT90S` stays seconds, `PT60M` becomes `PT1H`). */
export function formatIsoDuration(seconds: number): IsoDuration {
    if (seconds % 86400 === 0) return `P${seconds / 86400}D`;
    if (seconds % 3600 === 0) return `PT${seconds / 3600}H`;
    if (seconds % 60 === 0) return `PT${seconds / 60}M`;
    return `PT${seconds}S`;
}

const minutes = (...m: number[]): readonly number[] => m.map((x) => x * 60);

/** Evaluation frequencies a log search alert (scheduled query rule) allows. */
export const LOG_ALERT_FREQUENCIES = minutes(1, 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440);
/** Window sizes (aggregation granularity) a log search alert allows. */
export const LOG_ALERT_WINDOWS = minutes(1, 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440, 2880);
/** Mute (suppression) durations a log search alert allows. */
export const LOG_ALERT_MUTE_DURATIONS = minutes(5, 10, 15, 30, 45, 60, 120, 180, 360, 720, 1440, 2880);
/** Evaluation frequencies a metric alert allows. */
export const METRIC_ALERT_FREQUENCIES = minutes(1, 5, 15, 30, 60);
/** Window sizes a metric alert allows. */
export const METRIC_ALERT_WINDOWS = minutes(1, 5, 15, 30, 60, 360, 720, 1440);
/** A log search alert's whole query range (window x evaluation periods) may not exceed two days. */
export const LOG_ALERT_MAX_QUERY_RANGE_SECONDS = 2 * 86400;

/** Requires an ISO 8601 duration whose length is in `allowed` (seconds); returns the normalized duration. */
export function requireDuration(field: string, value: unknown, allowed: readonly number[]): IsoDuration {
    const seconds = typeof value === "string" ? parseIsoDuration(value) : undefined;
    if (seconds === undefined || !allowed.includes(seconds)) {
        throw new ValidationError(field, value, `allowed: one of ${allowed.map(formatIsoDuration).join(", ")}`);
    }
    return formatIsoDuration(seconds);
}

/** Requires `window` to be at least `frequency` (an alert evaluated more often than its window would skip data). */
export function requireWindowCoversFrequency(field: string, window: IsoDuration, frequency: IsoDuration): void {
    const w = parseIsoDuration(window) ?? 0;
    const f = parseIsoDuration(frequency) ?? 0;
    if (w < f) {
        throw new ValidationError(field, window, `allowed: a window at least as long as the evaluation frequency ${frequency}`);
    }
}
