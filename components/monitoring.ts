/**
 * The umbrellas: `HubMonitoring` for one hub and `FleetMonitoring` for many hubs
 * sharing one workspace and one action group, each hub with its own diagnostic setting and alerts.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { EnvironmentProfile } from "../queries/detection";
import { AlertNotifications, type NotificationOptions } from "./notifications";
import { DEPLOYMENT_TIME_LINE, HubAlerts, planHubAlerts, type HubAlertsArgs, type ConnectedDevicesAlertOptions, type DetectionSettingsMap } from "./hubAlerts";
import type { HubDiagnosticsOptions } from "./hubDiagnostics";
import { hubNameFromId, componentToken, withLegacyAlias } from "./naming";
import { ENVIRONMENT_PROFILES, PROFILE_DEFAULTS } from "./profiles";
import { MonitoringWorkspace, type WorkspaceOptions } from "./workspace";
import { requireBoolean, requireIotHubId, requireKnownKeys, requireNonEmptyString, requireOneOf, requireUnique, ValidationError } from "../azure/validation";
import { requireTagsInput } from "./tags";
import { KeptBeside } from "./children";
import { PlatformHealthAlerts, validatePlatformHealthOptions, type PlatformHealthOptions } from "./platformHealth";
import { mergeDetectionParameters } from "./detectionRule";
import { TriageWorkbook, workbookDescriptionLine } from "./workbook";

/** The triage workbook as the umbrellas take it. */
export interface WorkbookOptions {
    /**
     * Whether the triage workbook is created and linked from every alert's description. Default:
     * `true` (a workbook costs nothing to keep and its link saves the on-call person the search).
     */
    enabled?: boolean;
    /** The workbook's display name in the portal. Default: `IoT Hub 404104 triage`. */
    displayName?: string;
}

/** The keys a `WorkbookOptions` object may have. */
export const WORKBOOK_OPTION_KEYS: readonly string[] = ["enabled", "displayName"];

/** Validates workbook options (known keys, `enabled` a boolean, `displayName` a non-empty string); `field` prefixes error paths. Returns whether the workbook is enabled. */
export function validateWorkbookOptions(field: string, options: WorkbookOptions | undefined): boolean {
    if (options === undefined) return true;
    requireKnownKeys(field, options, WORKBOOK_OPTION_KEYS);
    if (options.displayName !== undefined) requireNonEmptyString(`${field}.displayName`, options.displayName);
    return requireBoolean(`${field}.enabled`, options.enabled ?? true);
}

/** Arguments the one-hub and fleet umbrellas share. */
export interface MonitoringSharedArgs {
    /** Resource group of everything created (workspace, action group, alert rules). Required. */
    resourceGroupName: pulumi.Input<string>;
    /** Region of the workspace and the log search alert rules. Required. */
    location: pulumi.Input<string>;
    /** Environment profile that sets severities, drop percent, retention and whether receivers are required: `dev`, `staging` or `prod` (checked at run time). Default: `prod`. */
    profile?: string;
    /** The Log Analytics workspace. Default: a created `PerGB2018` workspace with the profile's retention, retained on delete. */
    workspace?: WorkspaceOptions;
    /** Receivers of the alerts. Default: none, which the `staging` and `prod` profiles refuse. */
    notifications?: NotificationOptions;
    /** Per-detection overrides by detection id. Default: every detection enabled with catalog settings. */
    detections?: DetectionSettingsMap;
    /** The connected-devices drop alert. Default: enabled with the profile's severity and drop percent; needs a threshold or expected count. */
    connectedDevicesAlert?: ConnectedDevicesAlertOptions;
    /** Each hub's diagnostic setting. Default: `Connections` and `AllMetrics` as `iothub-404104-monitoring`. */
    diagnostics?: HubDiagnosticsOptions;
    /** The 404104 triage workbook on the monitored hubs, linked from every alert's description. Default: created, named `IoT Hub 404104 triage`. */
    workbook?: WorkbookOptions;
    /** Tags of every created resource that takes tags. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** The Resource Health and Service Health alerts of the hubs (activity log alerts, free). Default: both made, Degraded and Unavailable, every region. */
    platformHealth?: PlatformHealthOptions;
}

