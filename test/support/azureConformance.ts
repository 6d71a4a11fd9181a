/**
 * Conformance of one sample stack's Azure resources to Azure's published REST API specs (see
 * `azureSpecs.ts`) and to the limits table of `azure/limits.ts` (see `limitsConformance.ts`). Each stack gets its own test file calling {@link describeStackConformance}:
 * the offline engine's mock runtime is process-global, so one stack per test file.
 *
 * In scope: every custom resource whose type starts with `azure-native:` (Azure Resource Manager).
 * Out of scope: `azuread:*` resources (application, service principal, app role assignment,
 * identifier URI of the secure webhook), which are Microsoft Graph objects, not ARM resources, and
 * have no ARM REST spec; and `pulumi:providers:*`, which are Pulumi providers, not cloud resources.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../program/offline";
import { azureNativeApiVersion, coveredTypes, specFindings, specSourceFor, workbookSchemaViolations } from "./azureSpecs";
import { appliedLimitIds, limitViolations } from "./limitsConformance";
import { runStack } from "./runStack";

const WORKBOOK = "azure-native:applicationinsights:Workbook";

/** The recorded ARM resources of a run: custom resources of an `azure-native:` type. */
export function armResources(resources: readonly RecordedResource[]): RecordedResource[] {
    return resources.filter((r) => r.custom && r.type.startsWith("azure-native:"));
}

/**
 * Registers the conformance tests of a sample stack (`Pulumi.<stack>.yaml`): a `beforeAll` that
 * records the stack under the offline engine, then one test per property of the whole stack.
 */
export function describeStackConformance(stack: string): void {
    describe(`Pulumi.${stack}.yaml: every Azure resource is accepted by Azure's REST API specs`, () => {
        let arm: RecordedResource[] = [];
        const types = (): string[] => [...new Set(arm.map((r) => r.type))].sort();

        beforeAll(async () => {
            arm = armResources((await runStack(stack)).engine.resources);
        });

        it("creates azure-native resources", () => {
            expect(arm.length).toBeGreaterThan(0);
        });

        it("has a vendored spec for every azure-native type it creates", () => {
            const covered = new Set(coveredTypes());
            expect(types().filter((t) => !covered.has(t))).toEqual([]);
        });

        it("checks each type against the spec of the API version azure-native 3.28.0 uses for it", () => {
            const mismatched = types()
                .map((t) => ({ t, spec: specSourceFor(t).apiVersion, sdk: azureNativeApiVersion(t) }))
                .filter((x) => x.spec !== x.sdk)
                .map((x) => `${x.t}: spec ${x.spec}, azure-native ${x.sdk}`);
            expect(mismatched).toEqual([]);
        });

        it("sends nothing the specs reject (zero violations)", () => {
            const violations = arm.flatMap((r) => specFindings(r.type, r.inputs).violations.map((v) => `${r.type} ${r.name}: ${v}`));
            expect(violations).toEqual([]);
        });

        it("sends only the enum values the API versions list, extensible enums included (zero warnings)", () => {
            const warnings = arm.flatMap((r) => specFindings(r.type, r.inputs).warnings.map((w) => `${r.type} ${r.name}: ${w}`));
            expect(warnings).toEqual([]);
        });

        it("gives every workbook content that Microsoft's workbook schema accepts", () => {
            const workbooks = arm.filter((r) => r.type === WORKBOOK);
            const problems = workbooks.flatMap((r) => {
                const data = r.inputs.serializedData;
                if (typeof data !== "string") return [`${r.name}: serializedData is not a string`];
                return workbookSchemaViolations(data).map((v) => `${r.name}: ${v}`);
            });
            expect(problems).toEqual([]);
        });

        it("holds every row of the limits table (azure/limits.ts) that the specs do not state: mute durations, stateful frequency, tags, names, ...", () => {
            expect(arm.flatMap((r) => limitViolations(r))).toEqual([]);
        });

        it("puts its rule fields, names and tags before the limits table, so the check above is not vacuous", () => {
            const applied = appliedLimitIds(arm);
            for (const id of ["log-alert-frequency", "log-alert-window", "log-alert-mute", "log-alert-mute-covers-frequency", "log-alert-stateful-frequency", "log-alert-query-range", "log-alert-properties-size", "alert-severity", "metric-alert-frequency", "metric-alert-window", "tags", "resource-group-name"]) {
                expect(applied, id).toContain(id);
            }
        });

        it("declares the workbook version its content has (workbooks_API.json: version 'should match the workbook in serializedData')", () => {
            const mismatched = arm
                .filter((r) => r.type === WORKBOOK && typeof r.inputs.version === "string" && typeof r.inputs.serializedData === "string")
                .map((r) => ({ name: r.name, declared: r.inputs.version, content: (JSON.parse(r.inputs.serializedData as string) as { version?: unknown }).version }))
                .filter((x) => x.declared !== x.content)
                .map((x) => `${x.name}: version ${JSON.stringify(x.declared)}, serializedData.version ${JSON.stringify(x.content)}`);
            expect(mismatched).toEqual([]);
        });
    });
}
