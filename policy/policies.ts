/**
 * The policies of the `iothub-404104` policy pack. This module only defines them; the pack's entry
 * (`policy/index.ts`) constructs the pack, which starts the analyzer server. Tests and tools import
 * the policies from here and call `validateResource` / `validateStack` directly.
 *
 * Every message names the resource (its logical name, and the hub where one is involved) and what
 * to change. Each policy has a default enforcement level; the pack's config (`--policy-pack-config`,
 * one JSON file per stack, see `policy/config/`) can change it and sets each policy's parameters.
 */
import { LIMITS } from "../azure/limits";
import type {
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    Policies,
} from "@pulumi/policy";
import { checkQuery, checkRuleSize } from "../kql/check";
import { DETECTIONS } from "../queries/catalog";
import { MONITORED_HUBS_PARAMETER } from "../queries/detection";
import {
    at,
    CONNECTED_DEVICES_METRICS,
    DEFAULT_PROD_LIKE_STACKS,
    DEFAULT_SECURE_WEBHOOK_STACKS,
    hubKey,
    isIotHubId,
    isProdLike,
    isUnknown,
    isWorkspaceId,
    listAt,
    plain,
    propsOf,
    stringAt,
    TYPES,
    type ProdLikeConfig,
} from "./resources";
import { checkWaivers, DROP_ALERT_ID, RESOURCE_HEALTH_ID, waiverLabel, waiversSchema, type ValidWaiver } from "./waivers";

/** Name of the policy pack (as `pulumi preview --policy-pack` reports it). */
export const POLICY_PACK_NAME = "iothub-404104";

/** The log category every detection reads. */
export const CONNECTIONS_CATEGORY = "Connections";

/** Names of the policies, as they appear in violations and as keys of the pack's config. */
export const POLICY_NAMES = {
    diagnostics: "hub-connections-diagnostics",
    detections: "hub-detections-enabled",
    silentAlertsProd: "no-silent-alerts",
    silentAlertsNonProd: "no-silent-alerts-nonprod",
    kql: "log-alert-query-valid",
    dropAlert: "connected-devices-drop-alert",
    webhookHttps: "webhooks-use-https",
    secureWebhook: "secure-webhooks-in-prod",
    retention: "workspace-retention",
} as const;

// ---------------------------------------------------------------------------------------------
// Config

type ConfigArgs = Pick<ResourceValidationArgs, "getConfig">;

function readConfig(args: ConfigArgs): Record<string, unknown> {
    const c = plain(args.getConfig<Record<string, unknown>>());
    return c !== null && typeof c === "object" ? (c as Record<string, unknown>) : {};
}

const prodLikeSchema: PolicyConfigSchema["properties"] = {
    prodLikeStacks: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: [...DEFAULT_PROD_LIKE_STACKS],
        description: "Stack names that count as prod-like (case-insensitive, * matches any characters); the stack name is read from each resource's URN.",
    },
    prodLike: {
        type: "boolean",
        description: "Set to decide prod-likeness for every stack checked with this config, whatever its name (e.g. in a per-stack config file).",
    },
};

function prodLikeConfig(args: ConfigArgs, defaults: readonly string[] = DEFAULT_PROD_LIKE_STACKS): ProdLikeConfig {
    const c = readConfig(args);
    const stacks = Array.isArray(c.prodLikeStacks) ? c.prodLikeStacks.filter((s): s is string => typeof s === "string") : defaults;
    return { prodLikeStacks: stacks, prodLike: typeof c.prodLike === "boolean" ? c.prodLike : undefined };
}

// ---------------------------------------------------------------------------------------------
// Helpers over resources

/** The hubs a resource of the stack refers to, as hub keys (lower-case names). */
interface HubRefs {
    readonly keys: readonly string[];
}

