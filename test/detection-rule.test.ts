import { describe, expect, it } from "vitest";
import { resolveDetectionRule, scheduledQueryRuleArgs } from "../components/detectionRule";
import { DETECTIONS } from "../queries/catalog";
import { monitoredHubsParameter, type DetectionDefinition } from "../queries/detection";
import { ACTION_GROUP_ID, HUB_A, WORKSPACE_ID } from "./support/fixtures";

const [first] = DETECTIONS;

describe("resolveDetectionRule", () => {
    it("binds the hub (lower-cased) into monitoredHubs and carries the runbook in the description", () => {
        const r = resolveDetectionRule("x", first, HUB_A, "prod");
        expect(r.query).toContain(`let monitoredHubs = dynamic(["${HUB_A.toLowerCase()}"]);`);
        expect(r.description).toContain(`Likely cause: ${first.runbook.likelyCause}`);
        for (const step of [...first.runbook.whatToCheck, ...first.runbook.fix]) expect(r.description).toContain(step);
        expect(r.description).toContain(`Time to detect: ${first.timeToDetect}`);
        expect(r.displayName).toBe(`${first.title} [hub-a]`);
        expect(r.severity).toBe(first.severity.prod);
    });
    it("applies overrides", () => {
        const r = resolveDetectionRule("x", first, HUB_A, "dev", { severity: 0, threshold: 5, muteActionsDuration: "PT2H", autoMitigate: false });
        expect(r).toMatchObject({ severity: 0, threshold: 5, muteActionsDuration: "PT2H", autoMitigate: false });
    });
    it("mutes only rules that do not resolve themselves, and refuses a mute on an auto-resolving rule", () => {
        for (const d of DETECTIONS) {
            const r = resolveDetectionRule("x", d, HUB_A, "prod");
            expect(r.muteActionsDuration === undefined).toBe(d.autoMitigate);
        }
        expect(resolveDetectionRule("x", first, HUB_A, "prod", { autoMitigate: true }).muteActionsDuration).toBeUndefined();
        expect(() => resolveDetectionRule("d", first, HUB_A, "prod", { autoMitigate: true, muteActionsDuration: "PT1H" })).toThrow(
            /d\.muteActionsDuration: "PT1H" is not valid; applies only when autoMitigate is false/,
        );
    });
    it("takes mute durations from Azure's supported list: PT4H and PT5H are accepted, PT12H is refused naming the limit", () => {
        expect(resolveDetectionRule("x", first, HUB_A, "prod", { muteActionsDuration: "PT4H" }).muteActionsDuration).toBe("PT4H");
        expect(resolveDetectionRule("x", first, HUB_A, "prod", { muteActionsDuration: "PT300M" }).muteActionsDuration).toBe("PT5H");
        expect(() => resolveDetectionRule("d", first, HUB_A, "prod", { muteActionsDuration: "PT12H" })).toThrow(
            'd.muteActionsDuration: "PT12H" is not valid; allowed: one of PT5M, PT10M, PT15M, PT30M, PT45M, PT1H, PT2H, PT3H, PT4H, PT5H, PT6H, P1D, P2D (limit log-alert-mute, azure/limits.ts)',
        );
    });
    it("refuses a mute shorter than the evaluation frequency, as Azure does", () => {
        expect(first.evaluationFrequency).toBe("PT1H");
        expect(() => resolveDetectionRule("d", first, HUB_A, "prod", { muteActionsDuration: "PT30M" })).toThrow(
            /^d\.muteActionsDuration: "PT30M" is not valid; allowed: at least the evaluation frequency PT1H \(Azure: "EvaluationFrequency cannot be greater than MuteActionsDuration"\) \(limit log-alert-mute-covers-frequency/,
        );
        expect(resolveDetectionRule("x", first, HUB_A, "prod", { muteActionsDuration: "PT1H" }).muteActionsDuration).toBe("PT1H");
    });
    it("refuses a stateful (autoMitigate) rule evaluated less often than every 12 hours, and accepts it stateless", () => {
        const daily = { evaluationFrequency: "P1D", windowSize: "P2D", failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 } };
        expect(() => resolveDetectionRule("d", first, HUB_A, "prod", { ...daily, autoMitigate: true })).toThrow(
            /^d\.evaluationFrequency: "P1D" is not valid; allowed with autoMitigate true: at most PT12H .*\(limit log-alert-stateful-frequency/,
        );
        expect(resolveDetectionRule("x", first, HUB_A, "prod", { ...daily, autoMitigate: false, muteActionsDuration: "P1D" })).toMatchObject({ evaluationFrequency: "P1D", autoMitigate: false });
    });
    it("refuses to let callers rebind monitoredHubs, unknown settings, and bad failing periods", () => {
        expect(() => resolveDetectionRule("d", first, HUB_A, "prod", { parameters: { lists: { monitoredHubs: ["x"] } } })).toThrow(/d\.parameters\.lists\.monitoredHubs: .* bound by the components to the monitored hub; not settable/);
    });
    it("takes parameter values in the map of their kind and names the right map otherwise", () => {
        const mass = DETECTIONS.find((d) => d.id === "mass-disconnect");
        if (!mass) throw new Error("no mass-disconnect");
        expect(resolveDetectionRule("d", mass, HUB_A, "prod", { parameters: { numbers: { minDevices: 25 }, durations: { binSize: "PT10M" } } }).query).toMatch(/let binSize = 10m;[\s\S]*let minDevices = 25;/);
        expect(() => resolveDetectionRule("d", mass, HUB_A, "prod", { parameters: { durations: { minDevices: "PT1M" } } })).toThrow(/^d\.parameters\.durations\.minDevices: "PT1M" is not valid; minDevices is a int parameter; give it under d\.parameters\.numbers$/);
        expect(() => resolveDetectionRule("d", mass, HUB_A, "prod", { parameters: { numbers: { minDevice: 2 } } })).toThrow(/^d\.parameters\.numbers\.minDevice: 2 is not valid; not a parameter of mass-disconnect; allowed: /);
        expect(() => resolveDetectionRule("d", mass, HUB_A, "prod", { parameters: { numbers: { minDevices: 0 } } })).toThrow(/^d\.parameters\.numbers\.minDevices: 0 is not valid; allowed: an integer from 1/);
        expect(() => resolveDetectionRule("d", mass, HUB_A, "prod", { parameters: { values: {} } as never })).toThrow(/^d\.parameters\.values: .*unknown key/);
        expect(() => resolveDetectionRule("d", first, HUB_A, "prod", { sevirity: 1 } as never)).toThrow(/d\.sevirity: "sevirity" is not valid; unknown setting/);
        expect(() => resolveDetectionRule("d", first, HUB_A, "prod", { failingPeriods: { numberOfEvaluationPeriods: 2, minFailingPeriodsToAlert: 3 } })).toThrow(
            /d\.failingPeriods\.minFailingPeriodsToAlert: 3 is not valid; allowed: an integer from 1 to 2/,
        );
        expect(() => resolveDetectionRule("d", first, HUB_A, "prod", { windowSize: "P1D", evaluationFrequency: "PT1H", failingPeriods: { numberOfEvaluationPeriods: 3, minFailingPeriodsToAlert: 1 } })).toThrow(
            /numberOfEvaluationPeriods: 3 is not valid; allowed: window P1D x periods may not exceed P2D \(limit log-alert-query-range/,
        );
    });
    it("refuses a window shorter than the frequency plus the 10 minutes logs may arrive late, as the catalog's own windows are", () => {
        expect(() => resolveDetectionRule("detections.periodic-disconnect", first, HUB_A, "prod", { evaluationFrequency: "PT5M", windowSize: "PT10M" })).toThrow(
            'detections.periodic-disconnect.windowSize: "PT10M" is not valid; allowed: a window of at least the evaluation frequency PT5M plus PT10M',
        );
        expect(() => resolveDetectionRule("d", first, HUB_A, "prod", { evaluationFrequency: "PT5M", windowSize: "PT15M" })).not.toThrow();
    });
    it("refuses a 1-minute frequency for a query that uses what Azure forbids at that frequency", () => {
        const takeDetection: DetectionDefinition = { ...first, file: "../test/support/take-at-one-minute.kql", parameters: { monitoredHubs: monitoredHubsParameter } };
        expect(() => resolveDetectionRule("d", takeDetection, HUB_A, "prod", { evaluationFrequency: "PT5M", windowSize: "PT15M" })).not.toThrow();
        expect(() => resolveDetectionRule("d", takeDetection, HUB_A, "prod", { evaluationFrequency: "PT1M", windowSize: "PT15M" })).toThrow(
            /d\.evaluationFrequency: "PT1M" is not valid; allowed: a frequency above PT1M .*line 5: .*take/,
        );
    });
});

describe("scheduledQueryRuleArgs", () => {
    it("asks Azure to skip its query validation, which fails before the first diagnostic rows create AzureDiagnostics", () => {
        for (const d of DETECTIONS) {
            const args = scheduledQueryRuleArgs(resolveDetectionRule("x", d, HUB_A, "prod"), { resourceGroupName: "rg", location: "westeurope", workspaceId: WORKSPACE_ID, actionGroupIds: [] });
            expect(args.skipQueryValidation).toBe(true);
        }
    });
    it("maps a resolved rule to a LogAlert scoped to the workspace, split by hub, with its action groups", () => {
        const r = resolveDetectionRule("x", first, HUB_A, "staging");
        const args = scheduledQueryRuleArgs(r, { resourceGroupName: "rg", location: "westeurope", workspaceId: WORKSPACE_ID, actionGroupIds: [ACTION_GROUP_ID] });
        expect(args).toMatchObject({
            kind: "LogAlert",
            scopes: [WORKSPACE_ID],
            severity: first.severity.staging,
            evaluationFrequency: first.evaluationFrequency,
            windowSize: first.windowSize,
            actions: { actionGroups: [ACTION_GROUP_ID], customProperties: { detection: first.id, symptom: String(first.symptom), hub: "hub-a" } },
            criteria: {
                allOf: [
                    {
                        query: r.query,
                        timeAggregation: first.timeAggregation,
                        metricMeasureColumn: first.measureColumn,
                        resourceIdColumn: "_ResourceId",
                        dimensions: first.dimensions.map((name) => ({ name, operator: "Include", values: ["*"] })),
                        operator: first.operator,
                        threshold: first.threshold,
                        failingPeriods: first.failingPeriods,
                    },
                ],
            },
        });
    });
    it("leaves out the measure column for a Count aggregation", () => {
        const r = resolveDetectionRule("x", { ...first, timeAggregation: "Count" }, HUB_A, "prod");
        const c = (scheduledQueryRuleArgs(r, { resourceGroupName: "rg", location: "l", workspaceId: WORKSPACE_ID, actionGroupIds: [] }).criteria as { allOf: Record<string, unknown>[] }).allOf[0];
        expect(c.metricMeasureColumn).toBeUndefined();
        expect(c.timeAggregation).toBe("Count");
    });
});
