import { beforeAll, describe, expect, it } from "vitest";
import { Provider as AzureNativeProvider } from "@pulumi/azure-native/provider";
import { Provider as AzureAdProvider } from "@pulumi/azuread/provider";
import { OfflineEngine, MOCK_TENANT_ID, mockGuid, type RecordedResource } from "../program/offline";
import { ACTION_GROUP_ID, HUB_A, HUB_B, WORKSPACE_ID, one, under } from "./support/fixtures";

const T = {
    workspace: "azure-native:operationalinsights:Workspace",
    diag: "azure-native:monitor:DiagnosticSetting",
    ag: "azure-native:monitor:ActionGroup",
    metric: "azure-native:monitor:MetricAlert",
    rule: "azure-native:monitor:ScheduledQueryRule",
    app: "azuread:index/application:Application",
    sp: "azuread:index/servicePrincipal:ServicePrincipal",
    uri: "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri",
    role: "azuread:index/appRoleAssignment:AppRoleAssignment",
};

let engine: OfflineEngine;
let R: RecordedResource[];
const EXTRA_OWNER = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
let C: typeof import("../components");
let notifyListLength: number;
let fleetOutputs: { actionGroupIds: string[]; ruleKeys: string[] };

beforeAll(async () => {
    engine = await OfflineEngine.start({ project: "components-test", stack: "test" });
    C = await import("../components");
    const opts = { transformations: [engine.transformation] };

    new C.MonitoringWorkspace("ws-created", { resourceGroupName: "rg-mon", location: "westeurope", retentionInDays: 60, dailyQuotaGb: 5 }, opts);
    new C.MonitoringWorkspace("ws-deletable", { resourceGroupName: "rg-mon", location: "westeurope", retainOnDelete: false }, opts);
    new C.MonitoringWorkspace("ws-existing", { existingWorkspaceId: WORKSPACE_ID }, opts);
    new C.MonitoringWorkspace("ws-commitment", { resourceGroupName: "rg-mon", location: "westeurope", sku: "CapacityReservation", capacityReservationLevel: 100 }, opts);
    new C.HubDiagnostics("diag-default", { hubResourceId: HUB_A, workspaceId: WORKSPACE_ID }, opts);
    new C.HubDiagnostics("diag-extra", { hubResourceId: HUB_B, workspaceId: WORKSPACE_ID, additionalCategories: ["DeviceTelemetry"], sendAllMetrics: false, settingName: "from-portal", adoptExisting: true }, opts);
    notifyListLength = new C.AlertNotifications(
        "notify",
        {
            resourceGroupName: "rg-mon",
            emails: [{ name: "oncall", address: "oncall@contoso.com" }],
            webhooks: [{ name: "chat", url: "https://hooks.contoso.com/T123" }],
            secureWebhook: { name: "incident", url: "https://incident.contoso.com/api/alerts", owners: [EXTRA_OWNER] },
            existingActionGroupIds: [ACTION_GROUP_ID],
        },
        opts,
    ).actionGroupIdList.length;
    new C.ConnectedDevicesDropAlert("drop-derived", { resourceGroupName: "rg-mon", hubResourceId: HUB_A, expectedConnectedDevices: 1000, maxDropPercent: 25, actionGroupIds: [ACTION_GROUP_ID] }, opts);
    new C.ConnectedDevicesDropAlert("drop-direct", { resourceGroupName: "rg-mon", hubResourceId: HUB_B, threshold: 42, timeAggregation: "Average", windowSize: "PT15M", evaluationFrequency: "PT5M", severity: 0 }, opts);
    new C.HubMonitoring(
        "single",
        {
            hubResourceId: HUB_A,
            resourceGroupName: "rg-mon",
            location: "westeurope",
            profile: "dev",
            workspace: { existingWorkspaceId: WORKSPACE_ID },
            connectedDevicesAlert: { threshold: 10 },
        },
        opts,
    );
    const fleet = new C.FleetMonitoring(
        "fleet",
        {
            hubResourceIds: [HUB_A],
            hubs: [{ hubResourceId: HUB_B, connectedDevicesAlert: { expectedConnectedDevices: 500 }, detections: { "mass-disconnect": { severity: 4 } } }],
            resourceGroupName: "rg-mon",
            location: "westeurope",
            profile: "prod",
            notifications: { emails: [{ name: "oncall", address: "oncall@contoso.com" }] },
            connectedDevicesAlert: { expectedConnectedDevices: 2000 },
            detections: { "mass-disconnect": { parameters: { numbers: { minDevices: 25 } } } },
        },
        opts,
    );
    const nativeProvider = new AzureNativeProvider("other-subscription", { subscriptionId: "11111111-1111-1111-1111-111111111111" }, opts);
    const adProvider = new AzureAdProvider("other-tenant", { tenantId: "22222222-2222-2222-2222-222222222222" }, opts);
    new C.HubMonitoring(
        "provided",
        {
            hubResourceId: HUB_B,
            resourceGroupName: "rg-mon",
            location: "westeurope",
            profile: "prod",
            notifications: { secureWebhook: { name: "incident", url: "https://incident.contoso.com/api" } },
            connectedDevicesAlert: { threshold: 3 },
        },
        { ...opts, providers: [nativeProvider, adProvider] },
    );
    const agIds = new Promise<string[]>((resolve) => fleet.actionGroupIds.apply(resolve));
    await engine.settle();
    fleetOutputs = { actionGroupIds: await agIds, ruleKeys: Object.keys(fleet.ruleIds) };
    R = engine.resources;
});