/** The resources an umbrella shares across its hubs. */
export interface SharedResources {
    /** The environment profile. */
    readonly profile: EnvironmentProfile;
    /** The workspace component. */
    readonly workspace: MonitoringWorkspace;
    /** The notification component, when receivers were given. */
    readonly notifications?: AlertNotifications;
    /** Action groups every alert notifies, as one output. */
    readonly actionGroupIds: pulumi.Output<string[]>;
    /** The action group ids as a list of outputs, for the alert rules (see `AlertNotifications.actionGroupIdList`). */
    readonly actionGroupIdList: pulumi.Output<string>[];
    /** The triage workbook, unless disabled. */
    readonly workbook?: TriageWorkbook;
    /** Lines every alert's description ends with (the workbook link). */
    readonly descriptionExtraLines: readonly pulumi.Input<string>[];
    /** The Resource Health and Service Health alerts, unless disabled. */
    readonly platformHealth?: PlatformHealthAlerts;
}

/** Validates the umbrella's own settings that decide what it makes (profile, workbook, receivers the profile requires); `field` prefixes error paths. */
function validateSharedArgs(args: MonitoringSharedArgs, field: string): { profile: EnvironmentProfile; workbookEnabled: boolean } {
    const profile = requireOneOf(`${field}.profile`, args.profile ?? "prod", ENVIRONMENT_PROFILES);
    // Checked before anything is registered (the alerts are made after the workspace and the action group).
    validatePlatformHealthOptions(`${field}.platformHealth`, args.platformHealth);
    const workbookEnabled = validateWorkbookOptions(`${field}.workbook`, args.workbook);
    requireTagsInput(`${field}.tags`, args.tags);
    requireTagsInput(`${field}.workspace.tags`, args.workspace?.tags);
    requireTagsInput(`${field}.notifications.tags`, args.notifications?.tags);
    requireProfileReceivers(`${field}.notifications`, profile, args.notifications, "secureWebhook");
    return { profile, workbookEnabled };
}

/**
 * The profile's rules for the receivers at `field` (`secureWebhookKey` names where a secure webhook
 * goes, as the caller's user writes it): a profile that requires a secure webhook refuses plain
 * webhooks (as the policy pack's secure-webhooks-in-prod does), and one that requires receivers
 * refuses none (`given` is what the user wrote there, shown in that error). Used by the umbrellas and
 * by the stack-file parser, each with its own paths.
 */
export function requireProfileReceivers(field: string, profile: EnvironmentProfile, notifications: NotificationOptions | undefined, secureWebhookKey: string, given?: unknown): void {
    const webhooks = notifications?.webhooks ?? [];
    if (PROFILE_DEFAULTS[profile].requireSecureWebhook && webhooks.length > 0) {
        throw new ValidationError(`${field}.webhooks`, webhooks.map((w) => w.name), `the "${profile}" profile requires secure webhooks: give the endpoint as ${secureWebhookKey} (an Entra ID application), as the policy pack's secure-webhooks-in-prod requires`);
    }
    if (PROFILE_DEFAULTS[profile].requireReceivers && notifications === undefined) {
        throw new ValidationError(field, given, `the "${profile}" profile requires at least one receiver (emails, webhooks, secureWebhook) or existingActionGroupIds`);
    }
}