function ruleCustomProperties(props: Record<string, unknown>): Record<string, string> {
    const cp = at(props, "actions", "customProperties");
    if (cp === null || typeof cp !== "object") return {};
    return Object.fromEntries(Object.entries(cp as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function ruleHubs(props: Record<string, unknown>): HubRefs {
    const hub = ruleCustomProperties(props).hub;
    const key = hub === undefined ? undefined : hubKey(hub);
    return { keys: key ? [key] : [] };
}

interface MetricCriterion {
    readonly name: string;
    readonly metricName: string;
    readonly operator: string;
    readonly timeAggregation: string;
    readonly criterionType: string;
    readonly threshold: unknown;
}

function metricCriteria(props: Record<string, unknown>): MetricCriterion[] {
    const list = listAt(props, "criteria", "allOf");
    if (!Array.isArray(list)) return [];
    return list.map((c) => ({
        name: String(at(c, "name") ?? "?"),
        metricName: String(at(c, "metricName") ?? ""),
        operator: String(at(c, "operator") ?? ""),
        timeAggregation: String(at(c, "timeAggregation") ?? ""),
        criterionType: String(at(c, "criterionType") ?? ""),
        threshold: at(c, "threshold"),
    }));
}

function isConnectedDevicesCriterion(c: MetricCriterion): boolean {
    return CONNECTED_DEVICES_METRICS.some((m) => m.toLowerCase() === c.metricName.toLowerCase());
}

const DROP_OPERATORS = ["LessThan", "LessThanOrEqual"];

function scopeHubs(props: Record<string, unknown>): HubRefs {
    const scopes = listAt(props, "scopes");
    if (!Array.isArray(scopes)) return { keys: [] };
    return { keys: scopes.filter((s): s is string => typeof s === "string" && isIotHubId(s)).map((s) => hubKey(s) as string) };
}

function isDisabled(props: Record<string, unknown>): boolean {
    return at(props, "enabled") === false;
}

/** Where a diagnostic setting sends logs, and whether it sends `Connections`. */
interface DiagnosticTarget {
    readonly resource: PolicyResource;
    readonly hubKey?: string;
    readonly hubUrns: readonly string[];
    /** Problems that keep it from counting as "sends Connections to a workspace" (empty when it does). */
    readonly problems: readonly string[];
}

function diagnosticTarget(r: PolicyResource): DiagnosticTarget {
    const props = propsOf(r.props);
    const uri = stringAt(props, "resourceUri");
    const key = uri !== undefined && !isUnknown(uri) && isIotHubId(uri) ? hubKey(uri) : undefined;
    const hubUrns = (r.propertyDependencies?.resourceUri ?? []).filter((d) => d.type === TYPES.iotHub).map((d) => d.urn);
    const problems: string[] = [];
    const workspaceId = stringAt(props, "workspaceId");
    if (workspaceId === undefined || workspaceId === "") problems.push("it sends to no Log Analytics workspace (workspaceId is not set)");
    else if (!isUnknown(workspaceId) && !isWorkspaceId(workspaceId)) problems.push(`its workspaceId "${workspaceId}" is not a Log Analytics workspace id`);
    const logs = listAt(props, "logs");
    if (logs !== "unknown") {
        const sendsConnections = (logs ?? []).some((l) => {
            const category = stringAt(l, "category");
            const group = stringAt(l, "categoryGroup");
            const named = (category !== undefined && category.toLowerCase() === CONNECTIONS_CATEGORY.toLowerCase()) || (group !== undefined && group.toLowerCase() === "alllogs");
            return named && at(l, "enabled") !== false;
        });
        if (!sendsConnections) {
            const listed = (logs ?? []).map((l) => `${stringAt(l, "category") ?? stringAt(l, "categoryGroup") ?? "?"}${at(l, "enabled") === false ? " (disabled)" : ""}`);
            problems.push(`its logs do not include "${CONNECTIONS_CATEGORY}" enabled (logs: ${listed.length ? listed.join(", ") : "none"})`);
        }
    }
    return { resource: r, hubKey: key, hubUrns, problems };
}

/** A hub the stack creates or monitors, with the resources that refer to it (for violation URNs). */
interface StackHub {
    readonly key: string;
    /** The hub's name as written in the stack (first seen). */
    readonly label: string;
    /** The `IotHubResource` of the stack, when the stack creates the hub. */
    hubResource?: PolicyResource;
    /** Whether monitoring refers to it (a diagnostic setting, a drop alert or a rule, ours or not). */
    monitored: boolean;
    /** Whether our components monitor it (see {@link isOurs}). */
    ours: boolean;
    readonly referrers: PolicyResource[];
}

/**
 * Whether a resource was made by this package's components (its URN's type chain holds one of our
 * component tokens, current or 0.1.x) or is a log alert that names one of our detections in its
 * custom properties. Policies about our own detections look only at these, so a pack enforced
 * across an organization stays quiet on stacks built without them.
 */
export function isOurs(r: Pick<PolicyResource, "urn" | "type" | "props">): boolean {
    if (/[:$]iothub-404104-monitoring:index:|[:$]iothub404104:monitoring:/.test(`:${r.urn}`)) return true;
    return r.type === TYPES.scheduledQueryRule && ruleCustomProperties(propsOf(r.props)).detection !== undefined;
}

function stackHubs(resources: readonly PolicyResource[]): Map<string, StackHub> {
    const hubs = new Map<string, StackHub>();
    const touch = (key: string, label: string, r: PolicyResource, monitored: boolean): StackHub => {
        let h = hubs.get(key);
        if (!h) {
            h = { key, label, monitored: false, ours: false, referrers: [] };
            hubs.set(key, h);
        }
        if (monitored) {
            h.monitored = true;
            h.ours ||= isOurs(r);
            h.referrers.push(r);
        }
        return h;
    };
    for (const r of resources) {
        const props = propsOf(r.props);
        if (r.type === TYPES.iotHub) {
            const name = stringAt(props, "resourceName");
            const key = name !== undefined && !isUnknown(name) ? hubKey(name) : undefined;
            const h = touch(key ?? `urn:${r.urn}`, key ? (name as string) : r.name, r, false);
            h.hubResource = r;
        } else if (r.type === TYPES.diagnosticSetting) {
            const t = diagnosticTarget(r);
            if (t.hubKey) touch(t.hubKey, t.hubKey, r, true);
        } else if (r.type === TYPES.metricAlert) {
            if (metricCriteria(props).some(isConnectedDevicesCriterion)) for (const k of scopeHubs(props).keys) touch(k, k, r, true);
        } else if (r.type === TYPES.scheduledQueryRule) {
            for (const k of ruleHubs(props).keys) touch(k, ruleCustomProperties(props).hub ?? k, r, true);
        }
    }
    return hubs;
}

function hubUrn(h: StackHub): string | undefined {
    return h.hubResource?.urn ?? h.referrers.find((r) => r.type === TYPES.diagnosticSetting)?.urn ?? h.referrers[0]?.urn;
}

// ---------------------------------------------------------------------------------------------
// Policies

/**
 * `hub-connections-diagnostics` (stack, mandatory): every IoT Hub the stack creates and every hub
 * our alerts monitor has a diagnostic setting that sends the `Connections` log category (or the
 * `allLogs` group), enabled, to a Log Analytics workspace. Without it no log alert can see 404104.
 * A stack hub is matched by its `resourceName`, or by the setting's `resourceUri` depending on it.
 */
export const hubConnectionsDiagnostics: StackValidationPolicy = {
    name: POLICY_NAMES.diagnostics,
    description: "Every IoT Hub in the stack and every monitored hub sends its Connections logs to a Log Analytics workspace. Applies to any stack, built with the 404104 components or not.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const hubs = stackHubs(args.resources);
        const targets = args.resources.filter((r) => r.type === TYPES.diagnosticSetting).map(diagnosticTarget);
        for (const h of hubs.values()) {
            const mine = targets.filter((t) => t.hubKey === h.key || (h.hubResource !== undefined && t.hubUrns.includes(h.hubResource.urn)));
            if (mine.some((t) => t.problems.length === 0)) continue;
            const what = h.hubResource ? `IoT Hub ${h.label} (resource ${h.hubResource.name})` : `Monitored IoT Hub ${h.label}`;
            const fix = `add a diagnostic setting on the hub with logs [{category: "${CONNECTIONS_CATEGORY}", enabled: true}] and workspaceId set to the Log Analytics workspace the alerts query (HubDiagnostics / HubAlerts create one)`;
            if (mine.length === 0) {
                reportViolation(`${what} has no diagnostic setting in this stack that sends "${CONNECTIONS_CATEGORY}" logs to a Log Analytics workspace: ${fix}.`, hubUrn(h));
            } else {
                for (const t of mine) {
                    reportViolation(`Diagnostic setting ${t.resource.name} on IoT Hub ${h.label} does not count: ${t.problems.join("; ")}. Fix it so that it sends "${CONNECTIONS_CATEGORY}" to the workspace, or ${fix}.`, t.resource.urn);
                }
            }
        }
    },
};

/**
 * `hub-detections-enabled` (stack, mandatory): every monitored hub has one enabled log alert per
 * detection of the catalog (a scheduled query rule whose `actions.customProperties` name the
 * detection and the hub) and an enabled connected-devices drop alert (a metric alert with a
 * `LessThan` criterion on `connectedDeviceCount` scoped to the hub). A missing one needs a waiver
 * in the config (`waivers`, see `waivers.ts`); malformed and expired waivers are violations too.
 */
export const hubDetectionsEnabled: StackValidationPolicy = {
    name: POLICY_NAMES.detections,
    description: "Every hub the 404104 components monitor has every symptom detection, the connected-devices drop alert and a Resource Health alert enabled, unless a named waiver in the pack config turns one off. Only for stacks with the components' resources: quiet on any other stack.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { waivers: waiversSchema(DETECTIONS.map((d) => d.id)) } },
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const hubs = [...stackHubs(args.resources).values()].filter((h) => h.ours);
        // A stack without the components (an organization enforces the pack everywhere): nothing of ours to check, waivers included.
        if (hubs.length === 0) return;
        const ids = DETECTIONS.map((d) => d.id);
        const waivers = checkWaivers(readConfig(args).waivers, ids);
        for (const problem of waivers.problems) {
            reportViolation(`Policy config ${POLICY_NAMES.detections}.waivers: ${problem}. Fix the waiver or remove it.`);
        }
        const enabledRules = new Set<string>();
        const dropAlerts = new Set<string>();
        const resourceHealth = new Set<string>();
        // A Resource Health alert scoped to a subscription or resource group covers every hub in it; one scoped to hubs covers those.
        let resourceHealthWide = false;
        for (const r of args.resources) {
            const props = propsOf(r.props);
            if (isDisabled(props)) continue;
            if (r.type === TYPES.scheduledQueryRule) {
                const cp = ruleCustomProperties(props);
                const key = cp.hub === undefined ? undefined : hubKey(cp.hub);
                if (key && cp.detection) enabledRules.add(`${key}/${cp.detection}`);
            } else if (r.type === TYPES.metricAlert) {
                const drop = metricCriteria(props).some((c) => isConnectedDevicesCriterion(c) && DROP_OPERATORS.includes(c.operator));
                if (drop) for (const k of scopeHubs(props).keys) dropAlerts.add(k);
            } else if (r.type === TYPES.activityLogAlert) {
                const allOf = listAt(props, "condition", "allOf");
                const onResourceHealth = Array.isArray(allOf) && allOf.some((c) => stringAt(c, "field") === "category" && stringAt(c, "equals") === "ResourceHealth");
                if (!onResourceHealth) continue;
                for (const k of scopeHubs(props).keys) resourceHealth.add(k);
                const scopes = listAt(props, "scopes");
                if (Array.isArray(scopes) && scopes.some((s) => typeof s === "string" && /^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?\/?$/i.test(s))) resourceHealthWide = true;
            }
        }
        const waiverFor = (list: readonly ValidWaiver[], hub: string, detection: string): ValidWaiver | undefined =>
            list.find((w) => w.hubKey === hub && w.detection === detection);
        for (const h of hubs) {
            const checks = [
                ...ids.map((id) => ({ id, present: enabledRules.has(`${h.key}/${id}`), what: `the "${id}" log alert` })),
                { id: DROP_ALERT_ID, present: dropAlerts.has(h.key), what: "the connected-devices drop alert (LessThan on connectedDeviceCount)" },
                { id: RESOURCE_HEALTH_ID, present: resourceHealthWide || resourceHealth.has(h.key), what: "a Resource Health alert (activity log alert, category ResourceHealth) covering it" },
            ];
            for (const c of checks) {
                if (c.present || waiverFor(waivers.valid, h.key, c.id)) continue;
                const expired = waiverFor(waivers.expired, h.key, c.id);
                const suggestion = JSON.stringify({ hub: h.label, detection: c.id, reason: "<why>", approvedBy: "<who>" });
                const waiverText = expired
                    ? `${waiverLabel(expired)} (approved by ${expired.approvedBy}: "${expired.reason}") expired on ${expired.expires}; re-enable the detection or renew the waiver`
                    : `re-enable it (remove "enabled: false" from the hub's detections config), or add a waiver ${suggestion} to ${POLICY_NAMES.detections}.waivers in the policy pack config`;
                reportViolation(`Monitored IoT Hub ${h.label} has ${c.what} turned off or missing: ${waiverText}.`, hubUrn(h));
            }
        }
    },
};

function silentAlertCheck(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    const props = propsOf(args.props);
    let groups: unknown[] | "unknown" | undefined;
    if (args.type === TYPES.scheduledQueryRule) groups = listAt(props, "actions", "actionGroups");
    else if (args.type === TYPES.metricAlert) {
        const actions = listAt(props, "actions");
        groups = Array.isArray(actions) ? actions.filter((a) => at(a, "actionGroupId") !== undefined) : actions;
    } else return;
    if (groups === "unknown") return; // Known at `pulumi up`, where the policy runs again.
    if (groups === undefined || groups.length === 0) {
        const kind = args.type === TYPES.scheduledQueryRule ? "log search alert" : "metric alert";
        const field = args.type === TYPES.scheduledQueryRule ? "actions.actionGroups" : "actions[].actionGroupId";
        reportViolation(
            `The ${kind} ${args.name} notifies no action group, so it fires silently: set ${field} to at least one action group (configure receivers or existingActionGroupIds in the stack config).`,
        );
    }
}

function silentAlertsPolicy(name: string, enforcementLevel: "mandatory" | "advisory", prodLike: boolean, description: string): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        configSchema: { properties: { ...prodLikeSchema } },
        validateResource: (args, reportViolation) => {
            if (args.type !== TYPES.scheduledQueryRule && args.type !== TYPES.metricAlert) return;
            if (isProdLike(args.urn, prodLikeConfig(args)) !== prodLike) return;
            silentAlertCheck(args, reportViolation);
        },
    };
}

