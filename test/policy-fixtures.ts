/**
 * Test support (not a test): resources shaped like the ones the components create, and the
 * argument bags the policy SDK passes to `validateResource` / `validateStack`, so each policy can
 * be called directly.
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { DETECTIONS } from "../queries/catalog";
import { resolveDetectionRule, scheduledQueryRuleArgs } from "../components/detectionRule";
import { TYPES } from "../policy/resources";

export const SUB = "9b1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";
export const HUB_ID = `/subscriptions/${SUB}/resourceGroups/rg-iot/providers/Microsoft.Devices/IotHubs/contoso-hub-a`;
export const HUB_B_ID = `/subscriptions/${SUB}/resourceGroups/rg-iot/providers/Microsoft.Devices/IotHubs/contoso-hub-b`;
export const WORKSPACE_ID = `/subscriptions/${SUB}/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/law`;
export const ACTION_GROUP_ID = `/subscriptions/${SUB}/resourceGroups/rg-mon/providers/microsoft.insights/actionGroups/alerts`;

/** A fixture resource: type, logical name and properties. */
export interface Fixture {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
}

export function urn(stack: string, type: string, name: string): string {
    return `urn:pulumi:${stack}::iothub-404104::${type}::${name}`;
}

/** The diagnostic setting HubDiagnostics creates. */
export function diagnosticSetting(hubId: string = HUB_ID, overrides: Record<string, unknown> = {}): Fixture {
    return {
        type: TYPES.diagnosticSetting,
        name: `${hubId.split("/").pop()}-diagnostics`,
        props: { name: "iothub-404104-monitoring", resourceUri: hubId, workspaceId: WORKSPACE_ID, logs: [{ category: "Connections", enabled: true }], metrics: [{ category: "AllMetrics", enabled: true }], ...overrides },
    };
}

/** The drop alert ConnectedDevicesDropAlert creates (criterion overridable). */
export function dropAlert(hubId: string = HUB_ID, criterion: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): Fixture {
    return {
        type: TYPES.metricAlert,
        name: `${hubId.split("/").pop()}-connected-devices-drop`,
        props: {
            location: "global",
            enabled: true,
            scopes: [hubId],
            severity: 1,
            evaluationFrequency: "PT1M",
            windowSize: "PT5M",
            criteria: {
                odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                allOf: [{ criterionType: "StaticThresholdCriterion", name: "ConnectedDevicesDrop", metricName: "connectedDeviceCount", metricNamespace: "Microsoft.Devices/IotHubs", operator: "LessThan", timeAggregation: "Minimum", threshold: 80, ...criterion }],
            },
            actions: [{ actionGroupId: ACTION_GROUP_ID }],
            ...overrides,
        },
    };
}

/** The log search alert the components build for one detection and hub (the real rendered query). */
export function rule(detectionId: string = DETECTIONS[0].id, hubId: string = HUB_ID, overrides: Record<string, unknown> = {}): Fixture {
    const def = DETECTIONS.find((d) => d.id === detectionId);
    if (!def) throw new Error(`no detection ${detectionId}`);
    const resolved = resolveDetectionRule("test", def, hubId, "prod");
    const args = scheduledQueryRuleArgs(resolved, { resourceGroupName: "rg-mon", location: "westeurope", workspaceId: WORKSPACE_ID, actionGroupIds: [ACTION_GROUP_ID] });
    return { type: TYPES.scheduledQueryRule, name: `${hubId.split("/").pop()}-${detectionId}`, props: { ...JSON.parse(JSON.stringify(args)), ...overrides } };
}

/** The Resource Health alert PlatformHealthAlerts creates, scoped to the given hubs. */
export function resourceHealthAlert(hubIds: readonly string[] = [HUB_ID], overrides: Record<string, unknown> = {}): Fixture {
    return {
        type: TYPES.activityLogAlert,
        name: `resource-health-${hubIds.map((h) => h.split("/").pop()).join("-")}`,
        props: {
            location: "Global",
            enabled: true,
            scopes: [...hubIds],
            condition: { allOf: [{ field: "category", equals: "ResourceHealth" }, { anyOf: [{ field: "properties.currentHealthStatus", equals: "Degraded" }, { field: "properties.currentHealthStatus", equals: "Unavailable" }] }] },
            actions: { actionGroups: [{ actionGroupId: ACTION_GROUP_ID }] },
            ...overrides,
        },
    };
}

/** Every resource our components create for one hub: diagnostic setting, drop alert, one rule per detection, its Resource Health alert. */
export function monitoredHub(hubId: string = HUB_ID): Fixture[] {
    return [diagnosticSetting(hubId), dropAlert(hubId), ...DETECTIONS.map((d) => rule(d.id, hubId)), resourceHealthAlert([hubId])];
}

/** An action group with the given webhook receivers. */
export function actionGroup(webhookReceivers: Record<string, unknown>[]): Fixture {
    return {
        type: TYPES.actionGroup,
        name: "alerts",
        props: { location: "Global", groupShortName: "IoTHub404104", enabled: true, emailReceivers: [{ name: "oncall", emailAddress: "oncall@contoso.com" }], webhookReceivers },
    };
}

/** A Log Analytics workspace. */
export function workspace(retentionInDays?: number): Fixture {
    return { type: TYPES.workspace, name: "workspace", props: retentionInDays === undefined ? { sku: { name: "PerGB2018" } } : { sku: { name: "PerGB2018" }, retentionInDays } };
}

/** What a policy reported. */
export interface Reported {
    readonly message: string;
    readonly urn?: string;
}

function collector(): { reported: Reported[]; report: ReportViolation } {
    const reported: Reported[] = [];
    return { reported, report: (message: string, urn?: string) => reported.push({ message, urn }) };
}

/** Calls a resource policy on one fixture in `stack` with `config`; returns what it reported. */
export async function runResourcePolicy(policy: ResourceValidationPolicy, f: Fixture, options: { stack?: string; config?: Record<string, unknown> } = {}): Promise<Reported[]> {
    const { reported, report } = collector();
    const args: ResourceValidationArgs = {
        type: f.type,
        props: f.props,
        urn: urn(options.stack ?? "dev", f.type, f.name),
        name: f.name,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => (options.config ?? {}) as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason}`);
        },
    };
    const validations = policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    for (const v of validations) await v(args, report);
    return reported;
}

/** Calls a stack policy on fixtures in `stack` with `config`; returns what it reported. */
export async function runStackPolicy(policy: StackValidationPolicy, fixtures: readonly Fixture[], options: { stack?: string; config?: Record<string, unknown> } = {}): Promise<Reported[]> {
    const { reported, report } = collector();
    const resources: PolicyResource[] = fixtures.map((f) => ({
        type: f.type,
        props: f.props,
        urn: urn(options.stack ?? "dev", f.type, f.name),
        name: f.name,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    }));
    const args: StackValidationArgs = {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => (options.config ?? {}) as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason}`);
        },
    };
    await policy.validateStack(args, report);
    return reported;
}
