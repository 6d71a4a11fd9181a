/**
 * The shape of a detection and how its `.kql` file becomes the query of an alert rule.
 *
 * A detection is data: a `.kql` file in this folder that runs as it is in Log Analytics (its
 * parameters are `let` statements at the top with their default values), and one typed entry in
 * `catalog.ts` with everything the alert rule needs beside the query. Rendering replaces the
 * default literal of each `let` parameter with the validated, encoded value for one hub and
 * profile; nothing else in the file changes.
 */
import * as fs from "fs";
import * as path from "path";
import { parseIsoDuration, type IsoDuration } from "../azure/durations";
import { ValidationError, type Severity } from "../azure/validation";
import { renderKqlLiteral, validateParameterValue, type KqlParameter, type KqlValue, type StringListParameter } from "../kql/literals";

/** The environment profiles a stack can run under; each sets its own severities and defaults. */
export type EnvironmentProfile = "dev" | "staging" | "prod";

/** All environment profiles, mildest first. */
export const ENVIRONMENT_PROFILES: readonly EnvironmentProfile[] = ["dev", "staging", "prod"];

/** The symptom patterns of the 404104 troubleshooting article: 1 periodic (SAS token), 2 random (keep-alive, reset, crash), 3 many at once (IoT Hub transient). */
export type Symptom = 1 | 2 | 3;

/** Aggregations a log search alert applies to the measure column. */
export type TimeAggregation = "Count" | "Average" | "Minimum" | "Maximum" | "Total";

/** Comparison of the aggregated measure with the threshold. */
export type ConditionOperator = "Equals" | "GreaterThan" | "GreaterThanOrEqual" | "LessThan" | "LessThanOrEqual";

/** How many evaluation periods are looked at and how many must breach before the alert fires. */
export interface FailingPeriods {
    /** Windows looked at per evaluation (Azure's default: 1); the query range is `windowSize` times this, at most two days. */
    readonly numberOfEvaluationPeriods: number;
    /** Windows among them that must breach for the alert to fire (Azure's default: 1); at most `numberOfEvaluationPeriods`. */
    readonly minFailingPeriodsToAlert: number;
}

/** What the on-call person reads in the notification: the likely cause, what to look at, what fixes it. */
export interface Runbook {
    /** The cause the article gives for the symptom, in one or two sentences. No default. */
    readonly likelyCause: string;
    /** What to look at first, one sentence each, most telling first. No default. */
    readonly whatToCheck: readonly string[];
    /** What fixes it, one sentence each, from the article's solution. No default. */
    readonly fix: readonly string[];
}

/** One detection: its query file and everything its log search alert needs. */
export interface DetectionDefinition {
    /** Stable id (kebab-case), used in resource names, config keys and policy waivers. */
    readonly id: string;
    /** The `.kql` file in `queries/` holding the query. */
    readonly file: string;
    /** Which symptom pattern of the article it detects. */
    readonly symptom: Symptom;
    /** One-line title, used as the alert's display name. */
    readonly title: string;
    /** Default severity under each environment profile. */
    readonly severity: Readonly<Record<EnvironmentProfile, Severity>>;
    /** How often the rule runs (ISO 8601). */
    readonly evaluationFrequency: IsoDuration;
    /** The window of logs each evaluation looks at (ISO 8601). */
    readonly windowSize: IsoDuration;
    /** Aggregation of the measure column per time series. */
    readonly timeAggregation: TimeAggregation;
    /** Numeric result column the condition compares. */
    readonly measureColumn: string;
    /** How the aggregated measure is compared with `threshold`. No default. */
    readonly operator: ConditionOperator;
    /** The value the aggregated measure is compared with. The detections filter with their typed parameters in KQL, so a returned row already means "breached" and the threshold is 0 with `GreaterThan`. */
    readonly threshold: number;
    /** Result columns that split the rule into time series: hub-level only, never a device (each series is billed). */
    readonly dimensions: readonly string[];
    /** Result column holding the hub's resource id; the fired alert targets that resource. */
    readonly resourceIdColumn: string;
    /** Result column of type datetime the rule bins by, when it has one. */
    readonly timeColumn?: string;
    /** How many windows are evaluated and how many must breach; every detection uses 1 of 1. */
    readonly failingPeriods: FailingPeriods;
    /**
     * How long notifications are muted after the alert fires (ISO 8601). Only for a stateless rule
     * (`autoMitigate` false): a stateful rule notifies once per firing anyway, and Azure takes the
     * mute only without auto-resolve. Default: no mute.
     */
    readonly muteActionsDuration?: IsoDuration;
    /** Whether Azure resolves the alert by itself when the condition clears. */
    readonly autoMitigate: boolean;
    /** Typed parameters declared as `let` statements at the top of the file. */
    readonly parameters: Readonly<Record<string, KqlParameter>>;
    /** The on-call text carried in the alert's description. */
    readonly runbook: Runbook;
    /** Expected time from the first symptom to the alert firing, with the reasoning. */
    readonly timeToDetect: string;
    /** Rules the parameter values and the window must keep together, checked before anything is sent. Default: none. */
    readonly constraints?: readonly ParameterConstraint[];
}

