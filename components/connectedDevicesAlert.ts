import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { requireDuration, requireWindowCoversFrequency, type IsoDuration } from "../azure/durations";
import { hubNameFromId, componentToken, withLegacyAlias } from "./naming";
import { KeptBeside } from "./children";
import { requireTagsInput } from "./tags";
import { LIMITS } from "../azure/limits";
import { requireBoolean, requireInLimit, requireIotHubId, requireOneOf, requireSeverity, ValidationError, type Severity } from "../azure/validation";

/** Name of the IoT Hub platform metric counting connected devices. */
export const CONNECTED_DEVICES_METRIC = "connectedDeviceCount";
/** Metric namespace of IoT Hub. */
export const IOT_HUB_METRIC_NAMESPACE = "Microsoft.Devices/IotHubs";

/** Aggregations a drop alert may use: `connectedDeviceCount` is a snapshot metric (never summed). */
export type DropAggregation = "Minimum" | "Average";

/** The aggregations a drop alert may take. */
export const DROP_AGGREGATIONS: readonly DropAggregation[] = ["Minimum", "Average"];

/**
 * Settings of the connected-devices drop alert, shared by the component and the umbrellas.
 * The threshold is either `threshold` or derived from `expectedConnectedDevices` and
 * `maxDropPercent`: the alert fires when the count falls below
 * `floor(expectedConnectedDevices * (1 - maxDropPercent / 100))`.
 */
export interface ConnectedDevicesAlertSettings {
    /** Fire when the aggregated count is below this number of devices. Give this or `expectedConnectedDevices`. */
    threshold?: number;
    /** Devices normally connected to the hub; with `maxDropPercent` it sets the threshold. */
    expectedConnectedDevices?: number;
    /** Drop below `expectedConnectedDevices`, in percent (1..100), that fires the alert. Default: 20. */
    maxDropPercent?: number;
    /** Aggregation of the metric over the window, `Minimum` or `Average` (checked at run time): `Minimum` catches short drops, `Average` ignores them. Default: `Minimum`. */
    timeAggregation?: string;
    /** Window of the metric the condition looks at. Default: `PT5M`. */
    windowSize?: IsoDuration;
    /** How often the alert is evaluated. Default: `PT1M`. */
    evaluationFrequency?: IsoDuration;
    /** Alert severity, a whole number from 0 (critical) to 4 (verbose) (checked at run time). Default: the profile's (dev 3, staging 2, prod 1). */
    severity?: number;
    /** Whether Azure resolves the alert when the count recovers. Default: `true`. */
    autoMitigate?: boolean;
}

/** Arguments of `ConnectedDevicesDropAlert`. */
export interface ConnectedDevicesDropAlertArgs extends ConnectedDevicesAlertSettings {
    /** Resource group of the alert rule. Required. */
    resourceGroupName: pulumi.Input<string>;
    /** Resource id of the IoT Hub whose metric is watched, as a plain string. Required. */
    hubResourceId: string;
    /** Action groups to notify. Default: none (the alert fires silently; the policy pack flags this). */
    actionGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Tags of the alert rule. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Lines appended to the alert's description, e.g. the triage workbook's link; a line may be an
     * output known only at deployment, and the description then waits for it. Default: none.
     */
    descriptionExtraLines?: pulumi.Input<string>[];
}

/** The resolved condition of a drop alert, for tables and reports. */
export interface DropAlertCondition {
    /** The metric watched: `connectedDeviceCount`. */
    readonly metricName: string;
    /** Always `LessThan`: the alert fires on a drop. */
    readonly operator: "LessThan";
    /** How the metric is aggregated over the window. */
    readonly timeAggregation: DropAggregation;
    /** Devices below which the alert fires. */
    readonly threshold: number;
    /** The window of the metric each evaluation looks at. */
    readonly windowSize: IsoDuration;
    /** How often the alert is evaluated. */
    readonly evaluationFrequency: IsoDuration;
    /** Severity 0..4. */
    readonly severity: Severity;
    /** Whether Azure resolves the alert when the count recovers. */
    readonly autoMitigate: boolean;
}

