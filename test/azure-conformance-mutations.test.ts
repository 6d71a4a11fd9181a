/**
 * The spec check catches what Azure's REST API specs reject: each test clones one resource the dev
 * stack records, breaks one rule the vendored spec states (the rule is cited beside each test), and
 * expects a finding naming the input path. Unknown values of an extensible enum
 * (`x-ms-enum.modelAsString: true`) are warnings, not violations (see azureSpecs.ts); the conformance
 * tests fail on warnings too.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../program/offline";
import { armResources } from "./support/azureConformance";
import { type SpecFindings, restBody, specFindings, workbookSchemaViolations } from "./support/azureSpecs";
import { limitViolations } from "./support/limitsConformance";
import { runStack } from "./support/runStack";

const METRIC_ALERT = "azure-native:monitor:MetricAlert";
const LOG_ALERT = "azure-native:monitor:ScheduledQueryRule";
const ACTION_GROUP = "azure-native:monitor:ActionGroup";
const WORKSPACE = "azure-native:operationalinsights:Workspace";
const DIAGNOSTICS = "azure-native:monitor:DiagnosticSetting";
const WORKBOOK = "azure-native:applicationinsights:Workbook";

type Inputs = Record<string, unknown>;

/** One change to a resource's inputs at a path such as `criteria.allOf[0].operator`. */
interface Edit {
    readonly path: string;
    readonly value?: unknown;
    readonly remove?: boolean;
}
const set = (path: string, value: unknown): Edit => ({ path, value });
const remove = (path: string): Edit => ({ path, remove: true });

/** Applies an edit in place (the recorded inputs are plain JSON). */
function apply(target: Inputs, edit: Edit): void {
    const keys = edit.path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== "");
    let node: unknown = target;
    for (const k of keys.slice(0, -1)) {
        node = (node as Record<string, unknown>)[k];
        if (typeof node !== "object" || node === null) throw new Error(`no ${k} in ${edit.path}`);
    }
    const last = keys[keys.length - 1];
    const parent = node as Record<string, unknown>;
    if (edit.remove) delete parent[last];
    else parent[last] = edit.value;
}

let arm: RecordedResource[] = [];

beforeAll(async () => {
    arm = armResources((await runStack("dev")).engine.resources);
});

/** A deep copy of the inputs of the first recorded resource of a type, with the edits applied. */
function mutated(type: string, ...edits: Edit[]): Inputs {
    const r = arm.find((x) => x.type === type);
    if (!r) throw new Error(`the dev stack records no ${type}`);
    const inputs = structuredClone(r.inputs);
    for (const e of edits) apply(inputs, e);
    return inputs;
}

const findings = (type: string, ...edits: Edit[]): SpecFindings => specFindings(type, mutated(type, ...edits));
const at = (list: string[], inputPath: string): string[] => list.filter((f) => f.startsWith(`${inputPath} `));

describe("the dev stack's resources, unmutated", () => {
    it.each([METRIC_ALERT, LOG_ALERT, ACTION_GROUP, WORKSPACE, DIAGNOSTICS, WORKBOOK])("%s has no findings (the baseline of every mutation below)", (type) => {
        expect(findings(type)).toEqual({ violations: [], warnings: [] });
    });
});