/**
 * `no-silent-alerts` (resource, mandatory, prod-like stacks only): every scheduled query rule and
 * metric alert notifies at least one action group. Prod-likeness: `prodLike` in the config, or
 * the stack name (from the URN) matching `prodLikeStacks`.
 */
export const noSilentAlerts: ResourceValidationPolicy = silentAlertsPolicy(
    POLICY_NAMES.silentAlertsProd,
    "mandatory",
    true,
    "In prod-like stacks every log search alert and metric alert notifies at least one action group.",
);

/** `no-silent-alerts-nonprod` (resource, advisory): the same check as {@link noSilentAlerts} for stacks that are not prod-like, as a warning. */
export const noSilentAlertsNonProd: ResourceValidationPolicy = silentAlertsPolicy(
    POLICY_NAMES.silentAlertsNonProd,
    "advisory",
    false,
    "In stacks that are not prod-like, a log search alert or metric alert without an action group is reported as a warning.",
);

/** The most dimensions a log search alert may split by. */
export const MAX_DIMENSIONS = LIMITS.logAlertDimensions.rule.max;

/**
 * `log-alert-query-valid` (resource, mandatory): every scheduled query rule's query parses and
 * binds against the IoT Hub `AzureDiagnostics` schema with the checker of `npm run kql:check`
 * (`kql/check.ts`: parser errors, operators Azure forbids, result columns the rule reads, rule
 * size); a rule of this package (with a `detection` custom property) must use `monitoredHubs`.
 * Its dimensions never split by device (a name matching `deviceDimensionPattern`) and number at
 * most six.
 */