/**
 * Validates each drop-alert setting that is present, without requiring a threshold: for checking
 * a partial set (e.g. fleet-wide defaults that hubs complete). `field` prefixes error paths.
 */
export function validateDropAlertFields(field: string, s: ConnectedDevicesAlertSettings): void {
    if (s.evaluationFrequency !== undefined) requireDuration(`${field}.evaluationFrequency`, s.evaluationFrequency, LIMITS.metricAlertFrequency);
    if (s.windowSize !== undefined) requireDuration(`${field}.windowSize`, s.windowSize, LIMITS.metricAlertWindow);
    if (s.timeAggregation !== undefined) requireOneOf(`${field}.timeAggregation`, s.timeAggregation, DROP_AGGREGATIONS);
    if (s.severity !== undefined) requireSeverity(`${field}.severity`, s.severity);
    if (s.autoMitigate !== undefined) requireBoolean(`${field}.autoMitigate`, s.autoMitigate);
    if (s.threshold !== undefined) requireInLimit(`${field}.threshold`, s.threshold, LIMITS.connectedDevicesThreshold);
    if (s.expectedConnectedDevices !== undefined) requireInLimit(`${field}.expectedConnectedDevices`, s.expectedConnectedDevices, LIMITS.connectedDevicesThreshold);
    if (s.maxDropPercent !== undefined) requireInLimit(`${field}.maxDropPercent`, s.maxDropPercent, LIMITS.dropPercent);
}

/** Validates drop-alert settings and resolves the threshold; throws a named error for bad input. `field` prefixes error paths. */
export function resolveDropAlertCondition(field: string, s: ConnectedDevicesAlertSettings): DropAlertCondition {
    validateDropAlertFields(field, s);
    const evaluationFrequency = requireDuration(`${field}.evaluationFrequency`, s.evaluationFrequency ?? "PT1M", LIMITS.metricAlertFrequency);
    const windowSize = requireDuration(`${field}.windowSize`, s.windowSize ?? "PT5M", LIMITS.metricAlertWindow);
    requireWindowCoversFrequency(`${field}.windowSize`, windowSize, evaluationFrequency);
    const timeAggregation = requireOneOf(`${field}.timeAggregation`, s.timeAggregation ?? "Minimum", DROP_AGGREGATIONS);
    const severity = requireSeverity(`${field}.severity`, s.severity ?? 2);
    const autoMitigate = s.autoMitigate ?? true;
    let threshold: number;
    if (s.threshold !== undefined) {
        if (s.expectedConnectedDevices !== undefined || s.maxDropPercent !== undefined) {
            throw new ValidationError(`${field}.threshold`, s.threshold, "allowed: either threshold or expectedConnectedDevices with maxDropPercent, not both");
        }
        threshold = s.threshold;
    } else if (s.expectedConnectedDevices !== undefined) {
        const expected = s.expectedConnectedDevices;
        const pct = s.maxDropPercent ?? 20;
        threshold = Math.floor(expected * (1 - pct / 100));
        if (threshold < 1) {
            throw new ValidationError(
                `${field}.maxDropPercent`,
                pct,
                `allowed: a percent that leaves a threshold of at least 1 device (with ${expected} expected devices, ${pct}% gives ${threshold}, which never fires)`,
            );
        }
    } else {
        throw new ValidationError(`${field}.threshold`, undefined, "allowed: a threshold (devices), or expectedConnectedDevices with maxDropPercent");
    }
    return { metricName: CONNECTED_DEVICES_METRIC, operator: "LessThan", timeAggregation, threshold, windowSize, evaluationFrequency, severity, autoMitigate };
}