describe("MetricAlert (metricAlert_API.json 2018-03-01)", () => {
    it("rejects an unknown criteria.odataType (discriminator of MetricAlertCriteria: three sub-types)", () => {
        const f = findings(METRIC_ALERT, set("criteria.odataType", "Microsoft.Azure.Monitor.SingleResourceSingleMetricCriteria"));
        expect(at(f.violations, "criteria.odataType")).toEqual([expect.stringContaining("unknown discriminator value")]);
        expect(at(f.violations, "criteria.odataType")[0]).toContain('REST properties.criteria["odata.type"]');
    });

    it("rejects a dynamic criterion where the single-resource criteria want a MetricCriteria (x-ms-discriminator-value StaticThresholdCriterion)", () => {
        const f = findings(METRIC_ALERT, set("criteria.allOf[0].criterionType", "DynamicThresholdCriterion"));
        expect(at(f.violations, "criteria.allOf[0].criterionType")).toHaveLength(1);
    });

    it("rejects a missing criteria (MetricAlertProperties.required)", () => {
        const f = findings(METRIC_ALERT, remove("criteria"));
        expect(at(f.violations, "criteria")).toEqual([expect.stringContaining('required property "criteria" is missing')]);
    });

    it("rejects a missing threshold of a static criterion (MetricCriteria.required)", () => {
        const f = findings(METRIC_ALERT, remove("criteria.allOf[0].threshold"));
        expect(at(f.violations, "criteria.allOf[0].threshold")).toHaveLength(1);
    });

    it("rejects a non-object property the criterion does not define (MultiMetricCriteria.additionalProperties: {type: object})", () => {
        const f = findings(METRIC_ALERT, set("criteria.allOf[0].metricNameSpace", "Microsoft.Devices/IotHubs"));
        expect(at(f.violations, "criteria.allOf[0].metricNameSpace")).toEqual([expect.stringContaining('must be "object"')]);
    });

    it("warns on an unknown criterion operator (Operator: x-ms-enum modelAsString true)", () => {
        const f = findings(METRIC_ALERT, set("criteria.allOf[0].operator", "Bigger"));
        expect(f.violations).toEqual([]);
        expect(at(f.warnings, "criteria.allOf[0].operator")).toHaveLength(1);
    });

    it("accepts severity 7: the 2018-03-01 spec states only `type: integer` (0-4 is in the description), so no rule is invented", () => {
        expect(findings(METRIC_ALERT, set("severity", 7))).toEqual({ violations: [], warnings: [] });
        expect(at(findings(METRIC_ALERT, set("severity", 2.5)).violations, "severity")).toHaveLength(1);
    });

    it("rejects a windowSize that is not an ISO 8601 duration (format: duration)", () => {
        const f = findings(METRIC_ALERT, set("windowSize", "5m"));
        expect(at(f.violations, "windowSize")).toEqual([expect.stringContaining('not a valid "duration"')]);
    });
});

describe("ScheduledQueryRule (scheduledQueryRule_API.json 2025-01-01-preview)", () => {
    it("warns on criteria.allOf[0].operator 'Bigger' (conditionOperator: x-ms-enum modelAsString true)", () => {
        const f = findings(LOG_ALERT, set("criteria.allOf[0].operator", "Bigger"));
        expect(f.violations).toEqual([]);
        expect(at(f.warnings, "criteria.allOf[0].operator")).toEqual([expect.stringContaining('"Bigger"')]);
    });

    it("warns on severity 7 (AlertSeverity: enum 0-4, x-ms-enum modelAsString true)", () => {
        const f = findings(LOG_ALERT, set("severity", 7));
        expect(f.violations).toEqual([]);
        expect(at(f.warnings, "severity")).toEqual([expect.stringContaining("[0,1,2,3,4]")]);
    });

    it("warns on an unknown kind (Kind: LogAlert, EventLogAlert, LogToMetric; x-ms-enum modelAsString true)", () => {
        const f = findings(LOG_ALERT, set("kind", "MetricAlert"));
        expect(f.violations).toEqual([]);
        expect(at(f.warnings, "kind")).toHaveLength(1);
    });

    it("rejects an input the spec does not know: the muteActionDuration typo maps to no REST property", () => {
        const f = findings(LOG_ALERT, set("muteActionDuration", "P1D"), remove("muteActionsDuration"));
        expect(at(f.violations, "muteActionDuration")).toEqual([expect.stringContaining("maps to no REST property")]);
        expect(() => restBody(LOG_ALERT, mutated(LOG_ALERT, set("muteActionDuration", "P1D")))).toThrow(/muteActionDuration/);
    });

    it("rejects a nested property the spec does not know (strict mode: Condition declares properties, no additionalProperties)", () => {
        const f = findings(LOG_ALERT, set("criteria.allOf[0].failingPeriod", { minFailingPeriodsToAlert: 1 }));
        expect(at(f.violations, "criteria.allOf[0].failingPeriod")).toEqual([expect.stringContaining("not defined by the spec")]);
    });

    it("rejects a read-only property (etag: readOnly)", () => {
        const f = findings(LOG_ALERT, set("etag", 'W/"1"'));
        expect(at(f.violations, "etag")).toEqual([expect.stringContaining("read-only")]);
    });

    it("rejects an unknown identity type (IdentityType: x-ms-enum modelAsString false)", () => {
        const f = findings(LOG_ALERT, set("identity", { type: "ManagedIdentity" }));
        expect(at(f.violations, "identity.type")).toEqual([expect.stringContaining("(enum)")]);
    });

    it("rejects a dimension without values (Dimension.required)", () => {
        const f = findings(LOG_ALERT, remove("criteria.allOf[0].dimensions[0].values"));
        expect(at(f.violations, "criteria.allOf[0].dimensions[0].values")).toHaveLength(1);
    });

    it("rejects an evaluationFrequency that is not an ISO 8601 duration, and accepts PT5M, P1D, PT1H", () => {
        expect(at(findings(LOG_ALERT, set("evaluationFrequency", "1h")).violations, "evaluationFrequency")).toHaveLength(1);
        for (const d of ["PT5M", "P1D", "PT1H"]) expect(findings(LOG_ALERT, set("evaluationFrequency", d)).violations).toEqual([]);
    });

    it("rejects a rule name with a character the path parameter's pattern excludes (RuleNameParameter)", () => {
        const f = findings(LOG_ALERT, set("ruleName", "iot/404104"));
        expect(at(f.violations, "ruleName")).toEqual([expect.stringContaining("path parameter {ruleName}")]);
    });

    it("rejects a missing scopes (properties.required beside the flattened $ref)", () => {
        const f = findings(LOG_ALERT, remove("scopes"));
        expect(at(f.violations, "scopes")).toHaveLength(1);
    });
});