export const logAlertQueryValid: ResourceValidationPolicy = {
    name: POLICY_NAMES.kql,
    description: "Every log search alert on IoT Hub logs (the components' own, or any whose query reads MICROSOFT.DEVICES / IOTHUBS rows) parses and binds against the IoT Hub schema (npm run kql:check), and never splits by device. Alerts on other data are left alone.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            deviceDimensionPattern: {
                type: "string",
                default: "device",
                description: "Case-insensitive regular expression: a dimension whose name matches splits by device and is refused (each time series is billed and alerts separately).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.scheduledQueryRule) return;
        const props = propsOf(args.props);
        const c = readConfig(args);
        const pattern = new RegExp(typeof c.deviceDimensionPattern === "string" ? c.deviceDimensionPattern : "device", "i");
        const criteria = listAt(props, "criteria", "allOf");
        if (!Array.isArray(criteria)) return;
        const frequency = stringAt(props, "evaluationFrequency");
        const ours = isOurs(args);
        // Another team's alert on other data: the IoT Hub schema and the device rule say nothing about it.
        const onIotHubLogs = (c: unknown): boolean => {
            const q = stringAt(c, "query");
            return q !== undefined && !isUnknown(q) && /MICROSOFT\.DEVICES|IOTHUBS/i.test(q);
        };
        if (!ours && !criteria.some(onIotHubLogs)) return;
        criteria.forEach((criterion, i) => {
            const where = criteria.length > 1 ? ` (criterion ${i + 1})` : "";
            const query = stringAt(criterion, "query");
            const dims = listAt(criterion, "dimensions");
            const dimNames = Array.isArray(dims) ? dims.map((d) => stringAt(d, "name")).filter((n): n is string => n !== undefined && !isUnknown(n)) : [];
            const byDevice = dimNames.filter((n) => pattern.test(n));
            if (byDevice.length > 0) {
                reportViolation(
                    `The log search alert ${args.name}${where} splits by device (dimension ${byDevice.map((n) => `"${n}"`).join(", ")}): remove the device dimension and split by hub (_ResourceId / HubName) only; every time series alerts and is billed separately.`,
                );
            }
            if (dimNames.length > MAX_DIMENSIONS) {
                reportViolation(`The log search alert ${args.name}${where} has ${dimNames.length} dimensions; Azure allows at most ${MAX_DIMENSIONS}: remove some.`);
            }
            if (query === undefined || isUnknown(query)) return;
            const measure = stringAt(criterion, "metricMeasureColumn");
            const resourceIdColumn = stringAt(criterion, "resourceIdColumn");
            const problems = [
                ...checkQuery(query, {
                    evaluationFrequency: frequency !== undefined && !isUnknown(frequency) ? frequency : undefined,
                    measureColumn: measure !== undefined && !isUnknown(measure) ? measure : undefined,
                    dimensions: dimNames,
                    resourceIdColumn: resourceIdColumn !== undefined && !isUnknown(resourceIdColumn) ? resourceIdColumn : undefined,
                    requiredName: ours ? MONITORED_HUBS_PARAMETER : undefined,
                }),
                ...checkRuleSize(props),
            ];
            if (problems.length > 0) {
                const listed = problems.slice(0, 5).map((p) => `line ${p.line}:${p.column} ${p.message} [${p.code}]`);
                const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : "";
                reportViolation(
                    `The KQL of log search alert ${args.name}${where} does not pass the checker of npm run kql:check: ${listed.join("; ")}${more}. Fix the query (run npm run kql:check on its .kql file).`,
                );
            }
        });
    },
};

