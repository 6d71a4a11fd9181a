/**
 * The builder that turns one detection of the query catalog into the arguments of a
 * `monitor.ScheduledQueryRule` for one hub: the rendered query, its condition, schedule,
 * severity and a description that carries the detection's runbook text.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as monitor from "@pulumi/azure-native/monitor";
import { brokenConstraints, MAX_LOG_LATENESS, MONITORED_HUBS_PARAMETER, renderDetectionQuery, type DetectionDefinition, type EnvironmentProfile, type FailingPeriods } from "../queries/detection";
import { validateParameterValue, type KqlParameter, type KqlValue } from "../kql/literals";
import { LOG_ALERT_MAX_QUERY_RANGE_SECONDS, LOG_ALERT_STATEFUL_MAX_FREQUENCY_SECONDS, formatIsoDuration, parseIsoDuration, requireDuration, requireWindowCoversFrequency, type IsoDuration } from "../azure/durations";
import { citeLimit, LIMITS } from "../azure/limits";
import { checkQuery, checkRuleSize, isOneMinuteRule } from "../kql/check";
import { hubNameFromId } from "./naming";
import { requireBoolean, requireInLimit, requireInteger, requireKnownKeys, requireSeverity, ValidationError, type Severity } from "../azure/validation";

/**
 * Values of a detection's KQL parameters by name, one map per kind of value (a component package
 * carries no value of several types): `numbers` for `int` and `real` parameters (e.g. `zScore: 6`),
 * `durations` for `timespan` ones (ISO 8601, e.g. `PT10M`), `strings` for `string` ones and `lists`
 * for `stringList` ones. Each name is checked against the detection's catalog entry, the map against
 * the parameter's kind, and the value against its range. Default: every map empty.
 */
export interface DetectionParameters {
    /** Values of `int` and `real` parameters. Default: none. */
    numbers?: Record<string, number>;
    /** Values of `timespan` parameters, as ISO 8601 durations. Default: none. */
    durations?: Record<string, string>;
    /** Values of `string` parameters. Default: none. */
    strings?: Record<string, string>;
    /** Values of `stringList` parameters. Default: none. */
    lists?: Record<string, string[]>;
}

/** Which map of `DetectionParameters` holds a parameter of each KQL kind. */
const PARAMETER_MAP_OF_KIND: Readonly<Record<KqlParameter["type"], keyof DetectionParameters>> = { int: "numbers", real: "numbers", timespan: "durations", string: "strings", stringList: "lists" };

/**
 * The parameter values of `parameters` for `detection`, by name, each checked: a name the detection
 * has, in the map of its kind, with a value in its range. `field` is the path of `parameters`.
 */
export function detectionParameterValues(field: string, detection: DetectionDefinition, parameters: DetectionParameters | undefined): Record<string, KqlValue> {
    if (parameters === undefined) return {};
    requireKnownKeys(field, parameters, ["numbers", "durations", "strings", "lists"]);
    const out: Record<string, KqlValue> = {};
    for (const map of ["numbers", "durations", "strings", "lists"] as const) {
        const values: unknown = parameters[map];
        if (values === undefined) continue;
        if (typeof values !== "object" || values === null || Array.isArray(values)) throw new ValidationError(`${field}.${map}`, values, "allowed: a map of parameter names to values");
        for (const [name, value] of Object.entries(values)) {
            const param = detection.parameters[name];
            if (param === undefined || name === MONITORED_HUBS_PARAMETER) {
                const settable = Object.keys(detection.parameters).filter((n) => n !== MONITORED_HUBS_PARAMETER);
                throw new ValidationError(`${field}.${map}.${name}`, value, `${name === MONITORED_HUBS_PARAMETER ? "bound by the components to the monitored hub; not settable" : `not a parameter of ${detection.id}`}; allowed: ${settable.join(", ")}`);
            }
            const expected = PARAMETER_MAP_OF_KIND[param.type];
            if (expected !== map) throw new ValidationError(`${field}.${map}.${name}`, value, `${name} is a ${param.type} parameter; give it under ${field}.${expected}`);
            out[name] = validateParameterValue(`${field}.${map}.${name}`, param, value);
        }
    }
    return out;
}