describe("MonitoringWorkspace", () => {
    it("creates a PerGB2018 workspace with the retention and daily cap given, retained on delete by default", () => {
        const ws = one(R, T.workspace, "ws-created");
        expect(ws.inputs.sku).toEqual({ name: "PerGB2018" });
        expect(ws.inputs.retentionInDays).toBe(60);
        expect(ws.inputs.workspaceCapping).toEqual({ dailyQuotaGb: 5 });
        expect(ws.retainOnDelete).toBe(true);
    });
    it("lets Pulumi delete the workspace only when retainOnDelete is false", () => {
        expect(one(R, T.workspace, "ws-deletable").retainOnDelete).toBe(false);
        expect(one(R, T.workspace, "ws-deletable").inputs.retentionInDays).toBe(30);
    });
    it("reserves the commitment tier given with the CapacityReservation SKU, and refuses the SKU without a tier Azure offers", () => {
        expect(one(R, T.workspace, "ws-commitment").inputs.sku).toEqual({ name: "CapacityReservation", capacityReservationLevel: 100 });
        const base = { resourceGroupName: "rg", location: "westeurope" };
        expect(() => new C.MonitoringWorkspace("bad-tier", { ...base, sku: "CapacityReservation" })).toThrow(
            "MonitoringWorkspaceArgs.capacityReservationLevel: (missing) is not valid; allowed with sku CapacityReservation: one of 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 25000, 50000 (GB per day)",
        );
        expect(() => new C.MonitoringWorkspace("bad-tier-2", { ...base, sku: "CapacityReservation", capacityReservationLevel: 150 })).toThrow(/capacityReservationLevel: 150 is not valid/);
        expect(() => new C.MonitoringWorkspace("bad-tier-3", { ...base, capacityReservationLevel: 100 })).toThrow(/capacityReservationLevel: 100 is not valid; applies only with sku CapacityReservation/);
    });
    it("creates nothing for an existing workspace", () => {
        expect(under(R, T.workspace, "ws-existing")).toHaveLength(0);
    });
    it("refuses retention outside 30..730 days and settings that only apply to a created workspace", () => {
        expect(() => new C.MonitoringWorkspace("bad-ret", { resourceGroupName: "rg", location: "westeurope", retentionInDays: 7 })).toThrow(
            "MonitoringWorkspaceArgs.retentionInDays: 7 is not valid; allowed: an integer from 30 to 730 days (limit workspace-retention, azure/limits.ts)",
        );
        expect(() => new C.MonitoringWorkspace("bad-mix", { existingWorkspaceId: WORKSPACE_ID, retentionInDays: 90 })).toThrow(/retentionInDays: only applies to a created workspace/);
        expect(() => new C.MonitoringWorkspace("bad-id", { existingWorkspaceId: "/subscriptions/x/workspaces/y" })).toThrow(/existingWorkspaceId: "\/subscriptions\/x\/workspaces\/y" is not valid/);
    });
});