/**
 * `connected-devices-drop-alert` (resource, mandatory): a metric alert on `connectedDeviceCount`
 * (or its deprecated twin) is a drop alert: a static `LessThan` (or `LessThanOrEqual`) on
 * `Minimum` or `Average`. A `GreaterThan` rule, such as the `Average GreaterThan 1` over PT1H that
 * Azure Monitor Baseline Alerts once shipped (AMBA removed it in March 2024, commit 8de35f69),
 * never catches a drop; dynamic thresholds are not supported on this metric; and a snapshot count
 * is never summed.
 */
export const connectedDevicesDropAlert: ResourceValidationPolicy = {
    name: POLICY_NAMES.dropAlert,
    description: "A metric alert on connectedDeviceCount is a drop alert: LessThan on Minimum or Average with a static threshold.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            aggregations: {
                type: "array",
                items: { type: "string", enum: ["Minimum", "Average"] },
                default: ["Minimum", "Average"],
                description: "Aggregations a drop alert may use (connectedDeviceCount is a snapshot: never Total or Count).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.metricAlert) return;
        const props = propsOf(args.props);
        const c = readConfig(args);
        const aggregations = Array.isArray(c.aggregations) ? c.aggregations.filter((a): a is string => typeof a === "string") : ["Minimum", "Average"];
        for (const criterion of metricCriteria(props).filter(isConnectedDevicesCriterion)) {
            const problems: string[] = [];
            if (/dynamic/i.test(criterion.criterionType)) problems.push("it uses a dynamic threshold, which connectedDeviceCount does not support");
            if (!DROP_OPERATORS.includes(criterion.operator)) {
                const amba = /^greaterthan/i.test(criterion.operator) ? " (like the Average GreaterThan 1 rule that Azure Monitor Baseline Alerts once shipped and removed in March 2024)" : "";
                problems.push(`its operator is ${criterion.operator || "(none)"}, which never catches a drop${amba}`);
            }
            if (!aggregations.includes(criterion.timeAggregation)) problems.push(`its aggregation is ${criterion.timeAggregation || "(none)"}`);
            if (problems.length === 0) continue;
            reportViolation(
                `The metric alert ${args.name} watches ${criterion.metricName} (criterion ${criterion.name}) but is not a drop alert: ${problems.join("; ")}. ` +
                    `Use a static threshold with operator LessThan and timeAggregation ${aggregations.join(" or ")}, threshold below the normal count (ConnectedDevicesDropAlert builds one).`,
            );
        }
    },
};

