import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../program/offline";
import { OFFLINE_SECRET_PLACEHOLDER } from "../program/stackFile";
import { DETECTIONS } from "../queries/catalog";
import { runStack } from "./support/runStack";

let R: RecordedResource[];
let placeholders: number;

beforeAll(async () => {
    const run = await runStack("prod");
    R = run.engine.resources;
    placeholders = run.placeholders;
});

const ofType = (t: string): RecordedResource[] => R.filter((r) => r.type === t);

describe("the program with Pulumi.prod.yaml", () => {
    it("monitors both hubs from one workspace (90 days, 50 GB/day cap) and one action group", () => {
        expect(ofType("azure-native:operationalinsights:Workspace")).toHaveLength(1);
        expect(ofType("azure-native:operationalinsights:Workspace")[0].inputs).toMatchObject({ retentionInDays: 90, workspaceCapping: { dailyQuotaGb: 50 } });
        expect(ofType("azure-native:monitor:ActionGroup")).toHaveLength(1);
        const hubs = ofType("azure-native:monitor:DiagnosticSetting").map((d) => String(d.inputs.resourceUri).split("/").pop());
        expect(hubs).toEqual(["contoso-iot-prod-weu", "contoso-iot-prod-neu"]);
    });
    it("derives each hub's drop threshold from its expected devices and the prod drop percent (20)", () => {
        const thresholds = ofType("azure-native:monitor:MetricAlert").map((m) => (m.inputs.criteria as { allOf: { threshold: number }[] }).allOf[0].threshold);
        expect(thresholds).toEqual([9600, 6400]);
        for (const m of ofType("azure-native:monitor:MetricAlert")) expect(m.inputs.severity).toBe(1);
    });
    it("uses a secure webhook: the secret URL (a placeholder offline) with Entra ID authentication", () => {
        expect(placeholders).toBe(1);
        const hooks = ofType("azure-native:monitor:ActionGroup")[0].inputs.webhookReceivers as Record<string, unknown>[];
        expect(hooks).toHaveLength(1);
        expect(hooks[0]).toMatchObject({ name: "incident-api", serviceUri: OFFLINE_SECRET_PLACEHOLDER, useAadAuth: true });
        expect(hooks[0].identifierUri).toMatch(/^api:\/\//);
        expect(ofType("azuread:index/appRoleAssignment:AppRoleAssignment")).toHaveLength(1);
    });
    it("creates every detection for every hub with prod severities", () => {
        const rules = ofType("azure-native:monitor:ScheduledQueryRule");
        expect(rules).toHaveLength(2 * DETECTIONS.length);
        for (const r of rules) {
            const props = (r.inputs.actions as { customProperties: { detection: string } }).customProperties;
            expect(r.inputs.severity).toBe(DETECTIONS.find((d) => d.id === props.detection)?.severity.prod);
        }
    });
});
