/**
 * The components' type tokens follow the package convention (`iothub-404104-monitoring:index:<Name>`)
 * and carry an alias from the 0.1.x tokens (`iothub404104:monitoring:<Name>`), so a stack made with
 * 0.1.x sees its components moved, not replaced. The aliases are read where the engine reads them:
 * in the RegisterResource requests the SDK sends to the resource monitor.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { beforeAll, describe, expect, it } from "vitest";
import { HUB_A, HUB_B } from "./support/fixtures";

interface Registered {
    readonly type: string;
    readonly name: string;
    readonly aliasTypes: string[];
}
const registered: Registered[] = [];

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
};

type RegisterRequest = { getType(): string; getName(): string; getAliasesList(): { toObject(): { spec?: { type?: string } } }[] };

// The mock monitor that setMocks installs also records each request's type, name and structured aliases.
const register = MockMonitor.prototype.registerResource as (this: MockMonitor, req: RegisterRequest, callback: (err: unknown, res: unknown) => void) => Promise<void>;
MockMonitor.prototype.registerResource = function (this: MockMonitor, req: RegisterRequest, callback: (err: unknown, res: unknown) => void): Promise<void> {
    registered.push({ type: req.getType(), name: req.getName(), aliasTypes: req.getAliasesList().map((a) => a.toObject().spec?.type ?? "") });
    return register.call(this, req, callback);
} as typeof MockMonitor.prototype.registerResource;

beforeAll(async () => {
    await pulumi.runtime.setMocks(mocks, "aliases", "dev", false);
    const C = await import("../components");
    new C.FleetMonitoring("fleet", {
        hubResourceIds: [HUB_A, HUB_B],
        resourceGroupName: "rg-mon",
        location: "westeurope",
        profile: "prod",
        notifications: { emails: [{ name: "oncall", address: "oncall@contoso.com" }], secureWebhook: { name: "incident", url: "https://incident.contoso.com/api" } },
        connectedDevicesAlert: { expectedConnectedDevices: 100 },
    });
    new C.HubMonitoring("one", { hubResourceId: HUB_A, resourceGroupName: "rg-mon", location: "westeurope", profile: "dev", connectedDevicesAlert: { threshold: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 500));
});

const COMPONENTS = ["FleetMonitoring", "HubMonitoring", "HubAlerts", "MonitoringWorkspace", "HubDiagnostics", "AlertNotifications", "SecureWebhookApplication", "ConnectedDevicesDropAlert", "TriageWorkbook", "PlatformHealthAlerts"];

describe("component type tokens and their 0.1.x aliases", () => {
    it("registers every component under iothub-404104-monitoring:index:<Name>", () => {
        const ours = registered.filter((r) => !r.type.startsWith("azure-native:") && !r.type.startsWith("azuread:") && !r.type.startsWith("pulumi:"));
        expect([...new Set(ours.map((r) => r.type))].sort()).toEqual(COMPONENTS.map((c) => `iothub-404104-monitoring:index:${c}`).sort());
    });
    it("gives each component an alias of its 0.1.x type, iothub404104:monitoring:<Name>", () => {
        for (const name of COMPONENTS) {
            const r = registered.find((x) => x.type === `iothub-404104-monitoring:index:${name}`);
            expect(r?.aliasTypes, name).toEqual([`iothub404104:monitoring:${name}`]);
        }
    });
    it("keeps the caller's own aliases beside the legacy one", async () => {
        const C = await import("../components");
        new C.HubDiagnostics("kept", { hubResourceId: HUB_B, workspaceId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w" }, { aliases: [{ name: "old-name" }] });
        await new Promise((resolve) => setTimeout(resolve, 200));
        const r = registered.find((x) => x.name === "kept");
        expect(r?.aliasTypes).toHaveLength(2);
        expect(r?.aliasTypes).toContain("iothub404104:monitoring:HubDiagnostics");
    });
    it("gives the Azure resources no alias of ours: their types did not change (their parents' aliases move them)", () => {
        const azure = registered.filter((r) => r.type.startsWith("azure-native:") || r.type.startsWith("azuread:"));
        expect(azure.length).toBeGreaterThan(10);
        for (const r of azure) expect(r.aliasTypes.filter((t) => t.startsWith("iothub"))).toEqual([]);
    });
});
