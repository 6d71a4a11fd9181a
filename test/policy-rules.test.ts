/**
 * Every policy of the pack, called directly: a compliant case passes, a non-compliant one reports
 * the violation with a message that names the resource and what to change.
 */
import { describe, expect, it } from "vitest";
import { DETECTIONS } from "../queries/catalog";
import {
    connectedDevicesDropAlert,
    hubConnectionsDiagnostics,
    hubDetectionsEnabled,
    logAlertQueryValid,
    noSilentAlerts,
    noSilentAlertsNonProd,
    POLICIES,
    secureWebhooksInProd,
    webhooksUseHttps,
    workspaceRetention,
} from "../policy/policies";
import { TYPES, UNKNOWN_SENTINELS } from "../policy/resources";
import {
    actionGroup,
    diagnosticSetting,
    dropAlert,
    HUB_B_ID,
    HUB_ID,
    monitoredHub,
    resourceHealthAlert,
    rule,
    runResourcePolicy,
    SUB,
    runStackPolicy,
    workspace,
    type Fixture,
} from "./policy-fixtures";

const UNKNOWN = UNKNOWN_SENTINELS[0];
const FIRST = DETECTIONS[0].id;

describe("the pack's policies", () => {
    it("have unique names, a description and an enforcement level each", () => {
        const names = POLICIES.map((p) => p.name);
        expect(new Set(names).size).toBe(names.length);
        for (const p of POLICIES) {
            expect(p.description.length).toBeGreaterThan(20);
            expect(["advisory", "mandatory"]).toContain(p.enforcementLevel);
            expect(Object.keys(p.configSchema?.properties ?? {})).not.toContain("enforcementLevel");
        }
    });
});

describe("hub-connections-diagnostics", () => {
    it("passes when every monitored hub sends Connections to a workspace", async () => {
        expect(await runStackPolicy(hubConnectionsDiagnostics, [...monitoredHub(HUB_ID), ...monitoredHub(HUB_B_ID)])).toEqual([]);
    });

    it("reports a monitored hub without a diagnostic setting, naming the hub and what to add", async () => {
        const resources = monitoredHub(HUB_ID).filter((f) => f.type !== TYPES.diagnosticSetting);
        const reported = await runStackPolicy(hubConnectionsDiagnostics, resources);
        expect(reported).toHaveLength(1);
        expect(reported[0].message).toContain("Monitored IoT Hub contoso-hub-a has no diagnostic setting");
        expect(reported[0].message).toContain('logs [{category: "Connections", enabled: true}]');
        expect(reported[0].urn).toContain("contoso-hub-a");
    });

    it("reports a setting that does not send Connections, or sends to no workspace", async () => {
        const noConnections = await runStackPolicy(hubConnectionsDiagnostics, [diagnosticSetting(HUB_ID, { logs: [{ category: "Routes", enabled: true }, { category: "Connections", enabled: false }] })]);
        expect(noConnections[0].message).toContain('Diagnostic setting contoso-hub-a-diagnostics on IoT Hub contoso-hub-a does not count: its logs do not include "Connections" enabled (logs: Routes, Connections (disabled))');
        const storageOnly = await runStackPolicy(hubConnectionsDiagnostics, [diagnosticSetting(HUB_ID, { workspaceId: undefined, storageAccountId: "/subscriptions/x/providers/Microsoft.Storage/storageAccounts/s" })]);
        expect(storageOnly[0].message).toContain("sends to no Log Analytics workspace (workspaceId is not set)");
    });

    it("requires a setting for every IoT Hub the stack creates, matched by its name", async () => {
        const hub: Fixture = { type: TYPES.iotHub, name: "edge-hub", props: { resourceName: "contoso-edge", resourceGroupName: "rg-iot", sku: { name: "S1", capacity: 1 } } };
        const reported = await runStackPolicy(hubConnectionsDiagnostics, [hub]);
        expect(reported[0].message).toContain("IoT Hub contoso-edge (resource edge-hub) has no diagnostic setting");
        const edgeId = HUB_ID.replace("contoso-hub-a", "contoso-edge");
        expect(await runStackPolicy(hubConnectionsDiagnostics, [hub, diagnosticSetting(edgeId)])).toEqual([]);
    });

    it("accepts a workspace id that is unknown during preview", async () => {
        expect(await runStackPolicy(hubConnectionsDiagnostics, [diagnosticSetting(HUB_ID, { workspaceId: UNKNOWN })])).toEqual([]);
    });
});

