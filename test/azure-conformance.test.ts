/**
 * The vendored Azure REST API specs and workbook schema (byte-exact, as SOURCES.json records them),
 * the API versions they cover against azure-native 3.28.0, and the spec harness itself on inputs
 * made here. The sample stacks are checked by azure-conformance-<stack>.test.ts, mutations of
 * recorded resources by azure-conformance-mutations.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import {
    ISO8601_DURATION,
    SPECS_ROOT,
    WORKBOOK_SCHEMA_FILE,
    WORKBOOK_SCHEMA_ROOT,
    azureNativeApiVersion,
    coveredTypes,
    pulumiName,
    readSources,
    restBody,
    sha256File,
    specFindings,
    specSourceFor,
    specViolations,
    unmappedSdkInputs,
    workbookSchemaViolations,
} from "./support/azureSpecs";

function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const specSources = readSources();
const workbookSources = readSources(WORKBOOK_SCHEMA_ROOT);

describe("vendored specs (test/fixtures/azure-specs, test/fixtures/workbook-schema)", () => {
    it.each(specSources.map((s) => [s.path, s] as const))("%s matches its SOURCES.json sha256", (_p, s) => {
        expect(s.repo).toBe("Azure/azure-rest-api-specs");
        expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
        expect(sha256File(path.join(SPECS_ROOT, s.path))).toBe(s.sha256);
    });

    it("lists every vendored spec file in SOURCES.json, and only those", () => {
        const vendored = filesUnder(SPECS_ROOT)
            .map((f) => path.relative(SPECS_ROOT, f).split(path.sep).join("/"))
            .filter((f) => f !== "SOURCES.json")
            .sort();
        expect(vendored).toEqual(specSources.map((s) => s.path).sort());
    });

    it("has the workbook schema byte-exact as SOURCES.json records it", () => {
        expect(workbookSources).toHaveLength(1);
        const [s] = workbookSources;
        expect(s).toMatchObject({ repo: "microsoft/Application-Insights-Workbooks", path: "schema/workbook.json" });
        expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
        expect(path.join(WORKBOOK_SCHEMA_ROOT, s.path)).toBe(WORKBOOK_SCHEMA_FILE);
        expect(sha256File(WORKBOOK_SCHEMA_FILE)).toBe(s.sha256);
    });

    it("states, for each resource spec, the info.version of the file", () => {
        for (const s of specSources.filter((x) => x.resourceTypes)) {
            const info = (JSON.parse(fs.readFileSync(path.join(SPECS_ROOT, s.path), "utf8")) as { info: { version: string } }).info;
            expect(`${s.path}: ${info.version}`).toBe(`${s.path}: ${s.apiVersion}`);
        }
    });

    it("covers the azure-native types the program creates and the ones planned next", () => {
        expect(coveredTypes()).toEqual([
            "azure-native:applicationinsights:Workbook",
            "azure-native:authorization:ManagementLockAtResourceLevel",
            "azure-native:authorization:ManagementLockByScope",
            "azure-native:monitor:ActionGroup",
            "azure-native:monitor:ActivityLogAlert",
            "azure-native:monitor:DiagnosticSetting",
            "azure-native:monitor:MetricAlert",
            "azure-native:monitor:ScheduledQueryRule",
            "azure-native:operationalinsights:Workspace",
        ]);
    });

    it.each(coveredTypes())("maps %s to a spec whose info.version is the REST API version its azure-native .d.ts states", (type) => {
        const s = specSourceFor(type);
        const info = (JSON.parse(fs.readFileSync(path.join(SPECS_ROOT, s.path), "utf8")) as { info: { version: string } }).info;
        expect(info.version).toBe(azureNativeApiVersion(type));
    });

    it.each(coveredTypes())("resolves every $ref of the %s PUT body and can place every input azure-native 3.28.0 declares, nested Args included (the vendored version is the SDK's)", (type) => {
        // Empty inputs: the schema compiles (all $refs resolve) and only required properties are missing.
        expect(specViolations(type, {}).every((v) => v.includes("required property"))).toBe(true);
        // azure-native's ManagementLockAtResourceLevel also takes `apiVersion` (of the locked resource), which is no parameter of locks.json's PUT.
        const expected = type === "azure-native:authorization:ManagementLockAtResourceLevel" ? ["apiVersion"] : [];
        expect(unmappedSdkInputs(type)).toEqual(expected);
    });
});

describe("spec harness", () => {
    it("reads ISO 8601 durations as ARM does", () => {
        for (const ok of ["PT1M", "PT5M", "PT15M", "PT1H", "PT6H", "P1D", "P2D", "PT0.5S", "P1DT12H"]) expect(ISO8601_DURATION.test(ok), ok).toBe(true);
        for (const bad of ["5m", "PT", "P", "1D", "PT5", "P1H", "5 minutes", "PT-5M"]) expect(ISO8601_DURATION.test(bad), bad).toBe(false);
    });

    it("spells REST names as azure-native inputs", () => {
        expect(pulumiName("odata.type")).toBe("odataType");
        expect(pulumiName("groupShortName")).toBe("groupShortName");
        expect(pulumiName("MechanismType")).toBe("mechanismType");
    });

    const metricAlert = {
        resourceGroupName: "rg",
        location: "global",
        description: "d",
        severity: 3,
        enabled: true,
        scopes: ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/h"],
        evaluationFrequency: "PT1M",
        windowSize: "PT5M",
        criteria: {
            odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            allOf: [{ criterionType: "StaticThresholdCriterion", name: "c", metricName: "connectedDeviceCount", timeAggregation: "Minimum", operator: "LessThan", threshold: 20 }],
        },
    };

    it("turns inputs into the PUT body: path parameters out, flattened inputs under properties, odataType -> odata.type", () => {
        const body = restBody("azure-native:monitor:MetricAlert", metricAlert);
        expect(Object.keys(body).sort()).toEqual(["location", "properties"]);
        expect(body.properties).toMatchObject({ severity: 3, windowSize: "PT5M", criteria: { "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria" } });
        expect(JSON.stringify(body)).not.toContain("odataType");
        expect(JSON.stringify(body)).not.toContain("resourceGroupName");
        expect(specFindings("azure-native:monitor:MetricAlert", metricAlert)).toEqual({ violations: [], warnings: [] });
    });

    it("validates a polymorphic value against the sub-type its discriminator selects", () => {
        // The same criterion under MultipleResourceMultipleMetricCriteria is a MultiMetricCriteria: a dynamic one needs alertSensitivity and failingPeriods.
        const dynamic = {
            ...metricAlert,
            criteria: {
                odataType: "Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria",
                allOf: [{ criterionType: "DynamicThresholdCriterion", name: "c", metricName: "m", timeAggregation: "Average", operator: "GreaterThan" }],
            },
        };
        const v = specViolations("azure-native:monitor:MetricAlert", dynamic);
        expect(v.some((x) => x.startsWith("criteria.allOf[0].alertSensitivity ") && x.includes("required"))).toBe(true);
        expect(v.some((x) => x.startsWith("criteria.allOf[0].failingPeriods ") && x.includes("required"))).toBe(true);
        const fixed = structuredClone(dynamic);
        Object.assign(fixed.criteria.allOf[0], { alertSensitivity: "Medium", failingPeriods: { numberOfEvaluationPeriods: 4, minFailingPeriodsToAlert: 4 } });
        expect(specViolations("azure-native:monitor:MetricAlert", fixed)).toEqual([]);
    });

    it("keeps a top-level property over a flattened one of the same name (Workbook tags: resource tags, not properties.tags)", () => {
        const body = restBody("azure-native:applicationinsights:Workbook", {
            resourceGroupName: "rg",
            resourceName: "00000000-0000-0000-0000-000000000001",
            location: "westeurope",
            kind: "shared",
            category: "workbook",
            displayName: "w",
            serializedData: '{"version":"Notebook/1.0","items":[]}',
            tags: { a: "b" },
            sourceId: "/subscriptions/s",
        });
        expect(body).toMatchObject({ tags: { a: "b" }, properties: { sourceId: "/subscriptions/s", displayName: "w" } });
        expect(body).not.toHaveProperty("resourceName");
        expect(body.properties).not.toHaveProperty("tags");
    });

    it("throws when an input maps to nothing", () => {
        expect(() => restBody("azure-native:monitor:MetricAlert", { ...metricAlert, muteActionDuration: "PT5M" })).toThrow(/muteActionDuration/);
    });

    it("refuses a type with no vendored spec", () => {
        expect(() => specViolations("azure-native:storage:StorageAccount", {})).toThrow(/no vendored Azure REST API spec/);
    });

    it("checks workbook content against the workbook schema", () => {
        expect(workbookSchemaViolations('{"version":"Notebook/1.0","items":[{"type":1,"content":{"json":"# hi"}}]}')).toEqual([]);
        expect(workbookSchemaViolations('{"items":[]}')).toEqual([expect.stringContaining("serializedData.version")]);
        expect(workbookSchemaViolations("not json")).toEqual([expect.stringContaining("not JSON")]);
    });
});