/** Makes what the hubs share; `validated` is what `validateSharedArgs` returned for `args`. */
function createShared(
    parent: pulumi.ComponentResource,
    name: string,
    args: MonitoringSharedArgs,
    field: string,
    hubIds: readonly string[],
    validated: { profile: EnvironmentProfile; workbookEnabled: boolean },
): SharedResources {
    const { profile, workbookEnabled } = validated;
    const defaults = PROFILE_DEFAULTS[profile];
    const workspaceOptions = args.workspace ?? {};
    const workspace = new MonitoringWorkspace(
        `${name}-workspace`,
        {
            ...workspaceOptions,
            retentionInDays: workspaceOptions.existingWorkspaceId === undefined ? (workspaceOptions.retentionInDays ?? defaults.retentionInDays) : undefined,
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            tags: workspaceOptions.tags ?? args.tags,
        },
        { parent },
    );
    const notifications = args.notifications
        ? new AlertNotifications(`${name}-alerts`, { ...args.notifications, resourceGroupName: args.resourceGroupName, tags: args.notifications.tags ?? args.tags }, { parent })
        : undefined;
    const workbook = workbookEnabled
        ? new TriageWorkbook(
              `${name}-workbook`,
              {
                  resourceGroupName: args.resourceGroupName,
                  location: args.location,
                  workspaceId: workspace.workspaceId,
                  hubResourceIds: [...hubIds],
                  displayName: args.workbook?.displayName,
                  tags: args.tags,
                  detections: args.detections,
                  detectionsErrorPath: `${field}.detections`,
                  errorPath: `${field}.workbook`,
              },
              { parent },
          )
        : undefined;
    const health = args.platformHealth ?? {};
    const platformHealth = requireBoolean(`${field}.platformHealth.enabled`, health.enabled ?? true)
        ? new PlatformHealthAlerts(
              `${name}-platform-health`,
              {
                  resourceGroupName: args.resourceGroupName,
                  hubResourceIds: [...hubIds],
                  actionGroupIds: notifications ? notifications.actionGroupIdList : [],
                  profile,
                  includeUnknown: health.includeUnknown,
                  regions: health.regions,
                  serviceHealth: health.serviceHealth,
                  tags: args.tags,
                  errorPath: `${field}.platformHealth`,
              },
              { parent },
          )
        : undefined;
    return {
        platformHealth,
        profile,
        workspace,
        notifications,
        actionGroupIds: notifications ? notifications.actionGroupIds : pulumi.output([]),
        actionGroupIdList: notifications ? notifications.actionGroupIdList : [],
        workbook,
        descriptionExtraLines: workbook ? [workbook.portalLink.apply(workbookDescriptionLine)] : [],
    };
}

/** What an umbrella made: the shared resources and the arguments every hub's `HubAlerts` shares. */
interface Umbrella {
    readonly shared: SharedResources;
    readonly hubArgs: Pick<HubAlertsArgs, "resourceGroupName" | "location" | "profile" | "workspaceId" | "actionGroupIds" | "descriptionExtraLines" | "tags">;
}

/**
 * Checks everything an umbrella will make before it registers anything: its own settings and every
 * hub's. A bad value of the last hub must not leave the workspace, action group or Entra ID
 * application of a half-made stack behind.
 */
function validateUmbrella(args: MonitoringSharedArgs, field: string, hubs: readonly HubSettings[]): { profile: EnvironmentProfile; workbookEnabled: boolean } {
    const validated = validateSharedArgs(args, field);
    const extraLines = validated.workbookEnabled ? [DEPLOYMENT_TIME_LINE] : [];
    for (const hub of hubs) planHubAlerts({ ...hub, profile: validated.profile, descriptionExtraLines: extraLines });
    return validated;
}

/** Makes what an umbrella's hubs share, as children of `parent`, and the arguments each hub's alerts take. */
function buildUmbrella(parent: pulumi.ComponentResource, name: string, args: MonitoringSharedArgs, field: string, hubs: readonly HubSettings[], validated: { profile: EnvironmentProfile; workbookEnabled: boolean }): Umbrella {
    const shared = createShared(parent, name, args, field, hubs.map((h) => h.hubResourceId), validated);
    return {
        shared,
        hubArgs: {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            profile: shared.profile,
            workspaceId: shared.workspace.workspaceId,
            actionGroupIds: shared.actionGroupIdList,
            descriptionExtraLines: [...shared.descriptionExtraLines],
            tags: args.tags,
        },
    };
}

