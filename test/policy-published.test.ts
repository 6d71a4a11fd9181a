/**
 * The policy pack as a platform team publishes and enforces it: `npm pack` of `policy/` (which is
 * what `pulumi policy publish` uploads) into an empty folder outside the repository, its production
 * dependencies installed there, the pack started from that folder with its own `run-policy-pack`,
 * and resources sent over the analyzer's gRPC API: the sample stacks, a stack of plain azure-native
 * resources made without the components, and a healthy hand-written stack. Every violation and
 * every silence is asserted; a bad pack config is refused by the schema the pack declares, the way
 * the CLI checks `--policy-pack-config` and `pulumi policy enable --config`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLICY_NAMES, POLICY_PACK_NAME } from "../policy/policies";
import { collectInChild, type CollectedResource, type CollectedStack } from "../review/collect";
import { analyzeAll, analyzerInfo, configure, configureStack, startPolicyPack, toAnalyzerInputs, type RunningPack, type Violation } from "./policy-server";

const ROOT = path.resolve(__dirname, "..");
const ROOT_PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-published-"));
const SUB = "9b1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";
const HUB = `/subscriptions/${SUB}/resourceGroups/rg-fleet/providers/Microsoft.Devices/IotHubs/contoso-fleet`;
const WORKSPACE = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/ops-logs`;
const ACTION_GROUP = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/ops`;

let packDir: string;
let packedFiles: string[];
let pack: RunningPack;

beforeAll(async () => {
    // `npm pack` runs the pack's prepack script (the esbuild bundle), as `pulumi policy publish` does.
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: path.join(ROOT, "policy"), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const packed = (JSON.parse(out.slice(out.indexOf("["))) as { filename: string; files: { path: string }[] }[])[0];
    packedFiles = packed.files.map((f) => f.path);
    execFileSync("tar", ["-xzf", path.join(tmp, packed.filename), "-C", tmp]);
    packDir = path.join(tmp, "package");
    // Its production dependencies only, as the CLI installs a downloaded pack (from npm's cache where it can).
    execFileSync("npm", ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: packDir, stdio: "pipe" });
    pack = await startPolicyPack({ PULUMI_PROJECT: "platform" }, packDir);
}, 300_000);

afterAll(() => {
    pack?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
});

type Stack = Pick<CollectedStack, "project" | "stack" | "resources">;

async function check(stack: Stack, config: Record<string, { enforcementLevel?: "advisory" | "mandatory" | "disabled"; [key: string]: unknown }> = {}): Promise<Violation[]> {
    await configure(pack, config);
    await configureStack(pack, stack.project, stack.stack);
    return analyzeAll(pack, toAnalyzerInputs(stack));
}

const resource = (type: string, name: string, inputs: Record<string, unknown>): CollectedResource => ({ type: `azure-native:${type}`, name, custom: true, inputs });
const hub = resource("iothub:IotHubResource", "fleet-hub", { resourceName: "contoso-fleet", resourceGroupName: "rg-fleet", sku: { name: "S1", capacity: 1 } });
const actionGroup = resource("monitor:ActionGroup", "ops", { location: "Global", groupShortName: "ops", enabled: true, emailReceivers: [{ name: "ops", emailAddress: "ops@contoso.com" }] });
const onIotHubLogs = `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.DEVICES" and ResourceType == "IOTHUBS" and Category == "Connections"
| where OperationName == "deviceDisconnect" and ResultType == "404104"
| extend DeviceId = tostring(parse_json(properties_s).deviceId)
| summarize Disconnects = count() by DeviceId, _ResourceId`;

/** A stack made without the components, as another team writes one. */
const plainStack: Stack = {
    project: "platform",
    stack: "fleet-dev",
    resources: [
        hub,
        actionGroup,
        resource("monitor:MetricAlert", "connected-devices", {
            location: "global",
            scopes: [HUB],
            severity: 3,
            evaluationFrequency: "PT5M",
            windowSize: "PT1H",
            criteria: { odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", allOf: [{ criterionType: "StaticThresholdCriterion", name: "Metric1", metricName: "connectedDeviceCount", operator: "GreaterThan", timeAggregation: "Average", threshold: 1 }] },
            actions: [{ actionGroupId: ACTION_GROUP }],
        }),
        resource("monitor:ScheduledQueryRule", "disconnects-per-device", {
            location: "westeurope",
            scopes: [WORKSPACE],
            severity: 3,
            evaluationFrequency: "PT15M",
            windowSize: "PT1H",
            criteria: { allOf: [{ query: onIotHubLogs, timeAggregation: "Total", metricMeasureColumn: "Disconnects", resourceIdColumn: "_ResourceId", operator: "GreaterThan", threshold: 10, dimensions: [{ name: "DeviceId", operator: "Include", values: ["*"] }] }] },
            actions: { actionGroups: [ACTION_GROUP] },
        }),
        // Another team's alert on other data: none of this pack's business.
        resource("monitor:ScheduledQueryRule", "vm-heartbeat", {
            location: "westeurope",
            scopes: [WORKSPACE],
            severity: 2,
            evaluationFrequency: "PT5M",
            windowSize: "PT15M",
            criteria: { allOf: [{ query: "Heartbeat | summarize LastSeen = max(TimeGenerated) by Computer", timeAggregation: "Count", operator: "GreaterThan", threshold: 0, dimensions: [{ name: "Computer", operator: "Include", values: ["*"] }] }] },
            actions: { actionGroups: [ACTION_GROUP] },
        }),
    ],
};

/** A healthy stack written by hand: the hub's Connections logs reach a workspace, and a drop alert notifies someone. */
const healthyStack: Stack = {
    project: "platform",
    stack: "fleet-prod",
    resources: [
        hub,
        actionGroup,
        resource("operationalinsights:Workspace", "ops-logs", { workspaceName: "ops-logs", resourceGroupName: "rg-ops", location: "westeurope", retentionInDays: 90, sku: { name: "PerGB2018" } }),
        resource("monitor:DiagnosticSetting", "fleet-connections", { name: "to-ops-logs", resourceUri: HUB, workspaceId: WORKSPACE, logs: [{ category: "Connections", enabled: true }], metrics: [{ category: "AllMetrics", enabled: true }] }),
        resource("monitor:MetricAlert", "connected-devices-drop", {
            location: "global",
            scopes: [HUB],
            severity: 1,
            evaluationFrequency: "PT1M",
            windowSize: "PT5M",
            criteria: { odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", allOf: [{ criterionType: "StaticThresholdCriterion", name: "Drop", metricName: "connectedDeviceCount", operator: "LessThan", timeAggregation: "Minimum", threshold: 800 }] },
            actions: [{ actionGroupId: ACTION_GROUP }],
        }),
    ],
};

describe("the published pack, unpacked alone with its dependencies", () => {
    it("holds its bundle, its queries and its manifest, and nothing of the repository's sources", () => {
        expect(packedFiles).toContain("package.json");
        expect(packedFiles).toContain("PulumiPolicy.yaml");
        expect(packedFiles).toContain("bin/index.js");
        expect(packedFiles).toContain("bin/random-disconnect.kql");
        expect(packedFiles.filter((f) => f.endsWith(".ts"))).toEqual([]);
        // Installed alone: no repository around it to borrow modules from.
        expect(fs.existsSync(path.join(packDir, "node_modules", "@pulumi", "policy"))).toBe(true);
        expect(fs.existsSync(path.join(packDir, "..", "node_modules"))).toBe(false);
    });
    it("reports its name and the package's version", async () => {
        const info = await analyzerInfo(pack);
        expect(info.getName()).toBe(POLICY_PACK_NAME);
        expect(info.getVersion()).toBe(ROOT_PACKAGE.version);
    });
    it("finds nothing wrong with the sample stacks under their pack config files", async () => {
        for (const stack of ["dev", "prod", "max", "max-existing-workspace"]) {
            const collected = await collectInChild({ codeRoot: ROOT, stack });
            expect(await check(collected, JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", `${stack}.json`), "utf8"))), stack).toEqual([]);
        }
    }, 120_000);
    it("on a stack of plain azure-native resources, reports the hub without diagnostics, the GreaterThan count alert and the per-device split, and nothing else", async () => {
        const found = await check(plainStack);
        const by = (policy: string): string[] => found.filter((v) => v.policy === policy).map((v) => v.message);
        expect(by(POLICY_NAMES.diagnostics)).toEqual([expect.stringContaining('IoT Hub contoso-fleet (resource fleet-hub) has no diagnostic setting in this stack that sends "Connections" logs')]);
        expect(by(POLICY_NAMES.dropAlert)).toEqual([expect.stringContaining("The metric alert connected-devices watches connectedDeviceCount (criterion Metric1) but is not a drop alert: its operator is GreaterThan")]);
        expect(by(POLICY_NAMES.kql)).toEqual([expect.stringContaining('The log search alert disconnects-per-device splits by device (dimension "DeviceId")')]);
        // Silences: the detections of the components (none here), alerts with action groups, the heartbeat alert on other data.
        expect(found.map((v) => v.policy).sort()).toEqual([POLICY_NAMES.diagnostics, POLICY_NAMES.dropAlert, POLICY_NAMES.kql].sort());
        expect(found.some((v) => v.message.includes("vm-heartbeat"))).toBe(false);
    });
    it("keeps the components' own policies quiet on a stack without them, even with a waiver that has expired in the config", async () => {
        const found = await check(plainStack, { [POLICY_NAMES.detections]: { waivers: [{ hub: "contoso-fleet", detection: "random-disconnect", reason: "old", approvedBy: "nobody", expires: "2020-01-01" }] } });
        expect(found.filter((v) => v.policy === POLICY_NAMES.detections)).toEqual([]);
        const info = await analyzerInfo(pack);
        const detections = info.getPoliciesList().find((p) => p.getName() === POLICY_NAMES.detections);
        expect(detections?.getDescription()).toContain("quiet on any other stack");
    });
    it("finds nothing wrong with a healthy hand-written stack", async () => {
        expect(await check(healthyStack, { [POLICY_NAMES.retention]: { minRetentionDays: 60 } })).toEqual([]);
    });
    it("declares a config schema for every policy, so the CLI refuses a bad pack config naming the key", async () => {
        const info = await analyzerInfo(pack);
        const schemas = Object.fromEntries(
            info.getPoliciesList().map((p) => {
                const s = p.getConfigschema();
                return [p.getName(), s === undefined ? undefined : { type: "object", properties: s.getProperties()?.toJavaScript() ?? {}, required: s.getRequiredList() }];
            }),
        );
        expect(Object.entries(schemas).filter(([, s]) => s === undefined).map(([n]) => n)).toEqual([]);
        // What the CLI does with --policy-pack-config and `pulumi policy enable --config`: validate each policy's section against its schema.
        const ajv = new Ajv({ allErrors: true, strict: false });
        const validate = (policy: string, config: unknown): string[] => {
            const v = ajv.compile(schemas[policy] as object);
            return v(config) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
        };
        expect(validate(POLICY_NAMES.retention, { minRetentionDays: 90 })).toEqual([]);
        expect(validate(POLICY_NAMES.retention, { minRetentionDays: "ninety" })).toEqual(["/minRetentionDays must be integer"]);
        expect(validate(POLICY_NAMES.kql, { deviceDimensionPattern: 7 })).toEqual(["/deviceDimensionPattern must be string"]);
        expect(validate(POLICY_NAMES.detections, { waivers: [{ hub: "contoso-fleet" }] }).join("; ")).toMatch(/\/waivers\/0 must have required property/);
    });
});