describe("hub-detections-enabled", () => {
    it("passes when every hub has every detection and the drop alert", async () => {
        expect(await runStackPolicy(hubDetectionsEnabled, [...monitoredHub(HUB_ID), ...monitoredHub(HUB_B_ID)])).toEqual([]);
    });

    it("reports a detection turned off, naming hub, detection and the waiver that would allow it", async () => {
        const resources = monitoredHub(HUB_ID).filter((f) => f.name !== `contoso-hub-a-${FIRST}`);
        const reported = await runStackPolicy(hubDetectionsEnabled, resources);
        expect(reported).toHaveLength(1);
        expect(reported[0].message).toContain(`Monitored IoT Hub contoso-hub-a has the "${FIRST}" log alert turned off or missing`);
        expect(reported[0].message).toContain(`{"hub":"contoso-hub-a","detection":"${FIRST}","reason":"<why>","approvedBy":"<who>"}`);
    });

    it("counts a disabled rule as turned off", async () => {
        const resources = monitoredHub(HUB_ID).map((f) => (f.name === `contoso-hub-a-${FIRST}` ? { ...f, props: { ...f.props, enabled: false } } : f));
        expect(await runStackPolicy(hubDetectionsEnabled, resources)).toHaveLength(1);
    });

    it("reports a missing drop alert, and does not count a GreaterThan alert as one", async () => {
        const resources = monitoredHub(HUB_ID).map((f) => (f.type === TYPES.metricAlert ? dropAlert(HUB_ID, { operator: "GreaterThan", timeAggregation: "Average", threshold: 1 }) : f));
        const reported = await runStackPolicy(hubDetectionsEnabled, resources);
        expect(reported.map((r) => r.message)).toEqual([expect.stringContaining("has the connected-devices drop alert (LessThan on connectedDeviceCount) turned off or missing")]);
    });
    it("reports a hub without a Resource Health alert, and counts one scoped to its subscription", async () => {
        const without = monitoredHub(HUB_ID).filter((f) => f.type !== TYPES.activityLogAlert);
        const reported = await runStackPolicy(hubDetectionsEnabled, without);
        expect(reported.map((r) => r.message)).toEqual([expect.stringContaining('has a Resource Health alert (activity log alert, category ResourceHealth) covering it turned off or missing: re-enable it (remove "enabled: false" from the hub\'s detections config), or add a waiver {"hub":"contoso-hub-a","detection":"resource-health"')]);
        expect(await runStackPolicy(hubDetectionsEnabled, [...without, resourceHealthAlert([`/subscriptions/${SUB}`])])).toEqual([]);
        // A Service Health alert is not a Resource Health alert.
        const serviceHealth = resourceHealthAlert([HUB_ID], { condition: { allOf: [{ field: "category", equals: "ServiceHealth" }] } });
        expect(await runStackPolicy(hubDetectionsEnabled, [...without, serviceHealth])).toHaveLength(1);
    });
});

