/**
 * The stack configuration of the program: its keys, their defaults, and the parser that turns a
 * stack's raw config (as `pulumi.runtime.allConfig()` returns it) into the arguments of the
 * fleet component. Every bad value is refused here with an error naming the config key.
 */
import type { FleetMonitoringArgs, FleetHubOptions } from "../components/monitoring";
import type { ConnectedDevicesAlertOptions, DetectionSettingsMap } from "../components/hubAlerts";
import type { HubDiagnosticsOptions } from "../components/hubDiagnostics";
import type { DetectionSettings } from "../components/detectionRule";
import type { EmailReceiver, WebhookReceiver, SecureWebhookReceiver } from "../components/notifications";
import { DETECTIONS } from "../queries/catalog";
import { ENVIRONMENT_PROFILES, MONITORED_HUBS_PARAMETER, type EnvironmentProfile } from "../queries/detection";
import { validateParameterValue } from "../kql/literals";
import {
    closest,
    requireActionGroupId,
    requireBoolean,
    requireEmail,
    requireHttpsUrl,
    requireIotHubId,
    requireKnownKeys,
    requireName,
    requireNonEmptyString,
    requireOneOf,
    requireResourceGroupName,
    requireUnique,
    requireWorkspaceId,
    ValidationError,
} from "../azure/validation";
import { DETECTION_SETTINGS_KEYS, resolveDetectionRule, toDetectionParameters } from "../components/detectionRule";
import { mergeDetectionSettings, mergeDropAlertSettings, requireProfileReceivers, validateWorkbookOptions, WORKBOOK_OPTION_KEYS, type WorkbookOptions } from "../components/monitoring";
import { validatePlatformHealthOptions, type PlatformHealthOptions } from "../components/platformHealth";
import { dropAlertSettingsForProfile } from "../components/hubAlerts";
import { resolveDropAlertCondition, validateDropAlertFields } from "../components/connectedDevicesAlert";
import { validateDiagnosticsOptions } from "../components/hubDiagnostics";
import { validateWorkspaceOptions, type WorkspaceSku } from "../components/workspace";
import { PROFILE_DEFAULTS } from "../components/profiles";
import { requireTagsInput } from "../components/tags";
import { LIMITS } from "../azure/limits";
import { secureWebhookOwners } from "../components/secureWebhook";
import { receiverNamePaths } from "../components/notifications";

/** One config key of the program: its name, whether it is required, its default and what it does (the README's reference table is this list). */
export interface ConfigKeyDoc {
    readonly key: string;
    /** `yes`, `no`, or the condition under which the key is required (the README's column, word for word). */
    readonly required: string;
    readonly default: string;
    readonly description: string;
}

/** Config namespaces of the providers and the engine a stack file may set besides the program's own: passed over, not refused. */
export const PROVIDER_NAMESPACES: readonly string[] = ["azure-native", "azuread", "pulumi"];

/**
 * The config keys of the providers this program uses, as their installed packages declare them
 * (`config/vars` of @pulumi/azure-native and @pulumi/azuread): a typo there is an error with a
 * "did you mean". Keys under `pulumi:` are the engine's and are passed over unchecked.
 */
export const PROVIDER_CONFIG_KEYS: Readonly<Record<string, readonly string[]>> = {
    "azure-native": Object.keys(require("@pulumi/azure-native/config/vars") as object),
    azuread: Object.keys(require("@pulumi/azuread/config/vars") as object),
};