/** Sorts flat parameter values (name to value, as a stack file gives them) into the maps of `DetectionParameters` by each parameter's kind; names the detection lacks are left to the caller to refuse. */
export function toDetectionParameters(detection: DetectionDefinition, values: Readonly<Record<string, KqlValue>>): DetectionParameters {
    const out: { numbers?: Record<string, number>; durations?: Record<string, string>; strings?: Record<string, string>; lists?: Record<string, string[]> } = {};
    for (const [name, value] of Object.entries(values)) {
        const kind = detection.parameters[name]?.type;
        if (kind === undefined) continue;
        const map = PARAMETER_MAP_OF_KIND[kind];
        if (map === "numbers") (out.numbers ??= {})[name] = value as number;
        else if (map === "lists") (out.lists ??= {})[name] = [...(value as readonly string[])];
        else (out[map] ??= {})[name] = value as string;
    }
    return out;
}

/** Merges two parameter sets map by map, `over`'s values replacing `base`'s. */
export function mergeDetectionParameters(base: DetectionParameters | undefined, over: DetectionParameters | undefined): DetectionParameters | undefined {
    if (base === undefined) return over;
    if (over === undefined) return base;
    const out: DetectionParameters = {};
    for (const map of ["numbers", "durations", "strings", "lists"] as const) {
        if (base[map] !== undefined || over[map] !== undefined) Object.assign(out, { [map]: { ...base[map], ...over[map] } });
    }
    return out;
}

/** Per-detection settings a stack or caller can override; every field defaults to the catalog entry. */
export interface DetectionSettings {
    /** Whether the detection's alert rule is created. Default: `true`. */
    enabled?: boolean;
    /** Alert severity 0..4. Default: the catalog's severity for the environment profile. */
    severity?: number;
    /** Threshold the measure column is compared with. Default: the catalog's threshold. */
    threshold?: number;
    /** Values of the detection's KQL parameters, by kind (e.g. `{numbers: {minDevices: 2}}`), checked against their kinds and ranges. Default: the catalog's defaults. */
    parameters?: DetectionParameters;
    /** How often the rule runs (ISO 8601, one Azure allows). Default: the catalog's frequency. */
    evaluationFrequency?: IsoDuration;
    /** Window of logs each evaluation reads (ISO 8601, at least the frequency). Default: the catalog's window. */
    windowSize?: IsoDuration;
    /** How long notifications are muted after firing; only with `autoMitigate` false. Default: the catalog's mute duration, if any. */
    muteActionsDuration?: IsoDuration;
    /** Evaluation periods looked at and how many must breach. Default: the catalog's failing periods. */
    failingPeriods?: FailingPeriods;
    /** Whether the alert resolves itself when the condition clears. Default: the catalog's value. */
    autoMitigate?: boolean;
}

/** A detection resolved for one hub and profile: everything its alert rule will carry. */
export interface ResolvedDetectionRule {
    /** The detection's catalog entry. */
    readonly detection: DetectionDefinition;
    /** Resource id of the hub the rule watches. */
    readonly hubResourceId: string;
    /** Name of the hub. */
    readonly hubName: string;
    /** The rule's display name in the portal. */
    readonly displayName: string;
    /** The alert description: the runbook text (likely cause, what to check, what fixes it) and any extra lines. */
    readonly description: string;
    /** The rendered KQL, parameters bound. */
    readonly query: string;
    /** The values of the query's parameters, defaults applied and `monitoredHubs` bound to the hub. */
    readonly parameters: Readonly<Record<string, KqlValue>>;
    /** Severity 0..4. */
    readonly severity: Severity;
    /** How often the rule runs. */
    readonly evaluationFrequency: IsoDuration;
    /** The window of logs each run reads. */
    readonly windowSize: IsoDuration;
    /** The measure column is compared with this. */
    readonly threshold: number;
    /** Evaluation periods looked at and how many must breach. */
    readonly failingPeriods: FailingPeriods;
    /** Mute after firing; `undefined` for auto-resolving rules, which notify once per firing. */
    readonly muteActionsDuration?: IsoDuration;
    /** Whether the alert resolves itself when the condition clears. */
    readonly autoMitigate: boolean;
}