/** An umbrella's child components, kept beside it (see `KeptBeside`) and reached through its getters. */
const UMBRELLA_CHILDREN = new KeptBeside<{ shared: SharedResources; hubs: Record<string, HubAlerts> }>();

/** One hub's own settings as an umbrella passes them to its `HubAlerts`. */
export type HubSettings = Pick<HubAlertsArgs, "hubResourceId" | "detections" | "connectedDevicesAlert" | "diagnostics" | "errorPath">;

/** Arguments of `HubMonitoring`: one hub plus the shared arguments. */
export interface HubMonitoringArgs extends MonitoringSharedArgs {
    /** Resource id of the IoT Hub to monitor, as a plain string. Required. */
    hubResourceId: string;
}

/**
 * 404104 monitoring for one IoT Hub: a Log Analytics workspace (or an existing one), the hub's
 * diagnostic setting sending `Connections`, an action group, a connected-devices drop alert,
 * one log search alert per symptom detection and the triage workbook its alerts link to.
 */
export class HubMonitoring extends pulumi.ComponentResource {
    /** Resource id of the workspace the logs go to (created or existing). */
    public readonly workspaceId: pulumi.Output<string>;
    /** Resource ids of the action groups every alert notifies (created and existing); empty without receivers. */
    public readonly actionGroupIds: pulumi.Output<string[]>;
    /** The portal link of the triage workbook; absent when the workbook is disabled. */
    public readonly workbookLink?: pulumi.Output<string>;
    /** Resource ids of the Resource Health alerts, by subscription id; empty when platform health is off. */
    public readonly resourceHealthAlertIds: Record<string, pulumi.Output<string>>;
    /** Resource ids of the Service Health alerts, by subscription id; empty when platform health or the Service Health alert is off. */
    public readonly serviceHealthAlertIds: Record<string, pulumi.Output<string>>;
    /** Resource id of the hub's diagnostic setting. */
    public readonly diagnosticSettingId: pulumi.Output<string>;
    /** Resource id of the connected-devices drop alert; absent when the alert is disabled. */
    public readonly connectedDevicesAlertId?: pulumi.Output<string>;
    /** Resource ids of the log search alert rules by detection id (enabled detections only). */
    public readonly ruleIds: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: HubMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        const field = "HubMonitoringArgs";
        const hub: HubSettings = {
            hubResourceId: requireIotHubId(`${field}.hubResourceId`, args.hubResourceId).id,
            detections: args.detections,
            connectedDevicesAlert: args.connectedDevicesAlert,
            diagnostics: args.diagnostics,
            errorPath: field,
        };
        const validated = validateUmbrella(args, field, [hub]);
        super(componentToken("HubMonitoring"), name, {}, withLegacyAlias("HubMonitoring", opts));
        const { shared, hubArgs } = buildUmbrella(this, name, args, field, [hub], validated);
        const alerts = new HubAlerts(`${name}-hub`, { ...hubArgs, ...hub }, { parent: this });
        UMBRELLA_CHILDREN.keep(this, { shared, hubs: { [alerts.hubName]: alerts } });
        this.workspaceId = shared.workspace.workspaceId;
        this.actionGroupIds = shared.actionGroupIds;
        this.workbookLink = shared.workbook?.portalLink;
        this.resourceHealthAlertIds = shared.platformHealth?.resourceHealthAlertIds ?? {};
        this.serviceHealthAlertIds = shared.platformHealth?.serviceHealthAlertIds ?? {};
        this.diagnosticSettingId = alerts.diagnosticSettingId;
        this.connectedDevicesAlertId = alerts.connectedDevicesAlertId;
        this.ruleIds = alerts.ruleIds;
        this.registerOutputs({
            workspaceId: this.workspaceId,
            actionGroupIds: this.actionGroupIds,
            diagnosticSettingId: this.diagnosticSettingId,
            connectedDevicesAlertId: this.connectedDevicesAlertId,
            ruleIds: this.ruleIds,
            workbookLink: this.workbookLink,
            resourceHealthAlertIds: this.resourceHealthAlertIds,
            serviceHealthAlertIds: this.serviceHealthAlertIds,
        });
    }

    /** The workspace component (created, or standing for an existing workspace). */
    get workspace(): MonitoringWorkspace {
        return UMBRELLA_CHILDREN.of(this).shared.workspace;
    }
    /** The notification component; absent without receivers. */
    get notifications(): AlertNotifications | undefined {
        return UMBRELLA_CHILDREN.of(this).shared.notifications;
    }
    /** The triage workbook; absent when disabled. */
    get workbook(): TriageWorkbook | undefined {
        return UMBRELLA_CHILDREN.of(this).shared.workbook;
    }
    /** The Resource Health and Service Health alerts; absent when disabled. */
    get platformHealth(): PlatformHealthAlerts | undefined {
        return UMBRELLA_CHILDREN.of(this).shared.platformHealth;
    }
    /** The hub's diagnostic setting and alerts. */
    get hub(): HubAlerts {
        return Object.values(UMBRELLA_CHILDREN.of(this).hubs)[0];
    }
}