/** Every config key the program reads, in the project's namespace. */
export const CONFIG_KEYS: readonly ConfigKeyDoc[] = [
    { key: "hubs", required: "yes", default: "-", description: "IoT Hubs to monitor: resource ids, or objects `{id, connectedDevicesAlert?, detections?, diagnostics?}` with per-hub overrides; hub names as limit `iot-hub-name` allows." },
    { key: "resourceGroupName", required: "yes", default: "-", description: "Resource group of the workspace, action group and alert rules (must exist; limit `resource-group-name`)." },
    { key: "location", required: "unless `azure-native:location` is set", default: "`azure-native:location`", description: "Region of the workspace and log search alert rules." },
    { key: "profile", required: "unless the stack is named dev, staging or prod", default: "the stack name when it is dev, staging or prod", description: "Environment profile: `dev`, `staging` or `prod`; sets severities, drop percent, retention and whether receivers are required." },
    { key: "workspace", required: "no", default: "created, PerGB2018, profile retention (dev/staging 30 d, prod 90 d), retained on delete", description: "`{existingId}` to use an existing workspace, or `{name?, sku?, capacityReservationLevel?, retentionInDays?, dailyQuotaGb?, retainOnDelete?, deleteLock?}` for the created one (`capacityReservationLevel`, GB per day, with `sku: CapacityReservation` only; `deleteLock: true` adds a `CanNotDelete` lock, which needs `Microsoft.Authorization/locks/write`); limits `workspace-name` (also for the auto-name), `workspace-retention`, `workspace-capacity-reservation`, `workspace-daily-quota`." },
    { key: "receivers", required: "with the staging and prod profiles", default: "none (refused by staging and prod)", description: "`{emails?: [{name, address}], webhooks?: [{name, url}], secureWebhook?: {name, url, applicationDisplayName?, owners?}, existingActionGroupIds?: [], shortName?}`; set URLs with `pulumi config set --secret --path`; `owners` are object ids that own the secure webhook's Entra ID application beside the deploying principal; `shortName` as limit `action-group-short-name` allows." },
    { key: "connectedDevicesAlert", required: "unless every hub sets its own or it is `{enabled: false}`", default: "-", description: "`{enabled?, threshold?, expectedConnectedDevices?, maxDropPercent?, timeAggregation?, windowSize?, evaluationFrequency?, severity?, autoMitigate?}`: required with a `threshold` or `expectedConnectedDevices`, unless every hub sets its own (`hubs[i].connectedDevicesAlert`) or `enabled: false`; otherwise Minimum < threshold over PT5M every PT1M with the profile's severity and drop percent; limits `metric-alert-frequency`, `metric-alert-window`, `alert-severity`, `connected-devices-count`, `drop-percent`." },
    { key: "detections", required: "no", default: "every detection enabled with catalog settings", description: "Per detection id: `{enabled?, severity?, threshold?, parameters?, evaluationFrequency?, windowSize?, muteActionsDuration?, failingPeriods?, autoMitigate?}`; limits `log-alert-frequency`, `log-alert-window`, `log-alert-mute`, `log-alert-mute-covers-frequency`, `log-alert-stateful-frequency`, `log-alert-query-range`, `log-alert-failing-periods`, `alert-severity`, `detection-threshold`." },
    { key: "diagnostics", required: "no", default: "`Connections` + `AllMetrics` as `iothub-404104-monitoring`", description: "`{additionalCategories?, sendAllMetrics?, settingName?, adoptExisting?}`." },
    { key: "workbook", required: "no", default: "created as `IoT Hub 404104 triage`, linked from every alert", description: "`{enabled?, displayName?}`: the Azure Monitor workbook for 404104 triage on the monitored hubs (hub and time-range pickers, disconnects by result code, intervals, top devices, 401003 share, 500xxx, connected devices)." },
    { key: "platformHealth", required: "no", default: "both alerts made: Resource Health on Degraded and Unavailable, Service Health for IoT Hub in every region", description: "`{enabled?, includeUnknown?, regions?, serviceHealth?}`: the Resource Health alert on the hubs and the Service Health alert for the IoT Hub service (activity log alerts, free), routed to the receivers; `regions` as Service Health names them (e.g. `West Europe`); the Service Health alert must live in the hubs' subscription (`serviceHealth: false` when the stack deploys elsewhere)." },
    { key: "tags", required: "no", default: "none", description: "Tags for every created resource that takes tags; limit `tags`." },
];

/** The parsed configuration of one stack. */
export interface StackSettings {
    /** The Pulumi stack name. */
    readonly stack: string;
    /** The environment profile in effect. */
    readonly profile: EnvironmentProfile;
    /** Arguments for the fleet component. */
    readonly fleet: FleetMonitoringArgs;
}

function parseValue(key: string, raw: string): unknown {
    const t = raw.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
        try {
            return JSON.parse(t);
        } catch {
            throw new ValidationError(key, raw, "allowed: valid JSON (structured config values arrive as JSON)");
        }
    }
    return raw;
}