describe("ActionGroup (actionGroups_API.json 2024-10-01-preview)", () => {
    it("rejects a missing groupShortName (ActionGroup.required)", () => {
        const f = findings(ACTION_GROUP, remove("groupShortName"));
        expect(at(f.violations, "groupShortName")).toEqual([expect.stringContaining("required")]);
    });

    it("rejects a groupShortName over 12 characters (maxLength 12)", () => {
        const f = findings(ACTION_GROUP, set("groupShortName", "IoTHub404104x"));
        expect(at(f.violations, "groupShortName")).toEqual([expect.stringContaining("maxLength: 12")]);
    });

    it("rejects an e-mail receiver without an address (EmailReceiver.required) and one that sends its read-only status", () => {
        const f = findings(ACTION_GROUP, remove("emailReceivers[0].emailAddress"), set("emailReceivers[0].status", "Enabled"));
        expect(at(f.violations, "emailReceivers[0].emailAddress")).toHaveLength(1);
        expect(at(f.violations, "emailReceivers[0].status")).toEqual([expect.stringContaining("read-only")]);
    });
});

describe("Workspace (Workspaces.json 2023-09-01)", () => {
    it("rejects a capacity reservation level the enum does not list (x-ms-enum without modelAsString: not extensible)", () => {
        const f = findings(WORKSPACE, set("sku", { name: "CapacityReservation", capacityReservationLevel: 150 }));
        expect(at(f.violations, "sku.capacityReservationLevel")).toEqual([expect.stringContaining("(enum)")]);
    });

    it("rejects a fractional retention (retentionInDays: integer, int32)", () => {
        expect(at(findings(WORKSPACE, set("retentionInDays", 30.5)).violations, "retentionInDays").length).toBeGreaterThan(0);
    });
});

describe("DiagnosticSetting (diagnosticsSettings_API.json 2021-05-01-preview)", () => {
    it("rejects a log setting without enabled (LogSettings.required) and a negative retention (RetentionPolicy.days minimum 0)", () => {
        const f = findings(DIAGNOSTICS, remove("logs[0].enabled"), set("metrics[0].retentionPolicy", { enabled: true, days: -1 }));
        expect(at(f.violations, "logs[0].enabled")).toHaveLength(1);
        expect(at(f.violations, "metrics[0].retentionPolicy.days")).toEqual([expect.stringContaining("minimum: 0")]);
    });
});