describe("HubDiagnostics", () => {
    it("sends Connections and AllMetrics from the hub to the workspace", () => {
        const d = one(R, T.diag, "diag-default");
        expect(d.inputs.resourceUri).toBe(HUB_A);
        expect(d.inputs.workspaceId).toBe(WORKSPACE_ID);
        expect(d.inputs.name).toBe("iothub-404104-monitoring");
        expect(d.inputs.logs).toEqual([{ category: "Connections", enabled: true }]);
        expect(d.inputs.metrics).toEqual([{ category: "AllMetrics", enabled: true }]);
        expect(d.importId).toBeUndefined();
    });
    it("adds categories and adopts a portal-made setting by importing it under its name", () => {
        const d = one(R, T.diag, "diag-extra");
        expect(d.inputs.logs).toEqual([
            { category: "Connections", enabled: true },
            { category: "DeviceTelemetry", enabled: true },
        ]);
        expect(d.inputs.metrics).toEqual([]);
        expect(d.importId).toBe(`${HUB_B}/providers/Microsoft.Insights/diagnosticSettings/from-portal`);
    });
    it("refuses unknown or repeated categories", () => {
        expect(() => new C.HubDiagnostics("bad-cat", { hubResourceId: HUB_A, workspaceId: WORKSPACE_ID, additionalCategories: ["Conections" as never] })).toThrow(
            /additionalCategories\[0\]: "Conections" is not valid; allowed: Connections, DeviceTelemetry/,
        );
        expect(() => new C.HubDiagnostics("dup-cat", { hubResourceId: HUB_A, workspaceId: WORKSPACE_ID, additionalCategories: ["Connections"] })).toThrow(/it repeats/);
    });
});

describe("names and tags within Azure's limits", () => {
    const base = { resourceGroupName: "rg", location: "westeurope" };
    it("refuses a created workspace's name outside 4-63 letters, digits and hyphens, and an auto-name that would not fit", () => {
        for (const bad of ["abc", "-starts-with-hyphen", "ends-with-hyphen-", "under_score", "a".repeat(64)]) {
            expect(() => new C.MonitoringWorkspace(`ws-name-${bad.length}-${bad.slice(0, 3)}`, { ...base, workspaceName: bad })).toThrow(
                `MonitoringWorkspaceArgs.workspaceName: ${JSON.stringify(bad)} is not valid; allowed: 4-63 letters, digits or hyphens, starting and ending with a letter or digit (limit workspace-name, azure/limits.ts)`,
            );
        }
        expect(() => new C.MonitoringWorkspace("ok-name", { ...base, workspaceName: "law-iot-404104" })).not.toThrow();
        const long = `w${"x".repeat(54)}`;
        expect(() => new C.MonitoringWorkspace(long, base)).toThrow(/^MonitoringWorkspaceArgs\.workspaceName: "wx+" is not valid; a created workspace without workspaceName is auto-named from this name plus up to 9 random characters/);
        expect(() => new C.MonitoringWorkspace(long, { ...base, workspaceName: "law-iot-404104" })).not.toThrow();
        expect(() => new C.MonitoringWorkspace("under_score", base)).toThrow(/workspaceName: "under_score" is not valid; a created workspace without workspaceName is auto-named/);
    });
    it("refuses more than 50 tags, tag names over 512 characters or with <>%&\\?/, and values over 256 characters", () => {
        const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, "v"]));
        expect(() => new C.MonitoringWorkspace("tags-many", { ...base, tags: many })).toThrow(
            "MonitoringWorkspaceArgs.tags: \"(51 tags)\" is not valid; 51 tags; allowed: at most 50 (limit tags, azure/limits.ts)",
        );
        expect(() => new C.MonitoringWorkspace("tags-50", { ...base, tags: Object.fromEntries(Object.entries(many).slice(0, 50)) })).not.toThrow();
        expect(() => new C.MonitoringWorkspace("tags-slash", { ...base, tags: { "team/owner": "iot" } })).toThrow(
            'MonitoringWorkspaceArgs.tags.team/owner: "team/owner" is not valid; a tag name with "/"; tag names may not contain any of < > % & \\ ? / (limit tags, azure/limits.ts)',
        );
        expect(() => new C.AlertNotifications("tags-key", { resourceGroupName: "rg", emails: [{ name: "x", address: "x@contoso.com" }], tags: { ["k".repeat(513)]: "v" } })).toThrow(
            /^AlertNotificationsArgs\.tags\.k+: "k+" is not valid; a tag name of 513 characters; allowed: 1 to 512/,
        );
        expect(() => new C.ConnectedDevicesDropAlert("tags-value", { resourceGroupName: "rg", hubResourceId: HUB_A, threshold: 1, tags: { owner: "v".repeat(257) } })).toThrow(
            /^ConnectedDevicesDropAlertArgs\.tags\.owner: "v+" is not valid; a tag value of 257 characters; allowed: at most 256/,
        );
        expect(() =>
            new C.FleetMonitoring("tags-fleet", { hubResourceIds: [HUB_A], ...base, profile: "dev", connectedDevicesAlert: { threshold: 1 }, tags: { "a<b": "x" } }),
        ).toThrow(/^FleetMonitoringArgs\.tags\.a<b: "a<b" is not valid; a tag name with "<"/);
    });
});