function asList(field: string, value: unknown): unknown[] {
    if (!Array.isArray(value)) throw new ValidationError(field, value, "allowed: a list");
    return value;
}

function parseDetections(field: string, value: unknown): DetectionSettingsMap {
    const ids = DETECTIONS.map((d) => d.id);
    const map = requireKnownKeys(field, value, ids);
    const out: DetectionSettingsMap = {};
    for (const [id, settings] of Object.entries(map)) {
        const s = requireKnownKeys(`${field}.${id}`, settings, DETECTION_SETTINGS_KEYS);
        if (s.failingPeriods !== undefined) requireKnownKeys(`${field}.${id}.failingPeriods`, s.failingPeriods, ["numberOfEvaluationPeriods", "minFailingPeriodsToAlert"]);
        const detection = DETECTIONS.find((d) => d.id === id);
        if (s.parameters === undefined || detection === undefined) {
            out[id] = s as DetectionSettings;
            continue;
        }
        // A stack file gives parameters by name, flat; each is checked here under its config key, then
        // sorted into the components' maps by kind (numbers, durations, strings, lists).
        const settable = Object.keys(detection.parameters).filter((n) => n !== MONITORED_HUBS_PARAMETER);
        const given = requireKnownKeys(`${field}.${id}.parameters`, s.parameters, settable);
        const values = Object.fromEntries(Object.entries(given).map(([name, v]) => [name, validateParameterValue(`${field}.${id}.parameters.${name}`, detection.parameters[name], v)]));
        out[id] = { ...(s as DetectionSettings), parameters: toDetectionParameters(detection, values) };
    }
    return out;
}

const DROP_KEYS = ["enabled", "threshold", "expectedConnectedDevices", "maxDropPercent", "timeAggregation", "windowSize", "evaluationFrequency", "severity", "autoMitigate"];
const DIAGNOSTICS_KEYS = ["additionalCategories", "sendAllMetrics", "settingName", "adoptExisting"];

function parseHub(field: string, value: unknown): FleetHubOptions {
    if (typeof value === "string") return { hubResourceId: requireIotHubId(field, value).id };
    const h = requireKnownKeys(field, value, ["id", "connectedDevicesAlert", "detections", "diagnostics"]);
    return {
        hubResourceId: requireIotHubId(`${field}.id`, h.id).id,
        connectedDevicesAlert: h.connectedDevicesAlert === undefined ? undefined : (requireKnownKeys(`${field}.connectedDevicesAlert`, h.connectedDevicesAlert, DROP_KEYS) as ConnectedDevicesAlertOptions),
        detections: h.detections === undefined ? undefined : parseDetections(`${field}.detections`, h.detections),
        diagnostics: h.diagnostics === undefined ? undefined : (requireKnownKeys(`${field}.diagnostics`, h.diagnostics, DIAGNOSTICS_KEYS) as HubDiagnosticsOptions),
    };
}

/** Receivers as parsed from config: URLs are checked (https) and still plain; the program wraps them as secrets. */
export interface ParsedReceivers {
    readonly emails: EmailReceiver[];
    readonly webhooks: WebhookReceiver[];
    readonly secureWebhook?: SecureWebhookReceiver;
    readonly existingActionGroupIds: string[];
    readonly shortName?: string;
}