interface WebhookReceiverView {
    readonly name: string;
    readonly serviceUri: unknown;
    readonly useAadAuth: unknown;
    readonly objectId: unknown;
    readonly identifierUri: unknown;
    readonly tenantId: unknown;
}

function webhookReceivers(props: Record<string, unknown>): WebhookReceiverView[] {
    const list = listAt(props, "webhookReceivers");
    if (!Array.isArray(list)) return [];
    return list.map((w) => ({
        name: String(at(w, "name") ?? "?"),
        serviceUri: at(w, "serviceUri"),
        useAadAuth: at(w, "useAadAuth"),
        objectId: at(w, "objectId"),
        identifierUri: at(w, "identifierUri"),
        tenantId: at(w, "tenantId"),
    }));
}

/** `webhooks-use-https` (resource, mandatory): every webhook receiver of an action group calls an `https://` URL (the URL itself is never printed: it is a secret). */
export const webhooksUseHttps: ResourceValidationPolicy = {
    name: POLICY_NAMES.webhookHttps,
    description: "Every webhook receiver of an action group uses an https URL. Applies to any stack.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.actionGroup) return;
        for (const w of webhookReceivers(propsOf(args.props))) {
            if (isUnknown(w.serviceUri)) continue;
            if (typeof w.serviceUri !== "string" || !/^https:\/\//i.test(w.serviceUri)) {
                const scheme = typeof w.serviceUri === "string" ? (/^([a-z][a-z0-9+.-]*):/i.exec(w.serviceUri)?.[1] ?? "no scheme") : "no URL";
                reportViolation(`Action group ${args.name}: webhook receiver "${w.name}" does not use https (${scheme}): set its URL to an https:// endpoint.`);
            }
        }
    },
};

