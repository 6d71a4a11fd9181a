import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseIsoDuration } from "../azure/durations";
import { checkQuery, checkRuleSize } from "../kql/check";
import { checkDetection } from "../queries/checkDetection";
import { analyzeKql } from "../kql/kusto";
import { renderKqlLiteral, validateParameterValue } from "../kql/literals";
import { DETECTIONS, detectionById, detectionForFile } from "../queries/catalog";
import { ENVIRONMENT_PROFILES, MONITORED_HUBS_PARAMETER, parameterLines, readDetectionFile, renderDetectionQuery } from "../queries/detection";

const QUERIES = path.join(__dirname, "..", "queries");
const HUB = "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/iot-prod/providers/microsoft.devices/iothubs/plant-7";
const NUMERIC = ["int", "long", "real", "decimal"];

describe("the detection catalog", () => {
    it("has one entry per .kql file, with unique ids, and covers the article's three symptoms", () => {
        const files = fs.readdirSync(QUERIES).filter((f) => f.endsWith(".kql")).sort();
        expect(DETECTIONS.map((d) => d.file).sort()).toEqual(files);
        expect(new Set(DETECTIONS.map((d) => d.id)).size).toBe(DETECTIONS.length);
        expect(new Set(DETECTIONS.map((d) => d.symptom))).toEqual(new Set([1, 2, 3]));
        for (const d of DETECTIONS) {
            expect(detectionById(d.id)).toBe(d);
            expect(detectionForFile(d.file)).toBe(d);
        }
        expect(DETECTIONS.map((d) => d.id)).toEqual(expect.arrayContaining(["periodic-disconnect", "random-disconnect", "mass-disconnect"]));
    });

    it.each(DETECTIONS.map((d) => [d.id, d] as const))("%s: declares each parameter in its file with the catalog's default", (_id, d) => {
        const text = readDetectionFile(d);
        const declared = parameterLines(text);
        const lines = text.split("\n");
        expect(Object.keys(d.parameters)).toContain(MONITORED_HUBS_PARAMETER);
        for (const [name, param] of Object.entries(d.parameters)) {
            expect(declared.has(name), `${d.file} declares ${name}`).toBe(true);
            expect(validateParameterValue(name, param, param.default)).toEqual(param.default);
            const line = lines[declared.get(name) ?? -1];
            expect(line.startsWith(`let ${name} = ${renderKqlLiteral(param, param.default)};`), `${d.file}: ${line}`).toBe(true);
            if (param.type === "timespan" && name !== "maxPeriod") {
                expect(parseIsoDuration(param.max) ?? Infinity, `${d.id}.${name} fits the window`).toBeLessThan(parseIsoDuration(d.windowSize) ?? 0);
            }
        }
    });

    it.each(DETECTIONS.map((d) => [d.id, d] as const))("%s: documents its symptom, lateness and time to detect in the file and the catalog", (_id, d) => {
        const text = readDetectionFile(d);
        expect(text).toMatch(/^\/\/ .*(symptom|Symptom) [123]/);
        expect(text).toContain("// Time to detect:");
        expect(text).toContain("// Late and out-of-order rows:");
        expect(text).toContain("_ResourceId in~ (monitoredHubs)");
        expect(d.timeToDetect.length).toBeGreaterThan(40);
        expect(d.runbook.likelyCause.length).toBeGreaterThan(40);
        expect(d.runbook.whatToCheck.length).toBeGreaterThan(0);
        expect(d.runbook.fix.length).toBeGreaterThan(0);
    });

    it.each(DETECTIONS.map((d) => [d.id, d] as const))("%s: splits by the hub only, and is at least as severe in prod as in dev", (_id, d) => {
        expect(d.resourceIdColumn).toBe("_ResourceId");
        expect(d.dimensions).toEqual(["HubName"]);
        expect(d.severity.prod).toBeLessThanOrEqual(d.severity.staging);
        expect(d.severity.staging).toBeLessThanOrEqual(d.severity.dev);
        const window = parseIsoDuration(d.windowSize) ?? 0;
        const frequency = parseIsoDuration(d.evaluationFrequency) ?? 0;
        expect(window, "the window covers a run plus 10 minutes of late logs").toBeGreaterThanOrEqual(frequency + 600);
    });

    it("lets the periodic detection see three disconnects of the longest period in its window", () => {
        const d = detectionById("periodic-disconnect");
        const maxPeriod = d?.parameters.maxPeriod;
        expect(maxPeriod?.type).toBe("timespan");
        if (d && maxPeriod?.type === "timespan") {
            expect(2 * (parseIsoDuration(maxPeriod.max) ?? Infinity)).toBeLessThanOrEqual(parseIsoDuration(d.windowSize) ?? 0);
        }
    });

    it("keeps the shortest period below the longest for every value the ranges allow", () => {
        for (const d of DETECTIONS) {
            const min = d.parameters.minPeriod;
            const max = d.parameters.maxPeriod;
            if (min?.type === "timespan" && max?.type === "timespan") {
                expect(parseIsoDuration(min.max) ?? Infinity).toBeLessThanOrEqual(parseIsoDuration(max.min) ?? 0);
            }
        }
    });
});

describe.each(DETECTIONS.map((d) => [d.id, d] as const))("detection %s", (_id, d) => {
    it.each(ENVIRONMENT_PROFILES)("passes Microsoft's parser and every check when rendered for %s", (profile) => {
        expect(checkDetection(d, profile)).toEqual([]);
        expect(checkDetection(d, profile, { values: { [MONITORED_HUBS_PARAMETER]: [HUB] } })).toEqual([]);
    });

    it("returns the measure (numeric), the dimensions, the hub's resource id and a datetime column", () => {
        const query = renderDetectionQuery(d, { [MONITORED_HUBS_PARAMETER]: [HUB] }, "test");
        const analyzed = analyzeKql(query);
        expect(analyzed.diagnostics.filter((x) => x.severity === "Error")).toEqual([]);
        const types = new Map(analyzed.columns.map((c) => [c.name, c.type]));
        expect(NUMERIC).toContain(types.get(d.measureColumn));
        for (const dimension of d.dimensions) expect(types.get(dimension)).toBe("string");
        expect(types.get(d.resourceIdColumn)).toBe("string");
        expect(d.timeColumn).toBe("TimeGenerated");
        expect(types.get(d.timeColumn ?? "")).toBe("datetime");
        expect(types.has("AggregatedValue")).toBe(false);
        expect(query).toContain(`let monitoredHubs = dynamic(["${HUB}"]);`);
    });

    it("would also pass the stricter rules of a rule evaluated every minute", () => {
        const query = renderDetectionQuery(d, {}, "test");
        expect(checkQuery(query, { evaluationFrequency: "PT1M" })).toEqual([]);
    });

    it("stays under 64 KB as the rule the components build", async () => {
        const { resolveDetectionRule, scheduledQueryRuleArgs } = await import("../components/detectionRule");
        for (const profile of ENVIRONMENT_PROFILES) {
            const rule = resolveDetectionRule(`detections.${d.id}`, d, HUB, profile);
            const args = scheduledQueryRuleArgs(rule, { resourceGroupName: "rg", location: "westeurope", workspaceId: "/subscriptions/x/ws", actionGroupIds: ["/ag"] });
            expect(checkRuleSize(args)).toEqual([]);
            expect(rule.description).toContain(d.runbook.likelyCause);
            expect(rule.query).toBe(renderDetectionQuery(d, { [MONITORED_HUBS_PARAMETER]: [HUB] }, "test"));
        }
    });
});