function parseReceivers(field: string, value: unknown): ParsedReceivers {
    const r = requireKnownKeys(field, value, ["emails", "webhooks", "secureWebhook", "existingActionGroupIds", "shortName"]);
    const emails = asList(`${field}.emails`, r.emails ?? []).map((e, i) => {
        const o = requireKnownKeys(`${field}.emails[${i}]`, e, ["name", "address"]);
        return { name: requireNonEmptyString(`${field}.emails[${i}].name`, o.name), address: requireEmail(`${field}.emails[${i}].address`, o.address) };
    });
    const webhooks = asList(`${field}.webhooks`, r.webhooks ?? []).map((w, i) => {
        const o = requireKnownKeys(`${field}.webhooks[${i}]`, w, ["name", "url"]);
        return { name: requireNonEmptyString(`${field}.webhooks[${i}].name`, o.name), url: requireHttpsUrl(`${field}.webhooks[${i}].url`, o.url) };
    });
    let secureWebhook: SecureWebhookReceiver | undefined;
    if (r.secureWebhook !== undefined) {
        const o = requireKnownKeys(`${field}.secureWebhook`, r.secureWebhook, ["name", "url", "applicationDisplayName", "owners"]);
        secureWebhook = {
            name: requireNonEmptyString(`${field}.secureWebhook.name`, o.name),
            url: requireHttpsUrl(`${field}.secureWebhook.url`, o.url),
            applicationDisplayName: o.applicationDisplayName === undefined ? undefined : requireNonEmptyString(`${field}.secureWebhook.applicationDisplayName`, o.applicationDisplayName),
            owners: o.owners === undefined ? undefined : secureWebhookOwners(`${field}.secureWebhook.owners`, o.owners),
        };
    }
    const existingActionGroupIds = asList(`${field}.existingActionGroupIds`, r.existingActionGroupIds ?? []).map(
        (id, i) => requireActionGroupId(`${field}.existingActionGroupIds[${i}]`, id).id,
    );
    requireUnique(`${field}.existingActionGroupIds`, existingActionGroupIds);
    requireUnique(receiverNamePaths(field, emails.length, webhooks.length, secureWebhook !== undefined), [...emails.map((e) => e.name), ...webhooks.map((w) => w.name), ...(secureWebhook ? [secureWebhook.name] : [])]);
    const shortName = r.shortName === undefined ? undefined : requireName(`${field}.shortName`, r.shortName, LIMITS.actionGroupShortName);
    return { emails, webhooks, secureWebhook, existingActionGroupIds, shortName };
}

/** Whether parsed receivers route anywhere. */
export function hasReceivers(r: ParsedReceivers): boolean {
    return r.emails.length > 0 || r.webhooks.length > 0 || r.secureWebhook !== undefined || r.existingActionGroupIds.length > 0;
}

/**
 * Parses a stack's raw configuration (`"<project>:<key>" -> string`, structured values as JSON)
 * into fleet arguments. Throws a {@link ValidationError} naming the config key (`<project>:<key>`
 * and the path inside it) for unknown keys, malformed ids, bad emails, non-https webhooks and
 * every other bad value; components re-check what they receive.
 * `wrapSecret` turns webhook URLs into secrets (the program passes `pulumi.secret`).
 */
