/**
 * Platform health beside the logs (issue 15): the Resource Health and Service Health alerts the
 * umbrellas make by default, their conditions, scopes and routing, the switches that change them,
 * and the workspace's delete lock. Run under ordinary mocks; the conformance tests check the same
 * resources of the sample stacks against Azure's specs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../program/config";
import { HUB_A, HUB_B } from "./support/fixtures";
import { installOrdinaryMocks, type MadeResource } from "./support/ordinaryMocks";

const OTHER_SUB = "7c1e2d3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";
const HUB_C = `/subscriptions/${OTHER_SUB}/resourceGroups/rg-iot/providers/Microsoft.Devices/IotHubs/hub-c`;
const SUB_A = HUB_A.split("/")[2];

type Made = MadeResource;
let made: Made[] = [];
/** The resources of a type whose name starts with `prefix`, by name (the mock sees them in no fixed order). */
const of = (prefix: string, type: string): Made[] => made.filter((m) => m.name.startsWith(prefix) && m.type === type).sort((a, b) => a.name.localeCompare(b.name));
const ACTIVITY = "azure-native:monitor:ActivityLogAlert";
type Leaf = { field?: string; equals?: string; containsAny?: string[]; anyOf?: Leaf[] };
const clauses = (m: Made): Leaf[] => (m.inputs.condition as { allOf: Leaf[] }).allOf;
const clause = (m: Made, field: string): Leaf | undefined => clauses(m).find((c) => c.field === field || c.anyOf?.[0]?.field === field);

let C: typeof import("../components");
const base = { resourceGroupName: "rg-mon", location: "westeurope", connectedDevicesAlert: { threshold: 10 }, notifications: { emails: [{ name: "oncall", address: "oncall@contoso.com" }] } };

beforeAll(async () => {
    made = await installOrdinaryMocks("platform-health", "test");
    C = await import("../components");
    new C.FleetMonitoring("prod", { ...base, profile: "prod", hubResourceIds: [HUB_A, HUB_B, HUB_C] });
    new C.FleetMonitoring("dev", { ...base, profile: "dev", hubResourceIds: [HUB_A], platformHealth: { includeUnknown: true, regions: ["West Europe"] } });
    new C.FleetMonitoring("nosvc", { ...base, profile: "dev", hubResourceIds: [HUB_A], platformHealth: { serviceHealth: false } });
    new C.FleetMonitoring("off", { ...base, profile: "dev", hubResourceIds: [HUB_A], platformHealth: { enabled: false } });
    new C.FleetMonitoring("locked", { ...base, profile: "dev", hubResourceIds: [HUB_A], workspace: { deleteLock: true } });
    await new Promise((resolve) => setTimeout(resolve, 300));
});

describe("the Resource Health alert", () => {
    it("is made once per subscription of the hubs, scoped to those hubs by resource id, in location Global", () => {
        const alerts = of("prod-platform-health-resource-health", ACTIVITY);
        // Named by the first 8 characters of each subscription when the hubs span several.
        expect(alerts.map((a) => a.name)).toEqual([`prod-platform-health-resource-health-${SUB_A.slice(0, 8)}`, `prod-platform-health-resource-health-${OTHER_SUB.slice(0, 8)}`]);
        expect(alerts.map((a) => a.inputs.scopes)).toEqual([[HUB_A, HUB_B], [HUB_C]]);
        for (const a of alerts) expect(a.inputs.location).toBe("Global");
    });
    it("fires on the hubs' ResourceHealth events that are Degraded or Unavailable, whatever their cause", () => {
        const [a] = of("prod-platform-health-resource-health", ACTIVITY);
        expect(clause(a, "category")).toEqual({ field: "category", equals: "ResourceHealth" });
        expect(clause(a, "properties.currentHealthStatus")?.anyOf?.map((l) => l.equals)).toEqual(["Degraded", "Unavailable"]);
        expect(clause(a, "properties.cause")?.anyOf?.map((l) => l.equals)).toEqual(["PlatformInitiated", "UserInitiated"]);
        expect(of("dev-platform-health-resource-health", ACTIVITY)[0] && clause(of("dev-platform-health-resource-health", ACTIVITY)[0], "properties.currentHealthStatus")?.anyOf?.map((l) => l.equals)).toEqual(["Degraded", "Unavailable", "Unknown"]);
    });
    it("tells platform-initiated from user-initiated causes in its description", () => {
        const description = String(of("prod-platform-health-resource-health", ACTIVITY)[0].inputs.description);
        expect(description).toContain("Cause PlatformInitiated (properties.cause): it is the platform. Wait for Azure to restore the hub; do not redeploy or reset devices");
        expect(description).toContain("Cause UserInitiated: a change made on the hub");
        expect(description).toContain("hub-a, hub-b");
    });
    it("notifies the action groups the detections notify", () => {
        const rule = made.find((m) => m.type === "azure-native:monitor:ScheduledQueryRule" && m.name.startsWith("prod-hub-a"));
        const ruleGroups = (rule?.inputs.actions as { actionGroups: string[] }).actionGroups;
        expect(ruleGroups).toHaveLength(1);
        for (const a of of("prod-platform-health", ACTIVITY)) expect((a.inputs.actions as { actionGroups: { actionGroupId: string }[] }).actionGroups).toEqual(ruleGroups.map((actionGroupId) => ({ actionGroupId })));
    });
});