describe("AlertNotifications", () => {
    it("makes the deploying principal and the configured owners own the secure-webhook application and its service principal", () => {
        const deployer = mockGuid("deployer-object");
        expect(one(R, T.app, "notify-secure-webhook-app").inputs.owners).toEqual([deployer, EXTRA_OWNER]);
        expect(one(R, T.sp, "notify-secure-webhook-sp").inputs.owners).toEqual([deployer, EXTRA_OWNER]);
        expect(one(R, T.app, "provided-alerts-secure-webhook-app").inputs.owners).toEqual([deployer]);
    });
    it("refuses owners that are not object ids, repeated owners, and an application nobody would own", () => {
        const hook = { name: "h", url: "https://h.contoso.com/x" };
        expect(() => new C.AlertNotifications("own-bad", { resourceGroupName: "rg", secureWebhook: { ...hook, owners: ["alice@contoso.com"] } })).toThrow(
            'AlertNotificationsArgs.secureWebhook.owners[0]: "alice@contoso.com" is not valid; allowed: a GUID',
        );
        expect(() => new C.AlertNotifications("own-dup", { resourceGroupName: "rg", secureWebhook: { ...hook, owners: [EXTRA_OWNER, EXTRA_OWNER.toUpperCase()] } })).toThrow(/owners\[1\]: .* repeats/);
        expect(() => new C.SecureWebhookApplication("own-none", { deployerIsOwner: false })).toThrow(
            /^SecureWebhookApplicationArgs\.owners: \(missing\) is not valid; allowed with deployerIsOwner false: at least one owner object id/,
        );
    });
    it("creates a Global action group with email, webhook and secure webhook receivers", () => {
        const ag = one(R, T.ag, "notify");
        expect(ag.inputs.location).toBe("Global");
        expect(ag.inputs.groupShortName).toBe("IoTHub404104");
        expect(ag.inputs.emailReceivers).toEqual([{ name: "oncall", emailAddress: "oncall@contoso.com", useCommonAlertSchema: true }]);
        const hooks = ag.inputs.webhookReceivers as Record<string, unknown>[];
        expect(hooks[0]).toEqual({ name: "chat", serviceUri: "https://hooks.contoso.com/T123", useCommonAlertSchema: true, useAadAuth: false });
        const app = one(R, T.app, "notify-secure-webhook-app");
        const uri = one(R, T.uri, "notify-secure-webhook-uri");
        expect(hooks[1]).toEqual({
            name: "incident",
            serviceUri: "https://incident.contoso.com/api/alerts",
            useCommonAlertSchema: true,
            useAadAuth: true,
            objectId: (app.id ?? "").split("/").pop(),
            identifierUri: uri.inputs.identifierUri,
            tenantId: MOCK_TENANT_ID,
        });
    });
    it("lists the created and the existing action groups one output each, so a preview knows their count before ids exist", () => {
        expect(notifyListLength).toBe(2);
    });
    it("wires the secure webhook through Entra ID: app role, identifier URI, service principal, role granted to Azure Monitor", () => {
        const app = one(R, T.app, "notify-secure-webhook-app");
        expect(app.inputs.appRoles).toEqual([
            expect.objectContaining({ value: "ActionGroupsSecureWebhook", allowedMemberTypes: ["Application"], enabled: true, id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) }),
        ]);
        const uri = one(R, T.uri, "notify-secure-webhook-uri");
        expect(uri.inputs.identifierUri).toMatch(/^api:\/\/[0-9a-f-]{36}$/);
        expect(uri.inputs.applicationId).toBe(app.id);
        const appSp = one(R, T.sp, "notify-secure-webhook-sp");
        const monitorSp = one(R, T.sp, "notify-secure-webhook-azure-monitor-sp");
        expect(monitorSp.inputs).toMatchObject({ clientId: C.AZURE_MONITOR_ACTION_GROUP_APP_ID, useExisting: true });
        expect(monitorSp.retainOnDelete).toBe(true);
        const role = one(R, T.role, "notify-secure-webhook-role");
        const roleId = (app.inputs.appRoles as { id: string }[])[0].id;
        expect(role.inputs).toEqual({ appRoleId: roleId, principalObjectId: monitorSp.id, resourceObjectId: appSp.id });
    });
    it("refuses plain http webhooks without echoing the URL, bad emails and an empty routing", () => {
        expect(() => new C.AlertNotifications("http", { resourceGroupName: "rg", webhooks: [{ name: "x", url: "http://hooks.contoso.com/secret-token" }] })).toThrow(
            /AlertNotificationsArgs\.webhooks\[0\]\.url: "<secret URL, scheme: http>" is not valid; allowed: an https:\/\/ URL/,
        );
        expect(() => new C.AlertNotifications("http2", { resourceGroupName: "rg", webhooks: [{ name: "x", url: "http://hooks.contoso.com/secret-token" }] })).not.toThrow(/secret-token/);
        expect(() => new C.AlertNotifications("mail", { resourceGroupName: "rg", emails: [{ name: "x", address: "oncall-at-contoso.com" }] })).toThrow(
            /emails\[0\]\.address: "oncall-at-contoso.com" is not valid; allowed: an email address/,
        );
        expect(() => new C.AlertNotifications("none", {})).toThrow(/at least one of emails, webhooks, secureWebhook or existingActionGroupIds/);
    });
});