export function parseStackConfig(
    raw: Readonly<Record<string, string>>,
    project: string,
    stack: string,
    wrapSecret: (url: string) => WebhookReceiver["url"] = (u) => u,
): StackSettings {
    const known = CONFIG_KEYS.map((k) => k.key);
    const values: Record<string, unknown> = {};
    for (const [fullKey, rawValue] of Object.entries(raw)) {
        const sep = fullKey.indexOf(":");
        const ns = fullKey.slice(0, sep);
        const key = fullKey.slice(sep + 1);
        if (ns !== project) {
            const providerKeys = PROVIDER_CONFIG_KEYS[ns];
            if (providerKeys !== undefined && !providerKeys.includes(key)) {
                const hint = closest(key, providerKeys);
                throw new ValidationError(fullKey, key, `not a config key of the ${ns} provider${hint ? ` (did you mean "${ns}:${hint}"?)` : ""}; allowed: ${providerKeys.join(", ")}`);
            }
            if (PROVIDER_NAMESPACES.includes(ns)) continue;
            // A namespace that has this key is the likeliest one meant (azure:location is azure-native:location).
            const having = [project, ...Object.keys(PROVIDER_CONFIG_KEYS)].filter((n) => (n === project ? known : PROVIDER_CONFIG_KEYS[n]).includes(key));
            const hint = having.find((n) => n.startsWith(ns) || ns.startsWith(n)) ?? closest(ns, having.length > 0 ? having : [project, ...PROVIDER_NAMESPACES]);
            throw new ValidationError(fullKey, ns, `unknown namespace${hint ? ` (did you mean "${hint}:${key}"?)` : ""}; allowed: "${project}:<key>" for this program, or a provider's (${PROVIDER_NAMESPACES.join(", ")})`);
        }
        if (!known.includes(key)) {
            const hint = closest(key, known);
            throw new ValidationError(fullKey, key, `unknown key${hint ? ` (did you mean "${project}:${hint}"?)` : ""}; allowed keys: ${known.join(", ")}`);
        }
        values[key] = parseValue(fullKey, rawValue);
    }
    const k = (key: string): string => `${project}:${key}`;

    if (values.hubs === undefined) throw new ValidationError(k("hubs"), undefined, "required: a list of at least one IoT Hub resource id");
    const hubList = asList(k("hubs"), values.hubs);
    if (hubList.length === 0) throw new ValidationError(k("hubs"), hubList, "allowed: a list of at least one IoT Hub resource id");
    const hubs = hubList.map((h, i) => parseHub(`${k("hubs")}[${i}]`, h));
    requireUnique(k("hubs"), hubs.map((h) => h.hubResourceId));

    const defaultProfile = (ENVIRONMENT_PROFILES as readonly string[]).includes(stack) ? stack : undefined;
    if (values.profile === undefined && defaultProfile === undefined) {
        throw new ValidationError(k("profile"), undefined, `required for stack "${stack}" (its name is not a profile); allowed: ${ENVIRONMENT_PROFILES.join(", ")}`);
    }
    const profile = requireOneOf(k("profile"), values.profile ?? defaultProfile, ENVIRONMENT_PROFILES);

    const resourceGroupName = requireResourceGroupName(k("resourceGroupName"), values.resourceGroupName);
    const location = values.location ?? raw["azure-native:location"];
    if (location === undefined) throw new ValidationError(k("location"), undefined, "required (or set azure-native:location): an Azure region such as westeurope");
    requireNonEmptyString(k("location"), location);
    if (!/^[a-z0-9]+$/i.test(location as string)) throw new ValidationError(k("location"), location, "allowed: an Azure region name such as westeurope (letters and digits)");

    let workspace: FleetMonitoringArgs["workspace"];
    if (values.workspace !== undefined) {
        const w = requireKnownKeys(k("workspace"), values.workspace, ["existingId", "name", "sku", "capacityReservationLevel", "retentionInDays", "dailyQuotaGb", "retainOnDelete", "deleteLock"]);
        if (w.existingId !== undefined) {
            const extra = Object.keys(w).filter((x) => x !== "existingId");
            if (extra.length > 0) throw new ValidationError(`${k("workspace")}.${extra[0]}`, w[extra[0]], "only applies to a created workspace; remove it or remove existingId");
            workspace = { existingWorkspaceId: requireWorkspaceId(`${k("workspace")}.existingId`, w.existingId).id };
        } else {
            if (w.name !== undefined) requireName(`${k("workspace")}.name`, w.name, LIMITS.workspaceName);
            workspace = {
                workspaceName: w.name as string | undefined,
                sku: w.sku as WorkspaceSku | undefined,
                capacityReservationLevel: w.capacityReservationLevel as number | undefined,
                retentionInDays: (w.retentionInDays ?? PROFILE_DEFAULTS[profile].retentionInDays) as number,
                dailyQuotaGb: w.dailyQuotaGb as number | undefined,
                retainOnDelete: w.retainOnDelete as boolean | undefined,
                deleteLock: w.deleteLock === undefined ? undefined : requireBoolean(`${k("workspace")}.deleteLock`, w.deleteLock),
            };
            validateWorkspaceOptions(k("workspace"), workspace);
        }
    }

    let notifications: FleetMonitoringArgs["notifications"];
    if (values.receivers !== undefined) {
        const r = parseReceivers(k("receivers"), values.receivers);
        if (hasReceivers(r)) {
            notifications = {
                shortName: r.shortName,
                emails: r.emails,
                webhooks: r.webhooks.map((w) => ({ name: w.name, url: wrapSecret(w.url as string) })),
                secureWebhook: r.secureWebhook ? { ...r.secureWebhook, url: wrapSecret(r.secureWebhook.url as string) } : undefined,
                existingActionGroupIds: r.existingActionGroupIds,
            };
        }
    }

    requireProfileReceivers(k("receivers"), profile, notifications, "receivers.secureWebhook", values.receivers);

    const connectedDevicesAlert =
        values.connectedDevicesAlert === undefined ? undefined : (requireKnownKeys(k("connectedDevicesAlert"), values.connectedDevicesAlert, DROP_KEYS) as ConnectedDevicesAlertOptions);
    const detections = values.detections === undefined ? undefined : parseDetections(k("detections"), values.detections);
    const diagnostics = values.diagnostics === undefined ? undefined : (requireKnownKeys(k("diagnostics"), values.diagnostics, DIAGNOSTICS_KEYS) as HubDiagnosticsOptions);
    let workbook: WorkbookOptions | undefined;
    if (values.workbook !== undefined) {
        workbook = requireKnownKeys(k("workbook"), values.workbook, WORKBOOK_OPTION_KEYS) as WorkbookOptions;
        validateWorkbookOptions(k("workbook"), workbook);
    }
    const platformHealth = values.platformHealth as PlatformHealthOptions | undefined;
    validatePlatformHealthOptions(k("platformHealth"), platformHealth);
    let tags: Record<string, string> | undefined;
    if (values.tags !== undefined) {
        if (typeof values.tags !== "object" || values.tags === null || Array.isArray(values.tags)) {
            throw new ValidationError(k("tags"), values.tags, "allowed: a map of tag names to values, e.g. {environment: prod, owner: iot-platform}");
        }
        const t = values.tags as Record<string, unknown>;
        tags = Object.fromEntries(Object.entries(t).map(([name, v]) => [name, requireNonEmptyString(`${k("tags")}.${name}`, v)]));
        requireTagsInput(k("tags"), tags);
    }

    const fleet: FleetMonitoringArgs = { resourceGroupName, location: location as string, profile, hubs, workspace, notifications, connectedDevicesAlert, detections, diagnostics, workbook, tags, platformHealth };
    checkAlertSettings(fleet, profile, k);
    return { stack, profile, fleet };
}

