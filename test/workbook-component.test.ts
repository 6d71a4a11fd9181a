import { beforeAll, describe, expect, it } from "vitest";
import { OfflineEngine, valueOf, type RecordedResource } from "../program/offline";
import { ValidationError } from "../azure/validation";
import { ACTION_GROUP_ID, HUB_A, HUB_B, SUB, WORKSPACE_ID, one, under } from "./support/fixtures";

const T = {
    workbook: "azure-native:applicationinsights:Workbook",
    component: "iothub-404104-monitoring:index:TriageWorkbook",
    rule: "azure-native:monitor:ScheduledQueryRule",
    metricAlert: "azure-native:monitor:MetricAlert",
    workspace: "azure-native:operationalinsights:Workspace",
};
const PROJECT = "workbook-test";
const STACK = "test";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let R: RecordedResource[];
let C: typeof import("../components");
let links: Record<string, string | undefined>;
let resolvedDescriptions: string[];
let errors: Record<string, unknown>;

function errorOf(f: () => unknown): unknown {
    try {
        f();
    } catch (e) {
        return e;
    }
    return undefined;
}

beforeAll(async () => {
    const engine = await OfflineEngine.start({ project: PROJECT, stack: STACK, subscriptionId: SUB });
    C = await import("../components");
    const opts = { transformations: [engine.transformation] };
    const standalone = new C.TriageWorkbook("wb-standalone", { resourceGroupName: "rg-mon", location: "westeurope", workspaceId: WORKSPACE_ID, hubResourceIds: [HUB_A, HUB_B] }, opts);
    const named = new C.TriageWorkbook(
        "wb-named",
        { resourceGroupName: "rg-mon", location: "westeurope", workspaceId: WORKSPACE_ID, hubResourceIds: [HUB_A], displayName: "Contoso 404104", resourceName: "0F8FAD5B-D9CB-469F-A165-70867728950E" },
        opts,
    );
    const fleet = new C.FleetMonitoring(
        "fleet",
        {
            hubResourceIds: [HUB_A, HUB_B],
            resourceGroupName: "rg-mon",
            location: "westeurope",
            profile: "prod",
            notifications: { existingActionGroupIds: [ACTION_GROUP_ID] },
            connectedDevicesAlert: { expectedConnectedDevices: 100 },
        },
        opts,
    );
    const single = new C.HubMonitoring(
        "single",
        { hubResourceId: HUB_A, resourceGroupName: "rg-one", location: "westeurope", profile: "dev", workspace: { existingWorkspaceId: WORKSPACE_ID }, workbook: { displayName: "Hub A triage" }, connectedDevicesAlert: { threshold: 5 } },
        opts,
    );
    const off = new C.HubMonitoring(
        "off",
        { hubResourceId: HUB_B, resourceGroupName: "rg-off", location: "westeurope", profile: "dev", workspace: { existingWorkspaceId: WORKSPACE_ID }, workbook: { enabled: false }, connectedDevicesAlert: { threshold: 5 } },
        opts,
    );
    resolvedDescriptions = Object.values(fleet.hubs).flatMap((h) => h.resolvedRules.map((r) => r.description));
    errors = {
        noHubs: errorOf(() => new C.TriageWorkbook("bad-1", { resourceGroupName: "rg", location: "westeurope", workspaceId: WORKSPACE_ID, hubResourceIds: [] }, opts)),
        badHub: errorOf(() => new C.TriageWorkbook("bad-2", { resourceGroupName: "rg", location: "westeurope", workspaceId: WORKSPACE_ID, hubResourceIds: ["hub-a"] }, opts)),
        duplicate: errorOf(() => new C.TriageWorkbook("bad-3", { resourceGroupName: "rg", location: "westeurope", workspaceId: WORKSPACE_ID, hubResourceIds: [HUB_A, HUB_A.toLowerCase()] }, opts)),
        badGuid: errorOf(() => new C.TriageWorkbook("bad-4", { resourceGroupName: "rg", location: "westeurope", workspaceId: WORKSPACE_ID, hubResourceIds: [HUB_A], resourceName: "triage" }, opts)),
        badEnabled: errorOf(
            () =>
                new C.HubMonitoring(
                    "bad-5",
                    { hubResourceId: HUB_A, resourceGroupName: "rg", location: "westeurope", profile: "dev", workbook: { enabled: "yes" as unknown as boolean }, connectedDevicesAlert: { threshold: 5 } },
                    opts,
                ),
        ),
    };
    links = {
        standalone: await valueOf(standalone.portalLink),
        named: await valueOf(named.portalLink),
        fleet: fleet.workbookLink === undefined ? undefined : await valueOf(fleet.workbookLink),
        single: single.workbookLink === undefined ? undefined : await valueOf(single.workbookLink),
        off: off.workbookLink === undefined ? undefined : await valueOf(off.workbookLink),
    };
    await engine.settle();
    R = engine.resources;
});