describe("Workbook (workbooks_API.json 2023-06-01, workbook.json)", () => {
    /** The dev workbook's serializedData with the edits applied. */
    const content = (...edits: Edit[]): string => {
        const data = JSON.parse(mutated(WORKBOOK).serializedData as string) as Inputs;
        for (const e of edits) apply(data, e);
        return JSON.stringify(data);
    };

    it("rejects a missing displayName (WorkbookProperties.required) and warns on an unknown kind (WorkbookSharedTypeKind: only 'shared', modelAsString true)", () => {
        const f = findings(WORKBOOK, remove("displayName"), set("kind", "user"));
        expect(at(f.violations, "displayName")).toHaveLength(1);
        expect(at(f.warnings, "kind")).toHaveLength(1);
    });

    it("accepts the dev workbook's content", () => {
        expect(workbookSchemaViolations(content())).toEqual([]);
    });

    it("rejects content whose version is not a string (workbook.json: version type string)", () => {
        expect(workbookSchemaViolations(content(set("version", 1)))).toEqual([expect.stringContaining("serializedData.version = 1")]);
    });

    it("rejects content without a version (workbook.json: required version, items)", () => {
        expect(workbookSchemaViolations(content(remove("version")))).toEqual([expect.stringContaining("serializedData.version")]);
    });

    it("rejects an item of unknown type (workbook.json: items[0] anyOf markdown 1, query 3, parameter 9, metric 10, link 11)", () => {
        const v = workbookSchemaViolations(content(set("items[0].type", 12)));
        expect(v.some((x) => x.startsWith("serializedData.items[0] ") && x.includes("anyOf"))).toBe(true);
    });

    it("rejects content that is not JSON", () => {
        expect(workbookSchemaViolations(`${content()}}`)).toEqual([expect.stringContaining("not JSON")]);
    });
});

describe("limits the specs do not state (azure/limits.ts), on the same resources", () => {
    const check = (type: string, inputs: Inputs): string[] => limitViolations({ type, name: "mutated", inputs });
    it("passes the dev stack's log alert as recorded, then refuses its mute set to PT12H, which the spec's `format: duration` alone would let through", () => {
        expect(check(LOG_ALERT, mutated(LOG_ALERT))).toEqual([]);
        const pt12h = mutated(LOG_ALERT, set("muteActionsDuration", "PT12H"));
        expect(specFindings(LOG_ALERT, pt12h).violations).toEqual([]);
        expect(check(LOG_ALERT, pt12h)).toEqual([`${LOG_ALERT} mutated muteActionsDuration: "PT12H" is not one of 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440, 2880 minutes (limit log-alert-mute)`]);
    });
    it("refuses a mute shorter than the frequency, and a stateful rule run once a day", () => {
        expect(check(LOG_ALERT, mutated(LOG_ALERT, set("evaluationFrequency", "PT2H"), set("muteActionsDuration", "PT1H")))).toEqual([
            `${LOG_ALERT} mutated muteActionsDuration: mute PT1H is shorter than the frequency PT2H (limit log-alert-mute-covers-frequency)`,
        ]);
        const daily = mutated(LOG_ALERT, set("evaluationFrequency", "P1D"), set("windowSize", "P1D"), remove("muteActionsDuration"), set("autoMitigate", true));
        expect(check(LOG_ALERT, daily)).toEqual([`${LOG_ALERT} mutated evaluationFrequency: a stateful rule every P1D (limit log-alert-stateful-frequency)`]);
    });
    it("refuses a frequency and a window Azure does not offer, and a query range over two days", () => {
        expect(check(LOG_ALERT, mutated(LOG_ALERT, set("evaluationFrequency", "PT7M"), set("muteActionsDuration", "P1D")))[0]).toMatch(/evaluationFrequency: "PT7M" is not one of .* \(limit log-alert-frequency\)$/);
        expect(check(LOG_ALERT, mutated(LOG_ALERT, set("criteria.allOf[0].failingPeriods.numberOfEvaluationPeriods", 2)))).toContain(`${LOG_ALERT} mutated windowSize: 345600 is outside 60..172800 seconds (two days) (limit log-alert-query-range)`);
    });
    it("refuses 51 tags, a tag name with a slash, and a workspace name outside 4-63 letters, digits and hyphens", () => {
        const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, "v"]));
        expect(check(WORKSPACE, mutated(WORKSPACE, set("tags", many)))).toEqual([`${WORKSPACE} mutated tags: 51 tags; allowed: at most 50 (limit tags)`]);
        expect(check(ACTION_GROUP, mutated(ACTION_GROUP, set("tags", { "a/b": "c" })))[0]).toMatch(/tags: a tag name with "\/".*\(limit tags\)$/);
        expect(check(WORKSPACE, mutated(WORKSPACE, set("workspaceName", "ws_1")))).toEqual([
            `${WORKSPACE} mutated workspaceName: "ws_1" does not fit: 4-63 letters, digits or hyphens, starting and ending with a letter or digit (limit workspace-name)`,
        ]);
    });
});