describe("the Service Health alert", () => {
    it("is scoped to exactly one subscription each, the hubs' own", () => {
        expect(of("prod-platform-health-service-health", ACTIVITY).map((a) => a.inputs.scopes)).toEqual([[`/subscriptions/${SUB_A}`], [`/subscriptions/${OTHER_SUB}`]]);
    });
    it("fires on ServiceHealth events of the IoT Hub service, of the types the profile maps, in every region by default", () => {
        const [a] = of("prod-platform-health-service-health", ACTIVITY);
        expect(clause(a, "category")).toEqual({ field: "category", equals: "ServiceHealth" });
        expect(clause(a, "properties.impactedServices[*].ServiceName")).toEqual({ field: "properties.impactedServices[*].ServiceName", containsAny: ["IoT Hub"] });
        expect(clause(a, "properties.incidentType")?.anyOf?.map((l) => l.equals)).toEqual(["Incident", "Maintenance", "ActionRequired", "Security"]);
        expect(clause(a, "properties.impactedServices[*].ImpactedRegions[*].RegionName")).toBeUndefined();
        const [dev] = of("dev-platform-health-service-health", ACTIVITY);
        expect(clause(dev, "properties.incidentType")?.anyOf?.map((l) => l.equals)).toEqual(["Incident"]);
        expect(clause(dev, "properties.impactedServices[*].ImpactedRegions[*].RegionName")).toEqual({ field: "properties.impactedServices[*].ImpactedRegions[*].RegionName", containsAny: ["West Europe"] });
    });
});

describe("switches and bad input", () => {
    it("leaves out the Service Health alert, or both, when asked", () => {
        expect(of("nosvc-platform-health-resource-health", ACTIVITY)).toHaveLength(1);
        expect(of("nosvc-platform-health-service-health", ACTIVITY)).toHaveLength(0);
        expect(of("off-", ACTIVITY)).toHaveLength(0);
    });
    it("refuses bad options before anything is registered, naming the field", () => {
        const before = made.length;
        expect(() => new C.FleetMonitoring("bad", { ...base, hubResourceIds: [HUB_A], platformHealth: { regions: [""] } })).toThrow(/^FleetMonitoringArgs\.platformHealth\.regions\[0\]: "" is not valid/);
        expect(() => new C.FleetMonitoring("bad2", { ...base, hubResourceIds: [HUB_A], platformHealth: { includeUknown: true } as never })).toThrow(/^FleetMonitoringArgs\.platformHealth\.includeUknown: .*unknown key/);
        expect(made.length).toBe(before);
    });
    it("names the config key in a stack file", () => {
        const P = "iothub-404104";
        const raw = { [`${P}:hubs`]: JSON.stringify([HUB_A]), [`${P}:resourceGroupName`]: "rg", "azure-native:location": "westeurope", [`${P}:connectedDevicesAlert`]: JSON.stringify({ threshold: 1 }) };
        expect(() => parseStackConfig({ ...raw, [`${P}:platformHealth`]: JSON.stringify({ enabled: "yes" }) }, P, "dev")).toThrow(/^iothub-404104:platformHealth\.enabled: "yes" is not valid/);
        expect(parseStackConfig({ ...raw, [`${P}:platformHealth`]: JSON.stringify({ regions: ["West Europe"] }) }, P, "dev").fleet.platformHealth).toEqual({ regions: ["West Europe"] });
    });
});

describe("the workspace's delete lock", () => {
    it("puts a CanNotDelete lock on the created workspace when asked, and none otherwise", () => {
        const locks = made.filter((m) => m.type === "azure-native:authorization:ManagementLockByScope");
        expect(locks.map((l) => l.name)).toEqual(["locked-workspace-delete-lock"]);
        expect(locks[0].inputs.level).toBe("CanNotDelete");
        expect(locks[0].inputs.scope).toBe("locked-workspace-id");
        expect(String(locks[0].inputs.notes)).toContain("Microsoft.Authorization/locks/delete");
    });
    it("refuses a lock on an existing workspace and a lock that is not a boolean", () => {
        const existing = `/subscriptions/${SUB_A}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/ops-logs`;
        expect(() => new C.MonitoringWorkspace("ex", { existingWorkspaceId: existing, deleteLock: true })).toThrow(/MonitoringWorkspaceArgs\.deleteLock: only applies to a created workspace/);
        expect(() => new C.MonitoringWorkspace("yes", { resourceGroupName: "rg", location: "westeurope", deleteLock: "yes" as never })).toThrow(/MonitoringWorkspaceArgs\.deleteLock: "yes" is not valid/);
    });
});