/** One hub of a fleet with its own overrides, merged over the fleet's settings. */
export interface FleetHubOptions {
    /** Resource id of the IoT Hub, as a plain string. Required. */
    hubResourceId: string;
    /** Per-detection overrides for this hub, merged field by field over the fleet's. Default: the fleet's. */
    detections?: DetectionSettingsMap;
    /** Drop-alert settings for this hub; a `threshold` or `expectedConnectedDevices` here replaces the fleet's. Default: the fleet's. */
    connectedDevicesAlert?: ConnectedDevicesAlertOptions;
    /** Diagnostic-setting options for this hub, merged over the fleet's. Default: the fleet's. */
    diagnostics?: HubDiagnosticsOptions;
}

/** Arguments of `FleetMonitoring`: the hubs plus the shared arguments. */
export interface FleetMonitoringArgs extends MonitoringSharedArgs {
    /**
     * Hubs to monitor with the fleet's settings, by resource id (plain strings). Default: none. With
     * `hubs`, at least one hub in all, and no hub twice (resource ids compare case-insensitively).
     */
    hubResourceIds?: string[];
    /** Hubs to monitor, each with its own overrides merged over the fleet's settings. Default: none (see `hubResourceIds`). */
    hubs?: FleetHubOptions[];
}

/** Merges hub-level drop-alert settings over the fleet's: a hub's own threshold or expected count replaces the fleet's. */
export function mergeDropAlertSettings(fleet: ConnectedDevicesAlertOptions = {}, hub: ConnectedDevicesAlertOptions = {}): ConnectedDevicesAlertOptions {
    const base: ConnectedDevicesAlertOptions = { ...fleet };
    if (hub.threshold !== undefined || hub.expectedConnectedDevices !== undefined) {
        delete base.threshold;
        delete base.expectedConnectedDevices;
        if (hub.threshold !== undefined) delete base.maxDropPercent;
    }
    return { ...base, ...hub };
}

/** Merges hub-level detection settings over the fleet's, field by field (parameters too). */
export function mergeDetectionSettings(fleet: DetectionSettingsMap = {}, hub: DetectionSettingsMap = {}): DetectionSettingsMap {
    const out: DetectionSettingsMap = { ...fleet };
    for (const [id, s] of Object.entries(hub)) {
        out[id] = { ...fleet[id], ...s, parameters: mergeDetectionParameters(fleet[id]?.parameters, s.parameters) };
    }
    return out;
}

/** Stable child-name keys for hubs: the hub name, with a short hash of the id where two hubs share a name. */
export function hubKeys(hubIds: readonly string[]): string[] {
    const names = hubIds.map(hubNameFromId);
    return names.map((n, i) =>
        names.filter((m) => m.toLowerCase() === n.toLowerCase()).length > 1
            ? `${n}-${createHash("sha256").update(hubIds[i].toLowerCase()).digest("hex").slice(0, 6)}`
            : n,
    );
}