/**
 * `secure-webhooks-in-prod` (resource, mandatory, prod-like stacks only): every webhook receiver is
 * a secure webhook: `useAadAuth` true with the Entra ID application's `objectId`, `identifierUri`
 * and `tenantId` (the `secureWebhook` receiver of the stack config sets them up).
 */
export const secureWebhooksInProd: ResourceValidationPolicy = {
    name: POLICY_NAMES.secureWebhook,
    description: "In prod stacks (by default the names the prod profile runs under: prod, prod-*, production) every webhook receiver is a secure webhook (useAadAuth with an Entra ID application), as the prod profile requires.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...prodLikeSchema, prodLikeStacks: { ...prodLikeSchema.prodLikeStacks, default: [...DEFAULT_SECURE_WEBHOOK_STACKS] } } },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.actionGroup) return;
        if (!isProdLike(args.urn, prodLikeConfig(args, DEFAULT_SECURE_WEBHOOK_STACKS))) return;
        for (const w of webhookReceivers(propsOf(args.props))) {
            if (isUnknown(w.useAadAuth)) continue;
            const missing = ["objectId", "identifierUri", "tenantId"].filter((k) => {
                const v = w[k as keyof WebhookReceiverView];
                return v === undefined || v === "";
            });
            if (w.useAadAuth !== true || missing.length > 0) {
                const why = w.useAadAuth !== true ? "useAadAuth is not true" : `it lacks ${missing.join(", ")}`;
                reportViolation(
                    `Action group ${args.name}: webhook receiver "${w.name}" is not a secure webhook in a prod-like stack (${why}): move it to receivers.secureWebhook in the stack config, which creates the Entra ID application and sets useAadAuth, objectId, identifierUri and tenantId.`,
                );
            }
        }
    },
};

