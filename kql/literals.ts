/**
 * Typed KQL parameters and their literal encoding. A detection's thresholds and windows are
 * rendered into its query as `let name = <literal>;` statements; every value is checked against
 * its parameter's type and range first and then encoded, never pasted as raw text.
 */
import { formatIsoDuration, parseIsoDuration, type IsoDuration } from "../azure/durations";
import { ValidationError } from "../azure/validation";

interface ParameterBase {
    /** What the parameter controls, in one sentence a reviewer can read. */
    readonly description: string;
}

/** A whole number, rendered as a KQL `long` literal. */
export interface IntParameter extends ParameterBase {
    /** Discriminates the parameter kinds. */
    readonly type: "int";
    /** The value used when none is given; also the literal in the `.kql` file. */
    readonly default: number;
    /** Smallest value accepted (inclusive). */
    readonly min: number;
    /** Largest value accepted (inclusive). */
    readonly max: number;
}

/** A fraction or ratio, rendered as a KQL `real` literal. */
export interface RealParameter extends ParameterBase {
    /** Discriminates the parameter kinds. */
    readonly type: "real";
    /** The value used when none is given; also the literal in the `.kql` file. */
    readonly default: number;
    /** Smallest value accepted (inclusive). */
    readonly min: number;
    /** Largest value accepted (inclusive). */
    readonly max: number;
}

/** A duration given in ISO 8601 (`PT5M`), rendered as a KQL timespan literal (`5m`). */
export interface TimespanParameter extends ParameterBase {
    /** Discriminates the parameter kinds. */
    readonly type: "timespan";
    /** The value used when none is given (ISO 8601); its KQL form is the literal in the `.kql` file. */
    readonly default: IsoDuration;
    /** Shortest duration accepted (inclusive, ISO 8601). */
    readonly min: IsoDuration;
    /** Longest duration accepted (inclusive, ISO 8601). */
    readonly max: IsoDuration;
}

/** A string, rendered as a double-quoted KQL string literal with escapes. */
export interface StringParameter extends ParameterBase {
    /** Discriminates the parameter kinds. */
    readonly type: "string";
    /** The value used when none is given; also the literal in the `.kql` file. */
    readonly default: string;
    /** Values must match this pattern. */
    readonly pattern: RegExp;
    /** The pattern in words, for error messages. */
    readonly patternDescription: string;
}

/** A list of strings, rendered as `dynamic(["a", "b"])`. */
export interface StringListParameter extends ParameterBase {
    /** Discriminates the parameter kinds. */
    readonly type: "stringList";
    /** The value used when none is given; also the literal in the `.kql` file. */
    readonly default: readonly string[];
    /** Every entry must match this pattern. */
    readonly pattern: RegExp;
    /** The pattern in words, for error messages. */
    readonly patternDescription: string;
    /** Fewest entries accepted. */
    readonly minItems: number;
    /** Most entries accepted. */
    readonly maxItems: number;
}

/** One typed parameter of a detection. */
export type KqlParameter = IntParameter | RealParameter | TimespanParameter | StringParameter | StringListParameter;

/** A value for a parameter: a number for `int`/`real`, an ISO 8601 duration for `timespan`, a string or a list of strings. */
export type KqlValue = number | string | readonly string[];

/** Checks `value` against `param`, throwing a {@link ValidationError} naming `field`; returns the value. */
export function validateParameterValue(field: string, param: KqlParameter, value: unknown): KqlValue {
    switch (param.type) {
        case "int":
            if (typeof value !== "number" || !Number.isInteger(value) || value < param.min || value > param.max) {
                throw new ValidationError(field, value, `allowed: an integer from ${param.min} to ${param.max}`);
            }
            return value;
        case "real":
            if (typeof value !== "number" || !Number.isFinite(value) || value < param.min || value > param.max) {
                throw new ValidationError(field, value, `allowed: a number from ${param.min} to ${param.max}`);
            }
            return value;
        case "timespan": {
            const s = typeof value === "string" ? parseIsoDuration(value) : undefined;
            const lo = parseIsoDuration(param.min) ?? 0;
            const hi = parseIsoDuration(param.max) ?? 0;
            if (s === undefined || s < lo || s > hi) {
                throw new ValidationError(field, value, `allowed: an ISO 8601 duration from ${param.min} to ${param.max}`);
            }
            return value as string;
        }
        case "string":
            if (typeof value !== "string" || !param.pattern.test(value)) {
                throw new ValidationError(field, value, `allowed: ${param.patternDescription}`);
            }
            return value;
        case "stringList": {
            if (!Array.isArray(value) || value.length < param.minItems || value.length > param.maxItems) {
                throw new ValidationError(field, value, `allowed: a list of ${param.minItems} to ${param.maxItems} entries, each ${param.patternDescription}`);
            }
            value.forEach((v, i) => {
                if (typeof v !== "string" || !param.pattern.test(v)) {
                    throw new ValidationError(`${field}[${i}]`, v, `allowed: ${param.patternDescription}`);
                }
            });
            return value as readonly string[];
        }
    }
}