/** One hub of a fleet with the fleet's settings merged in: what its `HubAlerts` gets. */
export interface FleetHubPlan {
    /** Child-name key of the hub (its name, disambiguated when two hubs share one). */
    readonly key: string;
    /** Resource id of the hub, as validated. */
    readonly hubResourceId: string;
    /** The fleet's detection settings with the hub's merged over them. */
    readonly detections: DetectionSettingsMap;
    /** The fleet's drop-alert settings with the hub's merged over them. */
    readonly connectedDevicesAlert: ConnectedDevicesAlertOptions;
    /** The fleet's diagnostic-setting options with the hub's merged over them. */
    readonly diagnostics: HubDiagnosticsOptions;
    /** Prefix of error paths for this hub (`<field>.hubs[i]`). */
    readonly errorPath: string;
}

/**
 * Validates a fleet's hub list (at least one, well-formed, no duplicates) and merges the fleet's
 * settings into each hub's: what `FleetMonitoring` builds, and what the replay evaluates.
 */
export function fleetHubPlans(args: Pick<FleetMonitoringArgs, "hubs" | "hubResourceIds" | "detections" | "connectedDevicesAlert" | "diagnostics">, field = "FleetMonitoringArgs"): FleetHubPlan[] {
    for (const key of ["hubResourceIds", "hubs"] as const) {
        if (args[key] !== undefined && !Array.isArray(args[key])) throw new ValidationError(`${field}.${key}`, args[key], "allowed: a list");
    }
    const byId = (args.hubResourceIds ?? []).map((id, i) => ({ options: { hubResourceId: id } as FleetHubOptions, path: `${field}.hubResourceIds[${i}]` }));
    const withOptions = (args.hubs ?? []).map((h, i) => {
        if (typeof h !== "object" || h === null) throw new ValidationError(`${field}.hubs[${i}]`, h, "allowed: an object {hubResourceId, detections?, connectedDevicesAlert?, diagnostics?} (plain ids go in hubResourceIds)");
        return { options: h, path: `${field}.hubs[${i}]` };
    });
    const entries = [...byId, ...withOptions];
    if (entries.length === 0) throw new ValidationError(`${field}.hubs`, args.hubs, "allowed: at least one IoT Hub, in hubResourceIds or hubs");
    const hubOptions = entries.map((e) => e.options);
    const ids = entries.map((e) => requireIotHubId(e.path, e.options.hubResourceId).id);
    requireUnique(entries.map((e) => e.path), ids);
    const keys = hubKeys(ids);
    return hubOptions.map((h, i) => ({
        key: keys[i],
        hubResourceId: ids[i],
        detections: mergeDetectionSettings(args.detections, h.detections),
        connectedDevicesAlert: mergeDropAlertSettings(args.connectedDevicesAlert, h.connectedDevicesAlert),
        diagnostics: { ...args.diagnostics, ...h.diagnostics },
        errorPath: entries[i].path,
    }));
}

/**
 * 404104 monitoring for a fleet of IoT Hubs: one shared workspace and action group; per hub a
 * diagnostic setting, a connected-devices drop alert and one log search alert per detection;
 * one triage workbook over all the hubs, linked from every alert.
 */
