/**
 * Conformance of one sample stack's Azure resources to Azure's published REST API specs (see
 * `azureSpecs.ts`) and to the limits table of `azure/limits.ts` (see `limitsConformance.ts`). Each
 * stack gets its own test file calling {@link checkStackConformance} and asserting its findings:
 * the offline engine's mock runtime is process-global, so one stack per test file.
 *
 * In scope: every custom resource whose type starts with `azure-native:` (Azure Resource Manager).
 * Out of scope: `azuread:*` resources (application, service principal, app role assignment,
 * identifier URI of the secure webhook), which are Microsoft Graph objects, not ARM resources, and
 * have no ARM REST spec; and `pulumi:providers:*`, which are Pulumi providers, not cloud resources.
 */
import type { RecordedResource } from "../../program/offline";
import { azureNativeApiVersion, coveredTypes, specFindings, specSourceFor, workbookSchemaViolations } from "./azureSpecs";
import { appliedLimitIds, limitViolations } from "./limitsConformance";
import { runStack } from "./runStack";

const WORKBOOK = "azure-native:applicationinsights:Workbook";

/** The recorded ARM resources of a run: custom resources of an `azure-native:` type. */
export function armResources(resources: readonly RecordedResource[]): RecordedResource[] {
    return resources.filter((r) => r.custom && r.type.startsWith("azure-native:"));
}

/** What the conformance check found for one sample stack; every list empty means Azure's published word accepts it. */
export interface StackConformance {
    /** azure-native types recorded, sorted. */
    readonly types: readonly string[];
    /** Types with no vendored spec. */
    readonly uncoveredTypes: readonly string[];
    /** Types whose vendored spec is not of the API version azure-native 3.28.0 uses. */
    readonly versionMismatches: readonly string[];
    /** What the specs reject, per resource and path. */
    readonly specViolations: readonly string[];
    /** Values of extensible enums the API versions do not list. */
    readonly specWarnings: readonly string[];
    /** What Microsoft's workbook schema rejects in the workbooks' content. */
    readonly workbookProblems: readonly string[];
    /** Workbooks whose declared version differs from their content's (workbooks_API.json: "should match"). */
    readonly workbookVersionMismatches: readonly string[];
    /** Rows of the limits table (azure/limits.ts) the resources break. */
    readonly limitViolations: readonly string[];
    /** Ids of the limits table's rows that applied to at least one resource. */
    readonly appliedLimits: ReadonlySet<string>;
}

/** Rows of the limits table every sample stack puts before the check (so an empty violation list is not vacuous). */
export const LIMITS_EVERY_STACK_MEETS: readonly string[] = [
    "log-alert-frequency",
    "log-alert-window",
    "log-alert-mute",
    "log-alert-mute-covers-frequency",
    "log-alert-stateful-frequency",
    "log-alert-query-range",
    "log-alert-properties-size",
    "alert-severity",
    "metric-alert-frequency",
    "metric-alert-window",
    "tags",
    "resource-group-name",
];

/**
 * Records a sample stack (`Pulumi.<stack>.yaml`) under the offline engine and checks every Azure
 * resource against the vendored REST API specs, the workbook schema and the limits table. The mock
 * runtime is process-global: call it for one stack per test file.
 */
export async function checkStackConformance(stack: string): Promise<StackConformance> {
    const arm = armResources((await runStack(stack)).engine.resources);
    const types = [...new Set(arm.map((r) => r.type))].sort();
    const covered = new Set(coveredTypes());
    const findings = arm.map((r) => ({ r, f: specFindings(r.type, r.inputs) }));
    const workbooks = arm.filter((r) => r.type === WORKBOOK);
    return {
        types,
        uncoveredTypes: types.filter((t) => !covered.has(t)),
        versionMismatches: types
            .filter((t) => covered.has(t))
            .map((t) => ({ t, spec: specSourceFor(t).apiVersion, sdk: azureNativeApiVersion(t) }))
            .filter((x) => x.spec !== x.sdk)
            .map((x) => `${x.t}: spec ${x.spec}, azure-native ${x.sdk}`),
        specViolations: findings.flatMap(({ r, f }) => f.violations.map((v) => `${r.type} ${r.name}: ${v}`)),
        specWarnings: findings.flatMap(({ r, f }) => f.warnings.map((w) => `${r.type} ${r.name}: ${w}`)),
        workbookProblems: workbooks.flatMap((r) => {
            const data = r.inputs.serializedData;
            if (typeof data !== "string") return [`${r.name}: serializedData is not a string`];
            return workbookSchemaViolations(data).map((v) => `${r.name}: ${v}`);
        }),
        workbookVersionMismatches: workbooks
            .filter((r) => typeof r.inputs.version === "string" && typeof r.inputs.serializedData === "string")
            .map((r) => ({ name: r.name, declared: r.inputs.version, content: (JSON.parse(r.inputs.serializedData as string) as { version?: unknown }).version }))
            .filter((x) => x.declared !== x.content)
            .map((x) => `${x.name}: version ${JSON.stringify(x.declared)}, serializedData.version ${JSON.stringify(x.content)}`),
        limitViolations: arm.flatMap((r) => limitViolations(r)),
        appliedLimits: appliedLimitIds(arm),
    };
}