describe("ConnectedDevicesDropAlert", () => {
    it("is a static LessThan on Minimum of connectedDeviceCount, threshold derived from the expected count", () => {
        const a = one(R, T.metric, "drop-derived");
        expect(a.inputs).toMatchObject({ location: "global", scopes: [HUB_A], evaluationFrequency: "PT1M", windowSize: "PT5M", severity: 2, enabled: true, autoMitigate: true });
        expect(a.inputs.criteria).toEqual({
            odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            allOf: [
                {
                    criterionType: "StaticThresholdCriterion",
                    name: "ConnectedDevicesDrop",
                    metricName: "connectedDeviceCount",
                    metricNamespace: "Microsoft.Devices/IotHubs",
                    operator: "LessThan",
                    timeAggregation: "Minimum",
                    threshold: 750,
                },
            ],
        });
        expect(a.inputs.actions).toEqual([{ actionGroupId: ACTION_GROUP_ID }]);
        expect(String(a.inputs.description)).toMatch(/symptom 3/);
        expect(String(a.inputs.description)).toMatch(/Service Health/);
    });
    it("takes a direct threshold, Average, and other windows", () => {
        const a = one(R, T.metric, "drop-direct");
        const c = (a.inputs.criteria as { allOf: Record<string, unknown>[] }).allOf[0];
        expect(c).toMatchObject({ operator: "LessThan", timeAggregation: "Average", threshold: 42 });
        expect(a.inputs).toMatchObject({ windowSize: "PT15M", evaluationFrequency: "PT5M", severity: 0 });
    });
    it("refuses percent outside 1..100, a window shorter than the frequency, windows Azure does not allow and severity outside 0..4", () => {
        const base = { resourceGroupName: "rg", hubResourceId: HUB_A, expectedConnectedDevices: 100 };
        expect(() => new C.ConnectedDevicesDropAlert("p0", { ...base, maxDropPercent: 0 })).toThrow(/maxDropPercent: 0 is not valid; allowed: a number from 1 to 100/);
        expect(() => new C.ConnectedDevicesDropAlert("p101", { ...base, maxDropPercent: 101 })).toThrow(/maxDropPercent: 101 is not valid/);
        expect(() => new C.ConnectedDevicesDropAlert("w", { ...base, windowSize: "PT1M", evaluationFrequency: "PT5M" })).toThrow(
            /windowSize: "PT1M" is not valid; allowed: a window at least as long as the evaluation frequency PT5M/,
        );
        expect(() => new C.ConnectedDevicesDropAlert("w7", { ...base, windowSize: "PT7M" })).toThrow(/windowSize: "PT7M" is not valid; allowed: one of PT1M, PT5M, PT15M/);
        expect(() => new C.ConnectedDevicesDropAlert("s5", { ...base, severity: 5 as never })).toThrow(/severity: 5 is not valid; allowed: an integer from 0 to 4/);
        expect(() => new C.ConnectedDevicesDropAlert("nothing", { resourceGroupName: "rg", hubResourceId: HUB_A })).toThrow(/threshold: \(missing\) is not valid/);
        expect(() => new C.ConnectedDevicesDropAlert("never", { ...base, expectedConnectedDevices: 1, maxDropPercent: 100 })).toThrow(/never fires/);
    });
});

