/**
 * End to end: the policy pack started the way the Pulumi CLI starts it (its real gRPC analyzer
 * server, through `@pulumi/pulumi/cmd/run-policy-pack` in the pack folder), fed the resources the
 * offline preview records for a stack, for a compliant stack and for a broken one.
 *
 * The broken stack is a stack file written here (dev profile under a prod-like stack name, no
 * receivers, a detection turned off on two hubs, one of them waived in the pack config) plus a few
 * resources a user might add by hand next to the components: Azure's baseline connected-devices
 * alert (`Average GreaterThan 1`), an action group with a plain http webhook, an IoT Hub without
 * diagnostics, and a copy of a rule that splits by device and reads a column that does not exist.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DETECTIONS } from "../queries/catalog";
import { POLICIES, POLICY_NAMES, POLICY_PACK_NAME } from "../policy/policies";
import { collectInChild, type CollectedResource, type CollectedStack } from "../review/collect";
import { analyzeAll, analyzerInfo, configure, configureStack, startPolicyPack, toAnalyzerInputs, type RunningPack, type Violation } from "./policy-server";

const ROOT = path.resolve(__dirname, "..");
const SUB = "9b1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";
const hubId = (name: string): string => `/subscriptions/${SUB}/resourceGroups/rg-iot/providers/Microsoft.Devices/IotHubs/${name}`;
const OFF = DETECTIONS[0].id;

let pack: RunningPack;
let tmp: string;

beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-e2e-"));
    pack = await startPolicyPack({ PULUMI_PROJECT: "iothub-404104" });
}, 120_000);

afterAll(() => {
    pack?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function check(collected: CollectedStack, extra: CollectedResource[] = []): Promise<Violation[]> {
    await configureStack(pack, collected.project, collected.stack);
    return analyzeAll(pack, toAnalyzerInputs({ ...collected, resources: [...collected.resources, ...extra] }));
}

describe("the policy pack behind its real analyzer server", () => {
    it("announces the pack and every policy with its enforcement level", async () => {
        const info = await analyzerInfo(pack);
        expect(info.getName()).toBe(POLICY_PACK_NAME);
        expect(info.getVersion()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8")).version);
        expect(info.getSupportsconfig()).toBe(true);
        expect(info.getPoliciesList().map((p) => p.getName()).sort()).toEqual(POLICIES.map((p) => p.name).sort());
    });

    it.each(["prod", "dev"])("finds nothing wrong with the sample stack %s under its own pack config file (policy/config/<stack>.json)", async (stack) => {
        // What the workflow passes with --policy-pack-config: enforcement levels, parameters, waivers.
        await configure(pack, JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", `${stack}.json`), "utf8")));
        const collected = await collectInChild({ codeRoot: ROOT, stack });
        expect(collected.resources.length).toBeGreaterThan(10);
        expect(await check(collected)).toEqual([]);
    });

    it("reports every break in a broken stack, with the waived detection left alone", async () => {
        const project = { name: "iothub-404104", runtime: "nodejs" };
        const stackConfig = {
            config: {
                "azure-native:location": "westeurope",
                "iothub-404104:profile": "dev",
                "iothub-404104:resourceGroupName": "rg-broken",
                "iothub-404104:hubs": [
                    { id: hubId("contoso-broken-a"), detections: { [OFF]: { enabled: false } } },
                    { id: hubId("contoso-broken-b"), detections: { [OFF]: { enabled: false } } },
                ],
                "iothub-404104:connectedDevicesAlert": { expectedConnectedDevices: 100 },
            },
        };
        fs.writeFileSync(path.join(tmp, "Pulumi.yaml"), stringify(project));
        fs.writeFileSync(path.join(tmp, "Pulumi.prod-broken.yaml"), stringify(stackConfig));
        const collected = await collectInChild({ codeRoot: ROOT, stackDir: tmp, stack: "prod-broken" });

        const firstRule = collected.resources.find((r) => r.type === "azure-native:monitor:ScheduledQueryRule") as CollectedResource;
        const criterion = (firstRule.inputs.criteria as { allOf: Record<string, unknown>[] }).allOf[0];
        const extra: CollectedResource[] = [
            {
                type: "azure-native:monitor:MetricAlert",
                name: "amba-connected-devices",
                custom: true,
                inputs: {
                    location: "global",
                    scopes: [hubId("contoso-broken-a")],
                    severity: 3,
                    evaluationFrequency: "PT5M",
                    windowSize: "PT1H",
                    criteria: { odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", allOf: [{ criterionType: "StaticThresholdCriterion", name: "Metric1", metricName: "connectedDeviceCount", operator: "GreaterThan", timeAggregation: "Average", threshold: 1 }] },
                    actions: [],
                },
            },
            {
                type: "azure-native:monitor:ActionGroup",
                name: "legacy-alerts",
                custom: true,
                inputs: { location: "Global", groupShortName: "legacy", webhookReceivers: [{ name: "ops-hook", serviceUri: "http://ops.contoso.com/hook", useAadAuth: false }] },
            },
            { type: "azure-native:iothub:IotHubResource", name: "edge-hub", custom: true, inputs: { resourceName: "contoso-edge", resourceGroupName: "rg-iot", sku: { name: "S1", capacity: 1 } } },
            {
                type: "azure-native:monitor:ScheduledQueryRule",
                name: "per-device-copy",
                custom: true,
                inputs: {
                    ...firstRule.inputs,
                    criteria: { allOf: [{ ...criterion, query: `${String(criterion.query)}\n| where NoSuchColumn > 0`, dimensions: [{ name: "DeviceId", operator: "Include", values: ["*"] }] }] },
                    actions: { actionGroups: [], customProperties: {} },
                },
            },
        ];

        await configure(pack, {
            [POLICY_NAMES.detections]: { waivers: [{ hub: "contoso-broken-b", detection: OFF, reason: "pilot hub, detection tuned separately", approvedBy: "iot-platform-leads" }] },
            [POLICY_NAMES.retention]: { minRetentionDays: 60 },
        });
        const found = await check(collected, extra);
        const byPolicy = (name: string): Violation[] => found.filter((v) => v.policy === name);

        const alerts = collected.resources.filter((r) => r.type === "azure-native:monitor:ScheduledQueryRule" || r.type === "azure-native:monitor:MetricAlert");
        // Every alert of the components, the baseline alert and the copied rule: silent in a prod-like stack.
        expect(byPolicy(POLICY_NAMES.silentAlertsProd)).toHaveLength(alerts.length + 2);
        expect(byPolicy(POLICY_NAMES.silentAlertsProd).every((v) => v.level === "mandatory")).toBe(true);
        expect(byPolicy(POLICY_NAMES.silentAlertsNonProd)).toEqual([]);

        expect(byPolicy(POLICY_NAMES.dropAlert).map((v) => v.message)).toEqual([expect.stringContaining("The metric alert amba-connected-devices watches connectedDeviceCount (criterion Metric1) but is not a drop alert: its operator is GreaterThan")]);

        const detections = byPolicy(POLICY_NAMES.detections).map((v) => v.message);
        expect(detections).toEqual([expect.stringContaining(`Monitored IoT Hub contoso-broken-a has the "${OFF}" log alert turned off or missing`)]);

        expect(byPolicy(POLICY_NAMES.diagnostics).map((v) => v.message)).toEqual([expect.stringContaining("IoT Hub contoso-edge (resource edge-hub) has no diagnostic setting")]);
        expect(byPolicy(POLICY_NAMES.webhookHttps).map((v) => v.message)).toEqual([expect.stringContaining('Action group legacy-alerts: webhook receiver "ops-hook" does not use https (http): set its URL to an https:// endpoint.')]);
        expect(byPolicy(POLICY_NAMES.secureWebhook).map((v) => v.message)).toEqual([expect.stringContaining('Action group legacy-alerts: webhook receiver "ops-hook" is not a secure webhook in a prod-like stack')]);
        expect(byPolicy(POLICY_NAMES.retention).map((v) => v.message)).toEqual([expect.stringContaining("keeps logs 30 days; at least 60 days are required")]);

        const kql = byPolicy(POLICY_NAMES.kql).map((v) => v.message);
        expect(kql).toEqual([
            expect.stringContaining('The log search alert per-device-copy splits by device (dimension "DeviceId")'),
            expect.stringContaining("The KQL of log search alert per-device-copy does not pass the checker of npm run kql:check"),
        ]);
        expect(kql[1]).toContain("NoSuchColumn");

        const known = new Set<string>(Object.values(POLICY_NAMES));
        expect(found.filter((v) => !known.has(v.policy))).toEqual([]);
    });
});