/**
 * One term of a `ParameterConstraint`: the value of a parameter or of `windowSize` (a timespan
 * in seconds, a number as it is), or a constant, times a factor, times another parameter plus a constant.
 */
export interface ConstraintTerm {
    /** A parameter name, `windowSize`, or absent for the constant 1. */
    readonly of?: string;
    /** A constant factor. Default 1. */
    readonly times?: number;
    /** Another parameter the term is multiplied by (plus `timesPlus`). Default: none. */
    readonly timesParameter?: string;
    /** Added to `timesParameter` before multiplying. Default 0. */
    readonly timesPlus?: number;
}

/** A rule over a detection's parameters and window, as data: the sum of `atLeast` must be at least the sum of `than`. */
export interface ParameterConstraint {
    /** The rule in words, for the error message. */
    readonly says: string;
    /** The larger side. */
    readonly atLeast: readonly ConstraintTerm[];
    /** The side it must reach. */
    readonly than: readonly ConstraintTerm[];
}

/** The constraints of `def` that `values` (parameter values, defaults filled in, timespans as ISO 8601) and the window break, in words. */
export function brokenConstraints(def: DetectionDefinition, values: Readonly<Record<string, unknown>>, windowSeconds: number): string[] {
    const valueOf = (name: string): number => {
        if (name === "windowSize") return windowSeconds;
        const v = name in values ? values[name] : def.parameters[name]?.default;
        if (typeof v === "number") return v;
        if (typeof v === "string") return parseIsoDuration(v) ?? NaN;
        return NaN;
    };
    const sum = (terms: readonly ConstraintTerm[]): number =>
        terms.reduce((total, t) => total + (t.of === undefined ? 1 : valueOf(t.of)) * (t.times ?? 1) * (t.timesParameter === undefined ? 1 : valueOf(t.timesParameter) + (t.timesPlus ?? 0)), 0);
    return (def.constraints ?? []).filter((c) => !(sum(c.atLeast) >= sum(c.than))).map((c) => c.says);
}

/** Name of the parameter every detection declares and the builder binds to the monitored hubs' resource ids. */
export const MONITORED_HUBS_PARAMETER = "monitoredHubs";

/** The `monitoredHubs` parameter: lower-cased IoT Hub resource ids (Log Analytics stores `_ResourceId` lower-case). */
export const monitoredHubsParameter: StringListParameter = {
    type: "stringList",
    description: "Resource ids of the IoT Hubs this rule watches; bound by the components, not by users.",
    default: ["/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/example-rg/providers/microsoft.devices/iothubs/example-hub"],
    pattern: /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/[-\w._()]+\/providers\/microsoft\.devices\/iothubs\/[a-z0-9-]+$/,
    patternDescription: "a lower-case IoT Hub resource id",
    minItems: 1,
    maxItems: 100,
};

const QUERY_DIR = __dirname;

/** Reads the `.kql` file of a detection as it is checked in. */
export function readDetectionFile(def: DetectionDefinition): string {
    return fs.readFileSync(path.join(QUERY_DIR, def.file), "utf8");
}

const LET_LINE = /^let\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?);\s*(\/\/.*)?$/;

/** The `let` parameter lines of a query text: name -> line index. Only lines of the form `let name = literal;` count. */
export function parameterLines(text: string): Map<string, number> {
    const found = new Map<string, number>();
    text.split("\n").forEach((line, i) => {
        const m = LET_LINE.exec(line);
        if (m && !found.has(m[1])) found.set(m[1], i);
    });
    return found;
}

/**
 * Renders a detection's query: each declared parameter's `let` line gets the validated, encoded
 * value from `values` (or the parameter's default). `fieldPrefix` names where the values came
 * from, so an error points at the right config key. Throws when a value is unknown or invalid,
 * or when the file does not declare a parameter of the catalog.
 */
export function renderDetectionQuery(
    def: DetectionDefinition,
    values: Readonly<Record<string, unknown>>,
    fieldPrefix: string,
    text: string = readDetectionFile(def),
): string {
    for (const key of Object.keys(values)) {
        if (!(key in def.parameters)) {
            throw new ValidationError(`${fieldPrefix}.${key}`, key, `unknown parameter of detection "${def.id}"; allowed: ${Object.keys(def.parameters).join(", ")}`);
        }
    }
    const lines = text.split("\n");
    const declared = parameterLines(text);
    for (const [name, param] of Object.entries(def.parameters)) {
        const index = declared.get(name);
        if (index === undefined) {
            throw new Error(`queries/${def.file} does not declare parameter "${name}" as "let ${name} = <literal>;"`);
        }
        const raw = name in values ? values[name] : param.default;
        const value: KqlValue = validateParameterValue(`${fieldPrefix}.${name}`, param, raw);
        const comment = LET_LINE.exec(lines[index])?.[3];
        lines[index] = `let ${name} = ${renderKqlLiteral(param, value)};${comment ? ` ${comment}` : ""}`;
    }
    return lines.join("\n");
}

/** How late IoT Hub resource logs arrive in Log Analytics at worst (3 to 10 minutes, Microsoft "data-ingestion-time"); every window must cover it. */
export const MAX_LOG_LATENESS: IsoDuration = "PT10M";