describe("HubMonitoring (one hub)", () => {
    it("uses the existing workspace as the scope of every log alert and creates no action group when no receivers are given (dev)", () => {
        expect(under(R, T.workspace, "single")).toHaveLength(0);
        expect(under(R, T.ag, "single")).toHaveLength(0);
        const rules = under(R, T.rule, "single-hub-");
        expect(rules.length).toBeGreaterThan(0);
        for (const r of rules) expect(r.inputs.scopes).toEqual([WORKSPACE_ID]);
        expect(one(R, T.diag, "single-hub-diagnostics").inputs.workspaceId).toBe(WORKSPACE_ID);
        expect(one(R, T.metric, "single-hub-connected-devices-drop").inputs.severity).toBe(3);
    });
    it("refuses a prod profile without receivers", () => {
        expect(() => new C.HubMonitoring("prod-silent", { hubResourceId: HUB_A, resourceGroupName: "rg", location: "westeurope", profile: "prod" })).toThrow(
            /HubMonitoringArgs\.notifications: \(missing\) is not valid; the "prod" profile requires at least one receiver/,
        );
    });
});

describe("FleetMonitoring", () => {
    it("shares one workspace and one action group across hubs, each hub with its own diagnostic setting, drop alert and rules", () => {
        expect(under(R, T.workspace, "fleet")).toHaveLength(1);
        expect(under(R, T.ag, "fleet")).toHaveLength(1);
        expect(one(R, T.workspace, "fleet-workspace").inputs.retentionInDays).toBe(90);
        expect(one(R, T.diag, "fleet-hub-a-diagnostics").inputs.resourceUri).toBe(HUB_A);
        expect(one(R, T.diag, "fleet-hub-b-diagnostics").inputs.resourceUri).toBe(HUB_B);
        expect(fleetOutputs.ruleKeys).toEqual(["hub-a", "hub-b"]);
        expect(fleetOutputs.actionGroupIds).toEqual([one(R, T.ag, "fleet-alerts").id]);
    });
    it("applies fleet thresholds with the prod drop percent, and per-hub overrides over them", () => {
        const a = one(R, T.metric, "fleet-hub-a-connected-devices-drop");
        const b = one(R, T.metric, "fleet-hub-b-connected-devices-drop");
        expect((a.inputs.criteria as { allOf: { threshold: number }[] }).allOf[0].threshold).toBe(1600);
        expect((b.inputs.criteria as { allOf: { threshold: number }[] }).allOf[0].threshold).toBe(400);
        expect(a.inputs.severity).toBe(1);
        const ruleA = one(R, T.rule, "fleet-hub-a-mass-disconnect");
        const ruleB = one(R, T.rule, "fleet-hub-b-mass-disconnect");
        expect(ruleA.inputs.severity).toBe(1);
        expect(ruleB.inputs.severity).toBe(4);
        for (const r of [ruleA, ruleB]) {
            const q = (r.inputs.criteria as { allOf: { query: string }[] }).allOf[0].query;
            expect(q).toMatch(/^let minDevices = 25;/m);
        }
    });
    it("binds each hub's rule to that hub only, lower-cased, and splits by hub resource id, never by device", () => {
        const r = one(R, T.rule, "fleet-hub-b-mass-disconnect");
        const c = (r.inputs.criteria as { allOf: Record<string, unknown>[] }).allOf[0];
        expect(String(c.query)).toContain(`let monitoredHubs = dynamic(["${HUB_B.toLowerCase()}"]);`);
        expect(String(c.query)).not.toContain(HUB_A.toLowerCase());
        expect(c.resourceIdColumn).toBe("_ResourceId");
        for (const d of c.dimensions as { name: string }[]) expect(d.name).not.toMatch(/device/i);
        expect(r.inputs.actions).toMatchObject({ actionGroups: fleetOutputs.actionGroupIds, customProperties: { detection: "mass-disconnect", hub: "hub-b" } });
        expect(String(r.inputs.description)).toMatch(/Likely cause: /);
        expect(r.inputs).toMatchObject({ kind: "LogAlert", location: "westeurope", scopes: [one(R, T.workspace, "fleet-workspace").id] });
    });
    it("refuses an empty hub list, duplicate hubs (case-insensitive) and unknown detection ids", () => {
        const base = { resourceGroupName: "rg", location: "westeurope", profile: "dev" as const, connectedDevicesAlert: { threshold: 1 } };
        expect(() => new C.FleetMonitoring("empty", { ...base, hubs: [] })).toThrow(/^FleetMonitoringArgs\.hubs: \[\] is not valid; allowed: at least one IoT Hub, in hubResourceIds or hubs$/);
        expect(() => new C.FleetMonitoring("none", { ...base })).toThrow(/^FleetMonitoringArgs\.hubs: \(missing\) is not valid; allowed: at least one IoT Hub/);
        expect(() => new C.FleetMonitoring("dup", { ...base, hubResourceIds: [HUB_A, HUB_A.toLowerCase()] })).toThrow(/FleetMonitoringArgs\.hubResourceIds\[1\]: .* it repeats FleetMonitoringArgs\.hubResourceIds\[0\]/);
        expect(() => new C.FleetMonitoring("dup2", { ...base, hubResourceIds: [HUB_A], hubs: [{ hubResourceId: HUB_A.toUpperCase() }] })).toThrow(/FleetMonitoringArgs\.hubs\[0\]: .* it repeats FleetMonitoringArgs\.hubResourceIds\[0\]/);
        expect(() => new C.FleetMonitoring("string", { ...base, hubs: [HUB_A as never] })).toThrow(/^FleetMonitoringArgs\.hubs\[0\]: .* allowed: an object \{hubResourceId, .*\(plain ids go in hubResourceIds\)$/);
        expect(() => new C.FleetMonitoring("typo", { ...base, hubResourceIds: [HUB_A], detections: { "mass-disconect": {} } })).toThrow(/detections\.mass-disconect: "mass-disconect" is not valid; unknown detection/);
    });
    it("checks every hub's settings before it registers anything: a bad value on the last hub leaves no workspace, action group or Entra ID app behind", async () => {
        const opts = { transformations: [engine.transformation] };
        const args = {
            resourceGroupName: "rg",
            location: "westeurope",
            profile: "prod" as const,
            notifications: { secureWebhook: { name: "incident", url: "https://incident.contoso.com/api" } },
            connectedDevicesAlert: { threshold: 1 },
        };
        expect(() => new C.FleetMonitoring("late-typo", { ...args, hubs: [{ hubResourceId: HUB_A }, { hubResourceId: HUB_B, detections: { "random-disconnect": { severity: 9 as never } } }] }, opts)).toThrow(
            /FleetMonitoringArgs\.hubs\[1\]\.detections\.random-disconnect\.severity: 9 is not valid/,
        );
        expect(() => new C.HubMonitoring("late-drop", { ...args, hubResourceId: HUB_A, connectedDevicesAlert: { threshold: 1, windowSize: "PT7M" as never } }, opts)).toThrow(/HubMonitoringArgs\.connectedDevicesAlert\.windowSize: "PT7M"/);
        await engine.settle();
        expect(engine.resources.filter((r) => r.name.startsWith("late-"))).toEqual([]);
    });
});

describe("providers", () => {
    it("passes the caller's azure-native and azuread providers down to every child", () => {
        const children = R.filter((r) => r.custom && r.name.startsWith("provided"));
        expect(children.length).toBeGreaterThan(8);
        for (const r of children) {
            const expected = r.type.startsWith("azuread:") ? "other-tenant" : "other-subscription";
            expect(r.provider, `${r.type} ${r.name}`).toMatch(new RegExp(`::${expected}::${expected}-provider-id$`));
        }
    });
});

describe("secrets", () => {
    it("sends webhook URLs to the engine as Pulumi secrets (the engine marks the whole receiver list secret)", () => {
        expect(one(R, T.ag, "notify").secretInputs).toEqual(["webhookReceivers"]);
        expect(one(R, T.ag, "fleet-alerts").secretInputs).toEqual([]);
    });
});