const SETTINGS_KEYS = ["enabled", "severity", "threshold", "parameters", "evaluationFrequency", "windowSize", "muteActionsDuration", "failingPeriods", "autoMitigate"];

/** The keys a `DetectionSettings` object may have. */
export const DETECTION_SETTINGS_KEYS: readonly string[] = SETTINGS_KEYS;

/** The text of the alert's description: title, runbook (cause, checks, fix), time to detect and query file. */
export function detectionDescription(detection: DetectionDefinition, hubName: string, extraLines: readonly string[] = []): string {
    const r = detection.runbook;
    return [
        `${detection.title} on IoT Hub ${hubName}.`,
        `Likely cause: ${r.likelyCause}`,
        `Check: ${r.whatToCheck.map((c, i) => `(${i + 1}) ${c}`).join(" ")}`,
        `Fix: ${r.fix.map((c, i) => `(${i + 1}) ${c}`).join(" ")}`,
        `Time to detect: ${detection.timeToDetect}`,
        `Query: queries/${detection.file} (iothub-404104-monitoring).`,
        ...extraLines,
    ].join("\n");
}

/**
 * Validates `settings` for `detection` and resolves the rule for one hub and profile. `field`
 * prefixes error paths (e.g. the config key `detections.mass-disconnect`). Throws a named
 * error for any bad value; the rendered query has the hub bound to `monitoredHubs`.
 */
