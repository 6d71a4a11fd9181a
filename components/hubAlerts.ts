import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { DETECTIONS } from "../queries/catalog";
import type { EnvironmentProfile } from "../queries/detection";
import { ConnectedDevicesDropAlert, resolveDropAlertCondition, type ConnectedDevicesAlertSettings } from "./connectedDevicesAlert";
import { detectionDescription, resolveDetectionRule, scheduledQueryRuleArgs, type DetectionSettings, type ResolvedDetectionRule } from "./detectionRule";
import { HubDiagnostics, validateDiagnosticsOptions, type HubDiagnosticsOptions } from "./hubDiagnostics";
import { hubNameFromId, componentToken, withLegacyAlias } from "./naming";
import { KeptBeside } from "./children";
import { requireTagsInput } from "./tags";
import { ENVIRONMENT_PROFILES, PROFILE_DEFAULTS } from "./profiles";
import { requireBoolean, requireIotHubId, requireOneOf, ValidationError } from "../azure/validation";

/** Settings of the connected-devices drop alert as the umbrellas take them: the alert's settings plus an on/off switch. */
export interface ConnectedDevicesAlertOptions extends ConnectedDevicesAlertSettings {
    /** Whether the drop alert is created. Default: `true` (then a threshold or `expectedConnectedDevices` is required). */
    enabled?: boolean;
}


/** Per-detection settings keyed by detection id (`periodic-disconnect`, `mass-disconnect`, ...). */
export type DetectionSettingsMap = Record<string, DetectionSettings>;

/**
 * The drop-alert settings a hub gets under a profile: the profile's severity, and its drop percent
 * when the threshold is derived from the expected device count. The `enabled` switch is dropped.
 */
export function dropAlertSettingsForProfile(options: ConnectedDevicesAlertOptions, profile: EnvironmentProfile): ConnectedDevicesAlertSettings {
    const { enabled: _enabled, ...settings } = options;
    const defaults = PROFILE_DEFAULTS[profile];
    return {
        severity: defaults.connectedDevicesSeverity,
        ...settings,
        maxDropPercent: settings.threshold === undefined ? (settings.maxDropPercent ?? defaults.maxDropPercent) : settings.maxDropPercent,
    };
}

/** What `HubAlerts.resolvedRules` show in place of a description line that is known only at deployment. */
export const DEPLOYMENT_TIME_LINE = "(a line filled in at deployment, e.g. the triage workbook link)";

/** Arguments of `HubAlerts`: one hub and the shared workspace and action groups it reports to. */
export interface HubAlertsArgs {
    /** Resource id of the IoT Hub, as a plain string. Required. */
    hubResourceId: string;
    /** Resource group of the alert rules. Required. */
    resourceGroupName: pulumi.Input<string>;
    /** Region of the log search alert rules (normally the workspace's). Required. */
    location: pulumi.Input<string>;
    /** Environment profile that sets severities and defaults: `dev`, `staging` or `prod` (checked at run time). Default: `prod`. */
    profile?: string;
    /** Resource id of the Log Analytics workspace. Required. */
    workspaceId: pulumi.Input<string>;
    /** Action groups the alerts notify. Default: none. */
    actionGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Per-detection overrides; unknown ids are refused. Default: every detection enabled with catalog settings. */
    detections?: DetectionSettingsMap;
    /** The connected-devices drop alert. Default: enabled, severity and drop percent from the profile; needs a threshold or expected count. */
    connectedDevicesAlert?: ConnectedDevicesAlertOptions;
    /** The hub's diagnostic setting. Default: `Connections` and `AllMetrics` under the name `iothub-404104-monitoring`. */
    diagnostics?: HubDiagnosticsOptions;
    /**
     * Extra lines for every alert description, log alerts and the drop alert (e.g. the triage workbook's link). A line may be an
     * output known only at deployment (a resource id Azure assigns): the rule's description then waits
     * for it, and `HubAlerts.resolvedRules` carry `DEPLOYMENT_TIME_LINE` in its place.
     * Default: none.
     */
    descriptionExtraLines?: pulumi.Input<string>[];
    /** Tags of every alert rule. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Prefix of error paths, so messages name the caller's config key. Default: `HubAlertsArgs`. */
    errorPath?: string;
}