export class FleetMonitoring extends pulumi.ComponentResource {
    /** Resource id of the shared workspace the logs go to (created or existing). */
    public readonly workspaceId: pulumi.Output<string>;
    /** Resource ids of the action groups every alert notifies (created and existing); empty without receivers. */
    public readonly actionGroupIds: pulumi.Output<string[]>;
    /** The portal link of the shared triage workbook; absent when the workbook is disabled. */
    public readonly workbookLink?: pulumi.Output<string>;
    /** Resource ids of the Resource Health alerts, by subscription id; empty when platform health is off. */
    public readonly resourceHealthAlertIds: Record<string, pulumi.Output<string>>;
    /** Resource ids of the Service Health alerts, by subscription id; empty when platform health or the Service Health alert is off. */
    public readonly serviceHealthAlertIds: Record<string, pulumi.Output<string>>;
    /** Diagnostic-setting ids by hub key (the hub name, with a short hash of its id when two hubs share a name). */
    public readonly diagnosticSettingIds: Record<string, pulumi.Output<string>>;
    /** Drop-alert ids by hub key, for the hubs with the alert enabled. */
    public readonly connectedDevicesAlertIds: Record<string, pulumi.Output<string>>;
    /** Log search alert rule ids by hub key, then detection id (enabled detections only). */
    public readonly ruleIds: Record<string, Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: FleetMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        const field = "FleetMonitoringArgs";
        const plans = fleetHubPlans(args, field);
        const validated = validateUmbrella(args, field, plans);
        super(componentToken("FleetMonitoring"), name, {}, withLegacyAlias("FleetMonitoring", opts));
        const { shared, hubArgs } = buildUmbrella(this, name, args, field, plans, validated);
        const hubs: Record<string, HubAlerts> = {};
        for (const plan of plans) {
            hubs[plan.key] = new HubAlerts(
                `${name}-${plan.key}`,
                {
                    ...hubArgs,
                    hubResourceId: plan.hubResourceId,
                    detections: plan.detections,
                    connectedDevicesAlert: plan.connectedDevicesAlert,
                    diagnostics: plan.diagnostics,
                    errorPath: plan.errorPath,
                },
                { parent: this },
            );
        }
        UMBRELLA_CHILDREN.keep(this, { shared, hubs });
        const map = <T>(f: (h: HubAlerts) => T | undefined): Record<string, T> =>
            Object.fromEntries(Object.entries(hubs).flatMap(([k, h]) => (f(h) === undefined ? [] : [[k, f(h) as T]])));
        this.workspaceId = shared.workspace.workspaceId;
        this.actionGroupIds = shared.actionGroupIds;
        this.workbookLink = shared.workbook?.portalLink;
        this.resourceHealthAlertIds = shared.platformHealth?.resourceHealthAlertIds ?? {};
        this.serviceHealthAlertIds = shared.platformHealth?.serviceHealthAlertIds ?? {};
        this.diagnosticSettingIds = map((h) => h.diagnosticSettingId);
        this.connectedDevicesAlertIds = map((h) => h.connectedDevicesAlertId);
        this.ruleIds = map((h) => h.ruleIds);
        this.registerOutputs({
            workspaceId: this.workspaceId,
            actionGroupIds: this.actionGroupIds,
            diagnosticSettingIds: this.diagnosticSettingIds,
            connectedDevicesAlertIds: this.connectedDevicesAlertIds,
            ruleIds: this.ruleIds,
            workbookLink: this.workbookLink,
            resourceHealthAlertIds: this.resourceHealthAlertIds,
            serviceHealthAlertIds: this.serviceHealthAlertIds,
        });
    }

    /** The shared workspace component (created, or standing for an existing workspace). */
    get workspace(): MonitoringWorkspace {
        return UMBRELLA_CHILDREN.of(this).shared.workspace;
    }
    /** The notification component; absent without receivers. */
    get notifications(): AlertNotifications | undefined {
        return UMBRELLA_CHILDREN.of(this).shared.notifications;
    }
    /** The shared triage workbook; absent when disabled. */
    get workbook(): TriageWorkbook | undefined {
        return UMBRELLA_CHILDREN.of(this).shared.workbook;
    }
    /** The Resource Health and Service Health alerts; absent when disabled. */
    get platformHealth(): PlatformHealthAlerts | undefined {
        return UMBRELLA_CHILDREN.of(this).shared.platformHealth;
    }
    /** Per-hub components by hub key (the hub name, disambiguated when two hubs share a name). */
    get hubs(): Readonly<Record<string, HubAlerts>> {
        return UMBRELLA_CHILDREN.of(this).hubs;
    }
}