export function resolveDetectionRule(
    field: string,
    detection: DetectionDefinition,
    hubResourceId: string,
    profile: EnvironmentProfile,
    settings: DetectionSettings = {},
    descriptionExtraLines: readonly string[] = [],
): ResolvedDetectionRule {
    for (const key of Object.keys(settings)) {
        if (!SETTINGS_KEYS.includes(key)) throw new ValidationError(`${field}.${key}`, key, `unknown setting; allowed: ${SETTINGS_KEYS.join(", ")}`);
    }
    const evaluationFrequency = requireDuration(`${field}.evaluationFrequency`, settings.evaluationFrequency ?? detection.evaluationFrequency, LIMITS.logAlertFrequency);
    const windowSize = requireDuration(`${field}.windowSize`, settings.windowSize ?? detection.windowSize, LIMITS.logAlertWindow);
    requireWindowCoversFrequency(`${field}.windowSize`, windowSize, evaluationFrequency);
    // The catalog's own windows keep this margin (queries/checkDetection.ts checkDefinition checks them); an override must too, or rows that arrive late fall between two runs.
    const overridden = settings.windowSize !== undefined || settings.evaluationFrequency !== undefined;
    const lateness = parseIsoDuration(MAX_LOG_LATENESS) ?? 0;
    if (overridden && (parseIsoDuration(windowSize) ?? 0) < (parseIsoDuration(evaluationFrequency) ?? 0) + lateness) {
        throw new ValidationError(
            `${field}.windowSize`,
            windowSize,
            `allowed: a window of at least the evaluation frequency ${evaluationFrequency} plus ${MAX_LOG_LATENESS} (IoT Hub logs arrive up to 10 minutes late; a shorter window never sees rows that arrive after their run)`,
        );
    }
    const severity = requireSeverity(`${field}.severity`, settings.severity ?? detection.severity[profile]);
    const threshold = requireInLimit(`${field}.threshold`, settings.threshold ?? detection.threshold, LIMITS.detectionThreshold);
    const autoMitigate = requireBoolean(`${field}.autoMitigate`, settings.autoMitigate ?? detection.autoMitigate);
    const frequencySeconds = parseIsoDuration(evaluationFrequency) ?? 0;
    if (autoMitigate && frequencySeconds > LOG_ALERT_STATEFUL_MAX_FREQUENCY_SECONDS) {
        throw new ValidationError(
            `${field}.evaluationFrequency`,
            evaluationFrequency,
            `allowed with autoMitigate true: at most ${formatIsoDuration(LOG_ALERT_STATEFUL_MAX_FREQUENCY_SECONDS)} (Azure: "Stateful alert rules with a frequency of more than ${LOG_ALERT_STATEFUL_MAX_FREQUENCY_SECONDS / 3600} hours are not supported"); set autoMitigate: false or a shorter frequency ${citeLimit(LIMITS.logAlertStatefulFrequency)}`,
        );
    }
    if (autoMitigate && settings.muteActionsDuration !== undefined) {
        throw new ValidationError(`${field}.muteActionsDuration`, settings.muteActionsDuration, "applies only when autoMitigate is false (an auto-resolving rule notifies once per firing); set autoMitigate: false or remove it");
    }
    const mute = autoMitigate ? undefined : (settings.muteActionsDuration ?? detection.muteActionsDuration);
    const muteActionsDuration = mute === undefined ? undefined : requireDuration(`${field}.muteActionsDuration`, mute, LIMITS.logAlertMute);
    if (muteActionsDuration !== undefined && (parseIsoDuration(muteActionsDuration) ?? 0) < frequencySeconds) {
        throw new ValidationError(
            `${field}.muteActionsDuration`,
            muteActionsDuration,
            `allowed: at least the evaluation frequency ${evaluationFrequency} (Azure: "EvaluationFrequency cannot be greater than MuteActionsDuration") ${citeLimit(LIMITS.logAlertMuteCoversFrequency)}`,
        );
    }
    const fp = settings.failingPeriods ?? detection.failingPeriods;
    const periods = requireInLimit(`${field}.failingPeriods.numberOfEvaluationPeriods`, fp.numberOfEvaluationPeriods, LIMITS.logAlertFailingPeriods);
    const minFailing = requireInteger(`${field}.failingPeriods.minFailingPeriodsToAlert`, fp.minFailingPeriodsToAlert, 1, periods);
    if ((parseIsoDuration(windowSize) ?? 0) * periods > LOG_ALERT_MAX_QUERY_RANGE_SECONDS) {
        throw new ValidationError(`${field}.failingPeriods.numberOfEvaluationPeriods`, periods, `allowed: window ${windowSize} x periods may not exceed ${formatIsoDuration(LOG_ALERT_MAX_QUERY_RANGE_SECONDS)} ${citeLimit(LIMITS.logAlertQueryRange)}`);
    }
    const userParameters = detectionParameterValues(`${field}.parameters`, detection, settings.parameters);
    const parameters: Record<string, KqlValue> = { ...userParameters, [MONITORED_HUBS_PARAMETER]: [hubResourceId.toLowerCase()] };
    const query = renderDetectionQuery(detection, parameters, `${field}.parameters`);
    const broken = brokenConstraints(detection, parameters, parseIsoDuration(windowSize) ?? 0);
    if (broken.length > 0) {
        throw new ValidationError(`${field}.parameters`, { ...userParameters, windowSize }, `allowed: values that keep the detection's rules; ${broken.join("; ")} (a detection that can never fire would pass silently otherwise)`);
    }
    if (isOneMinuteRule(evaluationFrequency)) {
        // Azure forbids some operators in 1-minute rules; check the query before Azure does.
        const problems = checkQuery(query, { evaluationFrequency });
        if (problems.length > 0) {
            throw new ValidationError(
                `${field}.evaluationFrequency`,
                evaluationFrequency,
                `allowed: a frequency above PT1M for this detection, because its query uses what Azure forbids in 1-minute rules (${problems.map((p) => `line ${p.line}: ${p.message}`).join("; ")})`,
            );
        }
    }
    const hubName = hubNameFromId(hubResourceId);
    const displayName = `${detection.title} [${hubName}]`;
    const description = detectionDescription(detection, hubName, descriptionExtraLines);
    const tooLarge = checkRuleSize({ displayName, description, query, criteria: detection });
    if (tooLarge.length > 0) throw new ValidationError(`${field}.parameters`, "(rendered rule)", tooLarge[0].message);
    return {
        detection,
        hubResourceId,
        hubName,
        displayName,
        description,
        query,
        parameters,
        severity,
        evaluationFrequency,
        windowSize,
        threshold,
        failingPeriods: { numberOfEvaluationPeriods: periods, minFailingPeriodsToAlert: minFailing },
        muteActionsDuration,
        autoMitigate,
    };
}