/** What one hub's settings resolve to, before any resource is made: see `planHubAlerts`. */
export interface HubAlertsPlan {
    /** The hub's resource id, as validated. */
    readonly hubResourceId: string;
    /** The environment profile. */
    readonly profile: EnvironmentProfile;
    /** The drop alert's settings with the profile's defaults, unless the alert is disabled. */
    readonly dropAlert?: ConnectedDevicesAlertSettings;
    /** The enabled detections' rules, in catalog order, with `DEPLOYMENT_TIME_LINE` for description lines known only at deployment. */
    readonly rules: readonly ResolvedDetectionRule[];
    /** Ids of detections turned off by settings. */
    readonly disabledDetections: readonly string[];
}

/**
 * Validates every setting of one hub (hub id, profile, diagnostic setting, drop alert, each
 * detection's overrides) and resolves its rules, without making a resource: the umbrellas call it
 * for every hub before they make anything, so a bad setting of the last hub is refused before the
 * workspace of the first is registered. Throws a named error (prefixed with `errorPath`).
 */
export function planHubAlerts(args: Omit<HubAlertsArgs, "resourceGroupName" | "location" | "workspaceId" | "actionGroupIds" | "tags">): HubAlertsPlan {
    const field = args.errorPath ?? "HubAlertsArgs";
    const hub = requireIotHubId(`${field}.hubResourceId`, args.hubResourceId);
    const profile = requireOneOf(`${field}.profile`, args.profile ?? "prod", ENVIRONMENT_PROFILES);
    const settings = args.detections ?? {};
    for (const id of Object.keys(settings)) {
        if (!DETECTIONS.some((d) => d.id === id)) {
            throw new ValidationError(`${field}.detections.${id}`, id, `unknown detection; allowed: ${DETECTIONS.map((d) => d.id).join(", ")}`);
        }
    }
    validateDiagnosticsOptions(`${field}.diagnostics`, args.diagnostics ?? {});

    const drop = args.connectedDevicesAlert ?? {};
    let dropAlert: ConnectedDevicesAlertSettings | undefined;
    if (requireBoolean(`${field}.connectedDevicesAlert.enabled`, drop.enabled ?? true)) {
        dropAlert = dropAlertSettingsForProfile(drop, profile);
        // Validated under the caller's path, so an error names the config key rather than the component's argument.
        resolveDropAlertCondition(`${field}.connectedDevicesAlert`, dropAlert);
    }

    const plainLines = (args.descriptionExtraLines ?? []).map((line) => (typeof line === "string" ? line : DEPLOYMENT_TIME_LINE));
    const rules: ResolvedDetectionRule[] = [];
    const disabledDetections: string[] = [];
    for (const detection of DETECTIONS) {
        const { enabled, ...ruleSettings } = settings[detection.id] ?? {};
        const ruleField = `${field}.detections.${detection.id}`;
        if (!requireBoolean(`${ruleField}.enabled`, enabled ?? true)) disabledDetections.push(detection.id);
        else rules.push(resolveDetectionRule(ruleField, detection, hub.id, profile, ruleSettings, plainLines));
    }
    return { hubResourceId: hub.id, profile, dropAlert, rules, disabledDetections };
}

/**
 * Everything one hub needs: its diagnostic setting to the workspace, the connected-devices drop
 * alert on its metric, and one log search alert per enabled detection of the catalog.
 */
/** A `HubAlerts`' child components and resolved rules, kept beside it. */
const HUB_ALERTS_KEPT = new KeptBeside<{ diagnostics: HubDiagnostics; connectedDevicesAlert?: ConnectedDevicesDropAlert; resolvedRules: readonly ResolvedDetectionRule[] }>();