/** Days Azure keeps logs when a workspace does not set `retentionInDays`. */
export const AZURE_DEFAULT_RETENTION_DAYS = 30;

/** `workspace-retention` (resource, mandatory): every Log Analytics workspace the stack creates keeps logs at least `minRetentionDays` (default 30; unset means Azure's 30). */
export const workspaceRetention: ResourceValidationPolicy = {
    name: POLICY_NAMES.retention,
    description: "Every Log Analytics workspace keeps logs at least the configured number of days.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minRetentionDays: { type: "integer", minimum: 1, maximum: 4383, default: 30, description: "Fewest days a workspace may keep logs." } } },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.workspace) return;
        const c = readConfig(args);
        const min = typeof c.minRetentionDays === "number" ? c.minRetentionDays : 30;
        const raw = at(propsOf(args.props), "retentionInDays");
        if (isUnknown(raw)) return;
        const days = typeof raw === "number" ? raw : AZURE_DEFAULT_RETENTION_DAYS;
        if (days < min) {
            const shown = typeof raw === "number" ? `${raw} days` : `not set (Azure keeps ${AZURE_DEFAULT_RETENTION_DAYS} days)`;
            reportViolation(`Log Analytics workspace ${args.name} keeps logs ${shown}; at least ${min} days are required: set retentionInDays to ${min} or more (stack config workspace.retentionInDays).`);
        }
    },
};

/** Every policy of the pack, in the order of the README. */
export const POLICIES: Policies = [
    hubConnectionsDiagnostics,
    hubDetectionsEnabled,
    noSilentAlerts,
    noSilentAlertsNonProd,
    logAlertQueryValid,
    connectedDevicesDropAlert,
    webhooksUseHttps,
    secureWebhooksInProd,
    workspaceRetention,
];
