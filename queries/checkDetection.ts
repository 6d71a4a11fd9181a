/**
 * Checks of the detection catalog's entries: each entry on its own against Azure's limits (the
 * table in `azure/limits.ts`) and the package's own rules for detections, and each entry rendered
 * for a profile through the KQL checker. Used by `npm run kql:check` and the tests.
 */
import { formatIsoDuration, LOG_ALERT_FREQUENCIES, LOG_ALERT_MAX_QUERY_RANGE_SECONDS, LOG_ALERT_MUTE_DURATIONS, LOG_ALERT_STATEFUL_MAX_FREQUENCY_SECONDS, LOG_ALERT_WINDOWS, parseIsoDuration, type IsoDuration } from "../azure/durations";
import { LIMITS } from "../azure/limits";
import { checkQuery, checkRuleSize, type KqlProblem } from "../kql/check";
import { brokenConstraints, MAX_LOG_LATENESS, MONITORED_HUBS_PARAMETER, readDetectionFile, renderDetectionQuery, type DetectionDefinition, type EnvironmentProfile } from "./detection";

/**
 * An estimate of a detection's scheduled query rule properties for one profile, larger than the
 * rule the components build: the query, the title, the whole runbook and time to detect as the
 * description, and the condition. Used to keep every rule under 64 KB.
 */
export function estimatedRuleProperties(def: DetectionDefinition, profile: EnvironmentProfile, query: string): object {
    return {
        displayName: def.title,
        description: [def.title, def.runbook.likelyCause, ...def.runbook.whatToCheck, ...def.runbook.fix, def.timeToDetect].join("\n"),
        severity: def.severity[profile],
        enabled: true,
        evaluationFrequency: def.evaluationFrequency,
        windowSize: def.windowSize,
        muteActionsDuration: def.muteActionsDuration,
        autoMitigate: def.autoMitigate,
        criteria: {
            allOf: [
                {
                    query,
                    timeAggregation: def.timeAggregation,
                    metricMeasureColumn: def.measureColumn,
                    resourceIdColumn: def.resourceIdColumn,
                    dimensions: def.dimensions.map((name) => ({ name, operator: "Include", values: ["*"] })),
                    operator: def.operator,
                    threshold: def.threshold,
                    failingPeriods: def.failingPeriods,
                },
            ],
        },
    };
}

/**
 * The problems of a catalog entry on its own: durations Azure allows, a window that covers the
 * frequency plus the 10 minutes logs can be late, a query range of at most two days, at most six
 * hub-level dimensions (none of them a device), the `monitoredHubs` parameter declared, and a
 * time column where more than one evaluation period is looked at. Reported at line 1, column 1.
 */