export class HubAlerts extends pulumi.ComponentResource {
    /** Resource id of the hub. */
    public readonly hubResourceId: string;
    /** Name of the hub. */
    public readonly hubName: string;
    /** Resource id of the diagnostic setting. */
    public readonly diagnosticSettingId: pulumi.Output<string>;
    /** Resource id of the drop alert, unless disabled. */
    public readonly connectedDevicesAlertId?: pulumi.Output<string>;
    /** Log search alert rules by detection id (enabled detections only). */
    public readonly rules: Record<string, monitor.ScheduledQueryRule>;
    /** Resource ids of the log search alert rules by detection id. */
    public readonly ruleIds: Record<string, pulumi.Output<string>>;
    /** Ids of detections turned off by settings. */
    public readonly disabledDetections: string[];

    constructor(name: string, args: HubAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentToken("HubAlerts"), name, {}, withLegacyAlias("HubAlerts", opts));
        requireTagsInput("HubAlertsArgs.tags", args.tags);
        // Everything is validated before the first child is registered.
        const plan = planHubAlerts(args);
        const hub = { id: plan.hubResourceId };
        this.hubResourceId = hub.id;
        this.hubName = hubNameFromId(hub.id);

        const diagnostics = new HubDiagnostics(`${name}-diagnostics`, { ...args.diagnostics, hubResourceId: hub.id, workspaceId: args.workspaceId }, { parent: this });
        this.diagnosticSettingId = diagnostics.settingId;
        let connectedDevicesAlert: ConnectedDevicesDropAlert | undefined;
        const actionGroupIds = args.actionGroupIds ?? [];

        if (plan.dropAlert) {
            connectedDevicesAlert = new ConnectedDevicesDropAlert(
                `${name}-connected-devices-drop`,
                { ...plan.dropAlert, resourceGroupName: args.resourceGroupName, hubResourceId: hub.id, actionGroupIds, tags: args.tags, descriptionExtraLines: args.descriptionExtraLines },
                { parent: this },
            );
            this.connectedDevicesAlertId = connectedDevicesAlert.alertId;
        }

        const rules: Record<string, monitor.ScheduledQueryRule> = {};
        const ruleIds: Record<string, pulumi.Output<string>> = {};
        const extraLines = args.descriptionExtraLines ?? [];
        const deploymentTimeLines = extraLines.some((line) => typeof line !== "string");
        for (const rule of plan.rules) {
            const detection = rule.detection;
            const ruleArgs = scheduledQueryRuleArgs(rule, {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                workspaceId: args.workspaceId,
                actionGroupIds,
                tags: args.tags,
            });
            if (deploymentTimeLines) {
                // The rule's size was checked with the stand-in line; a link is far below the 64 KB limit.
                ruleArgs.description = pulumi.all([...extraLines]).apply((lines) => detectionDescription(detection, rule.hubName, lines));
            }
            rules[detection.id] = new monitor.ScheduledQueryRule(`${name}-${detection.id}`, ruleArgs, { parent: this, dependsOn: [diagnostics] });
            ruleIds[detection.id] = rules[detection.id].id;
        }
        this.rules = rules;
        this.ruleIds = ruleIds;
        this.disabledDetections = [...plan.disabledDetections];
        HUB_ALERTS_KEPT.keep(this, { diagnostics, connectedDevicesAlert, resolvedRules: plan.rules });
        this.registerOutputs({ diagnosticSettingId: this.diagnosticSettingId, connectedDevicesAlertId: this.connectedDevicesAlertId, ruleIds });
    }

    /** The hub's diagnostic setting component. */
    get diagnostics(): HubDiagnostics {
        return HUB_ALERTS_KEPT.of(this).diagnostics;
    }
    /** The connected-devices drop alert component; absent when disabled. */
    get connectedDevicesAlert(): ConnectedDevicesDropAlert | undefined {
        return HUB_ALERTS_KEPT.of(this).connectedDevicesAlert;
    }
    /** The resolved rules (query, condition, schedule) in catalog order, for previews and reports. */
    get resolvedRules(): readonly ResolvedDetectionRule[] {
        return HUB_ALERTS_KEPT.of(this).resolvedRules;
    }
}