describe("TriageWorkbook", () => {
    it("creates a shared workbook of category workbook whose source is the workspace, lower-cased", () => {
        const w = one(R, T.workbook, "wb-standalone");
        expect(w.inputs).toMatchObject({ kind: "shared", category: "workbook", sourceId: WORKSPACE_ID.toLowerCase(), resourceGroupName: "rg-mon", location: "westeurope", displayName: "IoT Hub 404104 triage", version: "Notebook/1.0" });
        expect(w.parent).toBe(`${T.component}::wb-standalone`);
    });
    it("names it with a GUID derived from project, stack and component name", () => {
        const w = one(R, T.workbook, "wb-standalone");
        expect(w.inputs.resourceName).toMatch(GUID);
        expect(w.inputs.resourceName).toBe(C.deterministicGuid(`triage-workbook:${PROJECT}:${STACK}:wb-standalone`));
        expect(one(R, T.workbook, "fleet-workbook").inputs.resourceName).not.toBe(w.inputs.resourceName);
    });
    it("takes a given GUID (lower-cased) and display name", () => {
        expect(one(R, T.workbook, "wb-named").inputs).toMatchObject({ resourceName: "0f8fad5b-d9cb-469f-a165-70867728950e", displayName: "Contoso 404104" });
    });
    it("serializes the workbook JSON built in code for the workspace and hubs", () => {
        const data = JSON.parse(String(one(R, T.workbook, "wb-standalone").inputs.serializedData));
        expect(data).toEqual(JSON.parse(JSON.stringify(C.triageWorkbookContent({ workspaceId: WORKSPACE_ID, hubResourceIds: [HUB_A, HUB_B] }))));
    });
    it("gives the portal link of its resource id", () => {
        const w = one(R, T.workbook, "wb-standalone");
        expect(w.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg-mon/providers/microsoft.insights/workbooks/${String(w.inputs.resourceName)}`);
        expect(links.standalone).toBe(`https://portal.azure.com/#@/resource${w.id}/workbook`);
    });
    it("refuses an empty hub list, a malformed or repeated hub id and a resource name that is not a GUID, naming the field", () => {
        expect(errors.noHubs).toBeInstanceOf(ValidationError);
        expect((errors.noHubs as ValidationError).field).toBe("TriageWorkbookArgs.hubResourceIds");
        expect((errors.badHub as ValidationError).field).toBe("TriageWorkbookArgs.hubResourceIds[0]");
        expect((errors.duplicate as ValidationError).field).toBe("TriageWorkbookArgs.hubResourceIds[1]");
        expect((errors.badGuid as ValidationError).field).toBe("TriageWorkbookArgs.resourceName");
        expect((errors.badGuid as ValidationError).allowed).toMatch(/GUID/);
    });
});

describe("the umbrellas' workbook", () => {
    it("is created by default, once per fleet, over all its hubs, with the created workspace as source", () => {
        const w = one(R, T.workbook, "fleet-workbook");
        expect(w.parent).toBe(`${T.component}::fleet-workbook`);
        expect(one(R, T.component, "fleet-workbook").parent).toBe("iothub-404104-monitoring:index:FleetMonitoring::fleet");
        const ws = one(R, T.workspace, "fleet-workspace");
        expect(w.inputs.sourceId).toBe(String(ws.id).toLowerCase());
        const data = JSON.parse(String(w.inputs.serializedData));
        const hubParam = data.items[1].content.parameters[0];
        expect(JSON.parse(hubParam.jsonData).map((o: { value: string }) => o.value)).toEqual([HUB_A, HUB_B]);
    });
    it("is linked from every alert's description, on every hub", () => {
        const rules = under(R, T.rule, "fleet-");
        expect(rules.length).toBeGreaterThan(0);
        const w = one(R, T.workbook, "fleet-workbook");
        expect(links.fleet).toBe(`https://portal.azure.com/#@/resource${w.id}/workbook`);
        for (const r of rules) {
            const description = String(r.inputs.description);
            expect(description).toContain(`Triage workbook (`);
            expect(description).toContain(links.fleet);
            expect(description).toMatch(/Likely cause: /);
        }
    });
    it("is linked from every drop alert's description too, after its runbook text", () => {
        const drops = under(R, T.metricAlert, "fleet-");
        expect(drops.length).toBeGreaterThan(0);
        for (const d of drops) {
            const lines = String(d.inputs.description).split("\n");
            expect(lines[0]).toMatch(/^Connected devices on IoT Hub /);
            expect(lines.at(-1)).toBe(`Triage workbook (disconnects by result code, intervals, top devices, 401003 share, 500xxx, connected devices): ${links.fleet}`);
        }
        for (const d of under(R, T.metricAlert, "off-")) expect(String(d.inputs.description)).not.toContain("Triage workbook");
    });
    it("shows a stand-in line in the resolved rules, for reports before deployment", () => {
        expect(resolvedDescriptions.length).toBeGreaterThan(0);
        for (const d of resolvedDescriptions) expect(d.split("\n").at(-1)).toBe(C.DEPLOYMENT_TIME_LINE);
    });
    it("takes the display name for one hub and links that hub's alerts", () => {
        const w = one(R, T.workbook, "single-workbook");
        expect(w.inputs).toMatchObject({ displayName: "Hub A triage", sourceId: WORKSPACE_ID.toLowerCase(), resourceGroupName: "rg-one" });
        for (const r of under(R, T.rule, "single-")) expect(String(r.inputs.description)).toContain(String(links.single));
    });
    it("is left out with enabled false, and so is the link", () => {
        expect(R.filter((r) => r.type === T.workbook && r.name.startsWith("off"))).toEqual([]);
        expect(links.off).toBeUndefined();
        for (const r of under(R, T.rule, "off-")) expect(String(r.inputs.description)).not.toContain("Triage workbook");
    });
    it("refuses a non-boolean enabled, naming the field", () => {
        expect(errors.badEnabled).toBeInstanceOf(ValidationError);
        expect((errors.badEnabled as ValidationError).field).toBe("HubMonitoringArgs.workbook.enabled");
    });
});