describe("no-silent-alerts (prod-like) and no-silent-alerts-nonprod", () => {
    const silentRule = rule(FIRST, HUB_ID, { actions: { actionGroups: [], customProperties: { detection: FIRST, hub: "contoso-hub-a", symptom: "1" } } });
    const silentMetric = dropAlert(HUB_ID, {}, { actions: [] });

    it("pass alerts that notify an action group", async () => {
        for (const f of [rule(), dropAlert()]) {
            expect(await runResourcePolicy(noSilentAlerts, f, { stack: "prod" })).toEqual([]);
            expect(await runResourcePolicy(noSilentAlertsNonProd, f, { stack: "dev" })).toEqual([]);
        }
    });

    it("report a silent log alert and metric alert in a prod-like stack", async () => {
        const r1 = await runResourcePolicy(noSilentAlerts, silentRule, { stack: "prod" });
        expect(r1[0].message).toBe(
            `The log search alert contoso-hub-a-${FIRST} notifies no action group, so it fires silently: set actions.actionGroups to at least one action group (configure receivers or existingActionGroupIds in the stack config).`,
        );
        const r2 = await runResourcePolicy(noSilentAlerts, silentMetric, { stack: "prod-weu" });
        expect(r2[0].message).toContain("The metric alert contoso-hub-a-connected-devices-drop notifies no action group");
    });

    it("split by prod-likeness: the mandatory policy skips dev, the advisory one skips prod", async () => {
        expect(await runResourcePolicy(noSilentAlerts, silentRule, { stack: "dev" })).toEqual([]);
        expect(await runResourcePolicy(noSilentAlertsNonProd, silentRule, { stack: "dev" })).toHaveLength(1);
        expect(await runResourcePolicy(noSilentAlertsNonProd, silentRule, { stack: "prod" })).toEqual([]);
    });

    it("take prod-likeness from the config: stack patterns or an explicit switch", async () => {
        expect(await runResourcePolicy(noSilentAlerts, silentRule, { stack: "live-eu", config: { prodLikeStacks: ["live-*"] } })).toHaveLength(1);
        expect(await runResourcePolicy(noSilentAlerts, silentRule, { stack: "dev", config: { prodLike: true } })).toHaveLength(1);
        expect(await runResourcePolicy(noSilentAlerts, silentRule, { stack: "prod", config: { prodLike: false } })).toEqual([]);
    });

    it("leave a list that is unknown during preview to the update", async () => {
        expect(await runResourcePolicy(noSilentAlerts, dropAlert(HUB_ID, {}, { actions: UNKNOWN }), { stack: "prod" })).toEqual([]);
    });
});

describe("log-alert-query-valid", () => {
    it("passes every rule the components build", async () => {
        for (const d of DETECTIONS) expect(await runResourcePolicy(logAlertQueryValid, rule(d.id))).toEqual([]);
    });

    it("reports a query that does not bind against the schema, with the checker's message", async () => {
        const f = rule();
        const criteria = f.props.criteria as { allOf: Record<string, unknown>[] };
        const broken = { ...f, props: { ...f.props, criteria: { allOf: [{ ...criteria.allOf[0], query: `${String(criteria.allOf[0].query)}\n| where NoSuchColumn == 1` }] } } };
        const reported = await runResourcePolicy(logAlertQueryValid, broken);
        expect(reported).toHaveLength(1);
        expect(reported[0].message).toContain(`The KQL of log search alert contoso-hub-a-${FIRST} does not pass the checker of npm run kql:check`);
        expect(reported[0].message).toContain("NoSuchColumn");
        expect(reported[0].message).toContain("[KS142]");
    });

    it("reports a device dimension", async () => {
        const f = rule();
        const criteria = f.props.criteria as { allOf: Record<string, unknown>[] };
        const dims = [...(criteria.allOf[0].dimensions as unknown[]), { name: "DeviceId", operator: "Include", values: ["*"] }];
        const byDevice = { ...f, props: { ...f.props, criteria: { allOf: [{ ...criteria.allOf[0], dimensions: dims }] } } };
        const messages = (await runResourcePolicy(logAlertQueryValid, byDevice)).map((r) => r.message);
        expect(messages[0]).toContain(`The log search alert contoso-hub-a-${FIRST} splits by device (dimension "DeviceId"): remove the device dimension`);
    });
});