/** Encodes a string as a KQL double-quoted literal. Control characters other than tab, CR and LF are refused. */
export function kqlString(value: string): string {
    let out = '"';
    for (const ch of value) {
        const code = ch.codePointAt(0) ?? 0;
        if (ch === "\\") out += "\\\\";
        else if (ch === '"') out += '\\"';
        else if (ch === "\n") out += "\\n";
        else if (ch === "\r") out += "\\r";
        else if (ch === "\t") out += "\\t";
        else if (code < 0x20 || code === 0x7f) throw new ValidationError("string value", value, "allowed: text without control characters");
        else out += ch;
    }
    return out + '"';
}

/** Encodes seconds as a KQL timespan literal (`1d`, `2h`, `5m`, `90s`). */
export function kqlTimespan(seconds: number): string {
    if (seconds % 86400 === 0) return `${seconds / 86400}d`;
    if (seconds % 3600 === 0) return `${seconds / 3600}h`;
    if (seconds % 60 === 0) return `${seconds / 60}m`;
    return `${seconds}s`;
}

/**
 * Encodes a number as a KQL real literal: with a decimal point (`3.0`, `0.2`), or in exponent form
 * (`1e-7`, `1e+21`) where JavaScript writes the number so, which KQL also reads as a real and which
 * keeps every digit (a fixed-point rendering would round very small values to zero).
 */
export function kqlReal(value: number): string {
    if (!Number.isFinite(value)) throw new ValidationError("real value", value, "allowed: a finite number");
    const text = String(value);
    if (/e/i.test(text)) return text;
    return Number.isInteger(value) ? `${text}.0` : text;
}

/** Earliest and latest instants a KQL `datetime` holds (years 0001 to 9999), in epoch milliseconds. */
const KQL_DATETIME_RANGE = { min: Date.parse("0001-01-01T00:00:00.000Z"), max: Date.parse("9999-12-31T23:59:59.999Z") } as const;

/**
 * Encodes an instant (epoch milliseconds, whole) as a KQL datetime literal in UTC with millisecond
 * precision, `datetime(2026-11-20T05:00:00.000Z)`: the one form the backtest binds `now()` and the
 * query range with. A time that is not a whole number of milliseconds or lies outside years 1 to
 * 9999 is refused with a {@link ValidationError}, never rounded into another instant.
 */
export function kqlDateTime(epochMs: number): string {
    if (!Number.isInteger(epochMs) || epochMs < KQL_DATETIME_RANGE.min || epochMs > KQL_DATETIME_RANGE.max) {
        throw new ValidationError("datetime value", epochMs, "allowed: a whole number of milliseconds from year 1 to 9999");
    }
    return `datetime(${new Date(epochMs).toISOString()})`;
}

/** A list of strings as the KQL literal `dynamic(["a", "b"])`, each string escaped. */
export function kqlStringList(values: readonly string[]): string {
    return `dynamic([${values.map(kqlString).join(", ")}])`;
}

/** Renders a validated value as the KQL literal for its parameter type. */
export function renderKqlLiteral(param: KqlParameter, value: KqlValue): string {
    switch (param.type) {
        case "int":
            return String(value as number);
        case "real":
            return kqlReal(value as number);
        case "timespan":
            return kqlTimespan(parseIsoDuration(value as string) ?? 0);
        case "string":
            return kqlString(value as string);
        case "stringList":
            return kqlStringList(value as readonly string[]);
    }
}

/** Formats a parameter's value for people (tables, reports): `PT5M` stays ISO, lists are comma-joined. */
export function describeKqlValue(value: KqlValue): string {
    if (Array.isArray(value)) return value.join(", ");
    if (typeof value === "string" && parseIsoDuration(value) !== undefined) return formatIsoDuration(parseIsoDuration(value) ?? 0);
    return String(value);
}
