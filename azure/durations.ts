/**
 * ISO 8601 durations as Azure Monitor takes them, and the values each alert field allows, read
 * from the limits table ({@link LIMITS}, with the source of every set); the package refuses
 * anything else before Azure does.
 */
import { citeLimit, LIMITS, type AzureLimit, type DurationSetRule } from "./limits";
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

/** The seconds of a duration-set limit of the table (e.g. `durationSeconds(LIMITS.logAlertMute)`). */
export function durationSeconds(limit: AzureLimit<DurationSetRule>): readonly number[] {
    return limit.rule.minutes.map((m) => m * 60);
}

/** Evaluation frequencies a log search alert (scheduled query rule) allows, in seconds ({@link LIMITS}.logAlertFrequency). */
export const LOG_ALERT_FREQUENCIES = durationSeconds(LIMITS.logAlertFrequency);
/** Window sizes (aggregation granularity) a log search alert allows, in seconds ({@link LIMITS}.logAlertWindow). */
export const LOG_ALERT_WINDOWS = durationSeconds(LIMITS.logAlertWindow);
/** Mute (suppression) durations a log search alert allows, in seconds ({@link LIMITS}.logAlertMute). */
export const LOG_ALERT_MUTE_DURATIONS = durationSeconds(LIMITS.logAlertMute);
/** Evaluation frequencies a metric alert allows, in seconds ({@link LIMITS}.metricAlertFrequency). */
export const METRIC_ALERT_FREQUENCIES = durationSeconds(LIMITS.metricAlertFrequency);
/** Window sizes a metric alert allows, in seconds ({@link LIMITS}.metricAlertWindow). */
export const METRIC_ALERT_WINDOWS = durationSeconds(LIMITS.metricAlertWindow);
/** A log search alert's whole query range (window x evaluation periods) may not exceed two days ({@link LIMITS}.logAlertQueryRange). */
export const LOG_ALERT_MAX_QUERY_RANGE_SECONDS = LIMITS.logAlertQueryRange.rule.max;
/** The longest evaluation frequency of a stateful (`autoMitigate: true`) log search alert, in seconds ({@link LIMITS}.logAlertStatefulFrequency). */
export const LOG_ALERT_STATEFUL_MAX_FREQUENCY_SECONDS = LIMITS.logAlertStatefulFrequency.rule.seconds ?? 0;

/** Requires an ISO 8601 duration in a duration-set limit of the table; returns the normalized duration. The error cites the limit. */
export function requireDuration(field: string, value: unknown, limit: AzureLimit<DurationSetRule>): IsoDuration {
    const allowed = durationSeconds(limit);
    const seconds = typeof value === "string" ? parseIsoDuration(value) : undefined;
    if (seconds === undefined || !allowed.includes(seconds)) {
        throw new ValidationError(field, value, `allowed: one of ${allowed.map(formatIsoDuration).join(", ")} ${citeLimit(limit)}`);
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
