import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../program/offline";
import { DETECTIONS } from "../queries/catalog";
import { runStack } from "./support/runStack";

let R: RecordedResource[];
let profile: string;

beforeAll(async () => {
    const run = await runStack("dev");
    R = run.engine.resources;
    profile = run.profile;
});

const ofType = (t: string): RecordedResource[] => R.filter((r) => r.type === t);

describe("the program with Pulumi.dev.yaml", () => {
    it("takes the dev profile from the stack name", () => {
        expect(profile).toBe("dev");
    });
    it("creates a workspace with 30 days' retention, retained on delete", () => {
        const ws = ofType("azure-native:operationalinsights:Workspace");
        expect(ws).toHaveLength(1);
        expect(ws[0].inputs).toMatchObject({ resourceGroupName: "rg-iot-monitoring-dev", location: "westeurope", retentionInDays: 30, sku: { name: "PerGB2018" } });
        expect(ws[0].retainOnDelete).toBe(true);
    });
    it("sends Connections from the dev hub to that workspace", () => {
        const d = ofType("azure-native:monitor:DiagnosticSetting");
        expect(d).toHaveLength(1);
        expect(d[0].inputs.resourceUri).toMatch(/\/IotHubs\/contoso-iot-dev$/);
        expect(d[0].inputs.logs).toContainEqual({ category: "Connections", enabled: true });
        expect(d[0].inputs.workspaceId).toBe(ofType("azure-native:operationalinsights:Workspace")[0].id);
    });
    it("routes alerts to one action group with the dev team's email", () => {
        const ag = ofType("azure-native:monitor:ActionGroup");
        expect(ag).toHaveLength(1);
        expect(ag[0].inputs.emailReceivers).toEqual([{ name: "iot-dev-team", emailAddress: "iot-dev@contoso.com", useCommonAlertSchema: true }]);
        expect(ofType("azuread:index/application:Application")).toHaveLength(0);
    });
    it("alerts on a drop of connectedDeviceCount below half the expected 40 devices (dev drop percent 50)", () => {
        const m = ofType("azure-native:monitor:MetricAlert");
        expect(m).toHaveLength(1);
        const c = (m[0].inputs.criteria as { allOf: Record<string, unknown>[] }).allOf[0];
        expect(c).toMatchObject({ metricName: "connectedDeviceCount", operator: "LessThan", timeAggregation: "Minimum", threshold: 20 });
        expect(m[0].inputs.severity).toBe(3);
        expect(m[0].inputs.actions).toEqual([{ actionGroupId: ofType("azure-native:monitor:ActionGroup")[0].id }]);
    });
    it("creates one scheduled query rule per detection of the catalog, with dev severities", () => {
        const rules = ofType("azure-native:monitor:ScheduledQueryRule");
        expect(rules.map((r) => (r.inputs.actions as { customProperties: { detection: string } }).customProperties.detection).sort()).toEqual(DETECTIONS.map((d) => d.id).sort());
        for (const r of rules) {
            const id = (r.inputs.actions as { customProperties: { detection: string } }).customProperties.detection;
            expect(r.inputs.severity).toBe(DETECTIONS.find((d) => d.id === id)?.severity.dev);
        }
    });
    it("tags what it creates", () => {
        expect(ofType("azure-native:operationalinsights:Workspace")[0].inputs.tags).toEqual({ environment: "dev", owner: "iot-platform" });
    });
});