/**
 * Checks every alert and diagnostics setting as the components will resolve it, but with errors
 * naming the config key: fleet-wide values under their own key, and each hub's merged values
 * under the hub's key when the hub overrides them.
 */
function checkAlertSettings(fleet: FleetMonitoringArgs, profile: EnvironmentProfile, k: (key: string) => string): void {
    const fleetDrop = fleet.connectedDevicesAlert ?? {};
    if (fleetDrop.enabled !== undefined) requireBoolean(`${k("connectedDevicesAlert")}.enabled`, fleetDrop.enabled);
    validateDropAlertFields(k("connectedDevicesAlert"), fleetDrop);
    if (fleet.diagnostics) validateDiagnosticsOptions(k("diagnostics"), fleet.diagnostics);
    const hubs = fleet.hubs ?? [];
    const firstHub = hubs[0].hubResourceId;
    for (const [id, s] of Object.entries(fleet.detections ?? {})) {
        checkDetection(`${k("detections")}.${id}`, id, firstHub, profile, s);
    }
    hubs.forEach((h, i) => {
        const hubKey = `${k("hubs")}[${i}]`;
        if (h.connectedDevicesAlert) {
            if (h.connectedDevicesAlert.enabled !== undefined) requireBoolean(`${hubKey}.connectedDevicesAlert.enabled`, h.connectedDevicesAlert.enabled);
            validateDropAlertFields(`${hubKey}.connectedDevicesAlert`, h.connectedDevicesAlert);
        }
        const drop = mergeDropAlertSettings(fleetDrop, h.connectedDevicesAlert);
        if (drop.enabled !== false) {
            resolveDropAlertCondition(h.connectedDevicesAlert ? `${hubKey}.connectedDevicesAlert` : k("connectedDevicesAlert"), dropAlertSettingsForProfile(drop, profile));
        }
        if (h.diagnostics) validateDiagnosticsOptions(`${hubKey}.diagnostics`, { ...fleet.diagnostics, ...h.diagnostics });
        const merged = mergeDetectionSettings(fleet.detections, h.detections);
        for (const id of Object.keys(h.detections ?? {})) {
            checkDetection(`${hubKey}.detections.${id}`, id, h.hubResourceId, profile, merged[id]);
        }
    });
}

function checkDetection(field: string, id: string, hubResourceId: string, profile: EnvironmentProfile, settings: DetectionSettings): void {
    const detection = DETECTIONS.find((d) => d.id === id);
    if (!detection) return; // unknown ids were refused by parseDetections
    const { enabled, ...rest } = settings;
    if (enabled !== undefined) requireBoolean(`${field}.enabled`, enabled);
    resolveDetectionRule(field, detection, hubResourceId, profile, rest);
}