/** Where a resolved rule is created and whom it notifies. */
export interface DetectionRuleTarget {
    /** Resource group of the alert rule. Required. */
    resourceGroupName: pulumi.Input<string>;
    /** Region of the alert rule (normally the workspace's). Required. */
    location: pulumi.Input<string>;
    /** Resource id of the Log Analytics workspace the rule queries (its scope). Required. */
    workspaceId: pulumi.Input<string>;
    /** Action groups the rule notifies; a plain list lets a preview see each one before its id is known. Required (may be empty). */
    actionGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Tags of the alert rule. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Whether the log search alerts ask Azure to skip its validation of the query at creation
 * (`skipQueryValidation`): always `true`. A workspace created in the same deployment, and an
 * existing workspace that has not yet received IoT Hub logs, has no `AzureDiagnostics` table or
 * none of the IoT Hub columns until the first diagnostic rows land, so Azure's check fails the
 * first `pulumi up` with a semantic error (SEM0100). The package checks every query itself with
 * Microsoft's KQL parser against the `AzureDiagnostics` schema before anything is sent.
 */
export const SKIP_AZURE_QUERY_VALIDATION = true;

/** The `monitor.ScheduledQueryRule` arguments of a resolved rule. */
export function scheduledQueryRuleArgs(rule: ResolvedDetectionRule, target: DetectionRuleTarget): monitor.ScheduledQueryRuleArgs {
    const d = rule.detection;
    return {
        resourceGroupName: target.resourceGroupName,
        location: target.location,
        kind: "LogAlert",
        displayName: rule.displayName,
        description: rule.description,
        enabled: true,
        scopes: [target.workspaceId],
        severity: rule.severity,
        evaluationFrequency: rule.evaluationFrequency,
        windowSize: rule.windowSize,
        muteActionsDuration: rule.muteActionsDuration,
        autoMitigate: rule.autoMitigate,
        // Azure's own check of the query at creation cannot pass on a first `pulumi up`: a workspace created in the same
        // deployment (and an existing one that has never received IoT Hub logs) has no AzureDiagnostics table, nor its
        // properties_s, ResultType or OperationName columns, until the first diagnostic rows land minutes after the
        // diagnostic setting exists (Azure/bicep#11378, SEM0100). Every query was checked by Microsoft's parser against
        // that schema when the rule was resolved (resolveDetectionRule, kql/check.ts), so the check is skipped always.
        skipQueryValidation: SKIP_AZURE_QUERY_VALIDATION,
        criteria: {
            allOf: [
                {
                    query: rule.query,
                    timeAggregation: d.timeAggregation,
                    metricMeasureColumn: d.timeAggregation === "Count" ? undefined : d.measureColumn,
                    resourceIdColumn: d.resourceIdColumn,
                    dimensions: d.dimensions.map((name) => ({ name, operator: "Include", values: ["*"] })),
                    operator: d.operator,
                    threshold: rule.threshold,
                    failingPeriods: rule.failingPeriods,
                },
            ],
        },
        actions: {
            actionGroups: target.actionGroupIds,
            customProperties: { detection: d.id, symptom: String(d.symptom), hub: rule.hubName },
        },
        tags: target.tags,
    };
}