/** The alert description: what the drop means (symptom 3), what to check and what fixes it, then `extraLines` (e.g. the workbook link). */
export function dropAlertDescription(hubName: string, c: DropAlertCondition, extraLines: readonly string[] = []): string {
    return [
        `Connected devices on IoT Hub ${hubName} fell below ${c.threshold} (${c.timeAggregation} of ${CONNECTED_DEVICES_METRIC} over ${c.windowSize}).`,
        "Likely cause (404104 symptom 3): many devices disconnected at once; with more 404104 DeviceConnectionClosedRemotely and 500xxx errors in the Connections logs this is a transient IoT Hub problem; without them, look for a network or device-side outage.",
        "Check: if the Resource Health alert fired for this hub, it is the platform: wait, do not redeploy devices; the Service Health alert (IoT Hub) names incidents and maintenance in the region; then the mass-disconnect log alert and 500xxx errors for the same minutes, and whether devices reconnect within minutes.",
        "Fix: devices should retry with exponential back-off (the Azure IoT device SDKs do); follow the 500xxx internal-error guidance; open a support case with the hub id and time range if the drop lasts.",
        ...extraLines,
    ].join("\n");
}

/**
 * A metric alert on an IoT Hub's `connectedDeviceCount` that fires when the count drops: a
 * static `LessThan` on `Minimum` (dynamic thresholds are not supported on this metric), window
 * PT5M and frequency PT1M by default. Its description tells the on-call person what the drop
 * means and what to check.
 */
/** The resolved condition of each `ConnectedDevicesDropAlert`, kept beside it. */
const DROP_CONDITIONS = new KeptBeside<DropAlertCondition>();

export class ConnectedDevicesDropAlert extends pulumi.ComponentResource {
    /** The metric alert rule. */
    public readonly alert: monitor.MetricAlert;
    /** Resource id of the metric alert rule. */
    public readonly alertId: pulumi.Output<string>;

    constructor(name: string, args: ConnectedDevicesDropAlertArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentToken("ConnectedDevicesDropAlert"), name, {}, withLegacyAlias("ConnectedDevicesDropAlert", opts));
        requireTagsInput("ConnectedDevicesDropAlertArgs.tags", args.tags);
        const field = "ConnectedDevicesDropAlertArgs";
        const hub = requireIotHubId(`${field}.hubResourceId`, args.hubResourceId);
        const c = resolveDropAlertCondition(field, args);
        DROP_CONDITIONS.keep(this, c);
        const hubName = hubNameFromId(hub.id);
        const extraLines = args.descriptionExtraLines ?? [];
        const description = extraLines.every((line): line is string => typeof line === "string")
            ? dropAlertDescription(hubName, c, extraLines)
            : pulumi.all([...extraLines]).apply((lines) => dropAlertDescription(hubName, c, lines));
        this.alert = new monitor.MetricAlert(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: "global",
                description,
                enabled: true,
                scopes: [hub.id],
                severity: c.severity,
                evaluationFrequency: c.evaluationFrequency,
                windowSize: c.windowSize,
                autoMitigate: c.autoMitigate,
                targetResourceType: IOT_HUB_METRIC_NAMESPACE,
                criteria: {
                    odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                    allOf: [
                        {
                            criterionType: "StaticThresholdCriterion",
                            name: "ConnectedDevicesDrop",
                            metricName: CONNECTED_DEVICES_METRIC,
                            metricNamespace: IOT_HUB_METRIC_NAMESPACE,
                            operator: c.operator,
                            timeAggregation: c.timeAggregation,
                            threshold: c.threshold,
                        },
                    ],
                },
                // A plain list maps element by element, so a preview sees each action even before its id is known.
                actions: Array.isArray(args.actionGroupIds)
                    ? args.actionGroupIds.map((actionGroupId) => ({ actionGroupId }))
                    : pulumi.output(args.actionGroupIds ?? []).apply((ids) => ids.map((actionGroupId) => ({ actionGroupId }))),
                tags: args.tags,
            },
            { parent: this },
        );
        this.alertId = this.alert.id;
        this.registerOutputs({ alertId: this.alertId });
    }

    /** The resolved condition (threshold, aggregation, window, frequency, severity). */
    get condition(): DropAlertCondition {
        return DROP_CONDITIONS.of(this);
    }
}