export function checkDefinition(def: DetectionDefinition): KqlProblem[] {
    const problems: string[] = [];
    const seconds = (d: IsoDuration): number => parseIsoDuration(d) ?? -1;
    const frequency = seconds(def.evaluationFrequency);
    const window = seconds(def.windowSize);
    if (!LOG_ALERT_FREQUENCIES.includes(frequency)) problems.push(`evaluationFrequency ${def.evaluationFrequency} is not one Azure allows`);
    if (!LOG_ALERT_WINDOWS.includes(window)) problems.push(`windowSize ${def.windowSize} is not one Azure allows`);
    if (def.muteActionsDuration !== undefined) {
        const mute = seconds(def.muteActionsDuration);
        if (!LOG_ALERT_MUTE_DURATIONS.includes(mute)) problems.push(`muteActionsDuration ${def.muteActionsDuration} is not one Azure allows (limit ${LIMITS.logAlertMute.id})`);
        if (mute < frequency) problems.push(`muteActionsDuration ${def.muteActionsDuration} is shorter than the evaluation frequency ${def.evaluationFrequency} (limit ${LIMITS.logAlertMuteCoversFrequency.id})`);
        if (def.autoMitigate) problems.push("muteActionsDuration applies only when autoMitigate is false (a stateful rule notifies once per firing)");
    }
    if (def.autoMitigate && frequency > LOG_ALERT_STATEFUL_MAX_FREQUENCY_SECONDS) {
        problems.push(`a stateful rule (autoMitigate true) may not run less often than every ${formatIsoDuration(LOG_ALERT_STATEFUL_MAX_FREQUENCY_SECONDS)}; evaluationFrequency is ${def.evaluationFrequency} (limit ${LIMITS.logAlertStatefulFrequency.id})`);
    }
    if (window < frequency + seconds(MAX_LOG_LATENESS)) {
        problems.push(`windowSize ${def.windowSize} must cover the evaluation frequency ${def.evaluationFrequency} plus ${MAX_LOG_LATENESS} of late logs`);
    }
    const { numberOfEvaluationPeriods: periods, minFailingPeriodsToAlert: failing } = def.failingPeriods;
    const periodLimit = LIMITS.logAlertFailingPeriods.rule;
    if (!Number.isInteger(periods) || periods < periodLimit.min || periods > periodLimit.max || !Number.isInteger(failing) || failing < 1 || failing > periods) {
        problems.push(`failingPeriods ${failing} of ${periods} is not valid; allowed: 1 <= minFailingPeriodsToAlert <= numberOfEvaluationPeriods <= ${periodLimit.max} (limit ${LIMITS.logAlertFailingPeriods.id})`);
    }
    if (window * periods > LOG_ALERT_MAX_QUERY_RANGE_SECONDS) problems.push(`windowSize ${def.windowSize} x ${periods} periods exceeds the ${formatIsoDuration(LOG_ALERT_MAX_QUERY_RANGE_SECONDS)} query range (limit ${LIMITS.logAlertQueryRange.id})`);
    if (periods > 1 && def.timeColumn === undefined) problems.push("more than one evaluation period needs a timeColumn");
    if (def.dimensions.length > LIMITS.logAlertDimensions.rule.max) problems.push(`${def.dimensions.length} dimensions; allowed: at most ${LIMITS.logAlertDimensions.rule.max} (limit ${LIMITS.logAlertDimensions.id})`);
    for (const dimension of def.dimensions) {
        if (/device/i.test(dimension)) problems.push(`dimension "${dimension}" splits by device; allowed: hub-level columns only (every time series is billed)`);
    }
    if (def.dimensions.includes(def.measureColumn)) problems.push(`the measure column "${def.measureColumn}" is also a dimension`);
    problems.push(...brokenConstraints(def, {}, window));
    if (!(MONITORED_HUBS_PARAMETER in def.parameters)) problems.push(`parameters lack "${MONITORED_HUBS_PARAMETER}", which binds the rule to its hub`);
    if (def.timeToDetect.trim() === "" || def.runbook.likelyCause.trim() === "" || def.runbook.whatToCheck.length === 0 || def.runbook.fix.length === 0) {
        problems.push("runbook and timeToDetect must all be filled in");
    }
    return problems.map((message) => ({ line: 1, column: 1, code: "catalog", message: `catalog entry "${def.id}": ${message}` }));
}

/** What {@link checkDetection} checks beside the catalog entry. Every field is optional. */
export interface CheckDetectionOptions {
    /** Parameter values to render with. Default: every parameter's default. */
    readonly values?: Readonly<Record<string, unknown>>;
    /** The `.kql` text to render. Default: the detection's file as checked in. */
    readonly text?: string;
}

/**
 * Renders a catalog entry for one environment profile and checks it: the entry itself
 * ({@link checkDefinition}), the rendered query with the entry's frequency, measure, dimensions,
 * resource id and time column ({@link checkQuery}), that it uses `monitoredHubs`, and the size of the
 * rule's properties ({@link checkRuleSize}). A parameter value the entry refuses is reported as a
 * problem at line 1 with the validation message.
 */
export function checkDetection(def: DetectionDefinition, profile: EnvironmentProfile, options: CheckDetectionOptions = {}): KqlProblem[] {
    const problems = checkDefinition(def);
    let query: string;
    try {
        query = renderDetectionQuery(def, options.values ?? {}, `detections.${def.id}.parameters`, options.text ?? readDetectionFile(def));
    } catch (e) {
        return [...problems, { line: 1, column: 1, code: "catalog", message: `cannot render "${def.id}": ${(e as Error).message}` }];
    }
    problems.push(
        ...checkQuery(query, {
            evaluationFrequency: def.evaluationFrequency,
            measureColumn: def.measureColumn,
            dimensions: def.dimensions,
            resourceIdColumn: def.resourceIdColumn,
            timeColumn: def.timeColumn,
            requiredName: MONITORED_HUBS_PARAMETER,
        }),
    );
    problems.push(...checkRuleSize(estimatedRuleProperties(def, profile, query)));
    return problems;
}