describe("connected-devices-drop-alert", () => {
    it("passes LessThan on Minimum or Average", async () => {
        expect(await runResourcePolicy(connectedDevicesDropAlert, dropAlert())).toEqual([]);
        expect(await runResourcePolicy(connectedDevicesDropAlert, dropAlert(HUB_ID, { timeAggregation: "Average" }))).toEqual([]);
    });

    it("reports the GreaterThan alert Azure Monitor Baseline Alerts once shipped, which never catches a drop, and says it was removed", async () => {
        const baseline = dropAlert(HUB_ID, { operator: "GreaterThan", timeAggregation: "Average", threshold: 1, name: "Metric1" });
        const reported = await runResourcePolicy(connectedDevicesDropAlert, baseline);
        expect(reported[0].message).toBe(
            "The metric alert contoso-hub-a-connected-devices-drop watches connectedDeviceCount (criterion Metric1) but is not a drop alert: its operator is GreaterThan, which never catches a drop (like the Average GreaterThan 1 rule that Azure Monitor Baseline Alerts once shipped and removed in March 2024). " +
                "Use a static threshold with operator LessThan and timeAggregation Minimum or Average, threshold below the normal count (ConnectedDevicesDropAlert builds one).",
        );
    });

    it("reports a summed count and a dynamic threshold", async () => {
        const total = await runResourcePolicy(connectedDevicesDropAlert, dropAlert(HUB_ID, { timeAggregation: "Total" }));
        expect(total[0].message).toContain("its aggregation is Total");
        const dynamic = await runResourcePolicy(connectedDevicesDropAlert, dropAlert(HUB_ID, { criterionType: "DynamicThresholdCriterion" }));
        expect(dynamic[0].message).toContain("dynamic threshold");
    });

    it("ignores metric alerts on other metrics", async () => {
        expect(await runResourcePolicy(connectedDevicesDropAlert, dropAlert(HUB_ID, { metricName: "d2c.telemetry.ingress.success", operator: "GreaterThan", timeAggregation: "Total" }))).toEqual([]);
    });
});

describe("webhooks-use-https", () => {
    it("passes https webhooks", async () => {
        expect(await runResourcePolicy(webhooksUseHttps, actionGroup([{ name: "ops", serviceUri: "https://ops.contoso.com/hook", useAadAuth: false }]))).toEqual([]);
    });

    it("reports an http webhook without printing its URL", async () => {
        const reported = await runResourcePolicy(webhooksUseHttps, actionGroup([{ name: "ops", serviceUri: "http://ops.contoso.com/hook?token=s3cret", useAadAuth: false }]));
        expect(reported[0].message).toBe('Action group alerts: webhook receiver "ops" does not use https (http): set its URL to an https:// endpoint.');
        expect(reported[0].message).not.toContain("s3cret");
    });
});

describe("secure-webhooks-in-prod", () => {
    const plainHook = actionGroup([{ name: "ops", serviceUri: "https://ops.contoso.com/hook", useAadAuth: false }]);
    const secureHook = actionGroup([{ name: "incident-api", serviceUri: "https://x", useAadAuth: true, objectId: "o", identifierUri: "api://x", tenantId: "t" }]);

    it("passes secure webhooks in prod and plain ones in dev", async () => {
        expect(await runResourcePolicy(secureWebhooksInProd, secureHook, { stack: "prod" })).toEqual([]);
        expect(await runResourcePolicy(secureWebhooksInProd, plainHook, { stack: "dev" })).toEqual([]);
    });

    it("reports a plain webhook in a prod stack", async () => {
        const reported = await runResourcePolicy(secureWebhooksInProd, plainHook, { stack: "prod" });
        expect(reported[0].message).toContain('Action group alerts: webhook receiver "ops" is not a secure webhook in a prod-like stack (useAadAuth is not true): move it to receivers.secureWebhook');
    });
    it("leaves a staging stack's plain webhook alone by default, as the staging profile does, unless the config says otherwise", async () => {
        expect(await runResourcePolicy(secureWebhooksInProd, plainHook, { stack: "staging" })).toEqual([]);
        expect(await runResourcePolicy(secureWebhooksInProd, plainHook, { stack: "staging", config: { prodLikeStacks: ["staging"] } })).toHaveLength(1);
    });
});

describe("workspace-retention", () => {
    it("passes 30 days by default and the configured minimum", async () => {
        expect(await runResourcePolicy(workspaceRetention, workspace(30))).toEqual([]);
        expect(await runResourcePolicy(workspaceRetention, workspace(90), { config: { minRetentionDays: 90 } })).toEqual([]);
    });

    it("reports fewer days than configured, and an unset retention as Azure's 30", async () => {
        const r = await runResourcePolicy(workspaceRetention, workspace(30), { config: { minRetentionDays: 90 } });
        expect(r[0].message).toBe("Log Analytics workspace workspace keeps logs 30 days; at least 90 days are required: set retentionInDays to 90 or more (stack config workspace.retentionInDays).");
        const unset = await runResourcePolicy(workspaceRetention, workspace(), { config: { minRetentionDays: 60 } });
        expect(unset[0].message).toContain("keeps logs not set (Azure keeps 30 days)");
    });
});
