/** Pulumi.prod.yaml against Azure's REST API specs, Microsoft's workbook schema and the limits table (one stack per file: the mock runtime is process-global). */
import { beforeAll, describe, expect, it } from "vitest";
import { checkStackConformance, LIMITS_EVERY_STACK_MEETS, type StackConformance } from "./support/azureConformance";

let c: StackConformance;

beforeAll(async () => {
    c = await checkStackConformance("prod");
});

describe("Pulumi.prod.yaml: every Azure resource as Azure's published word accepts it", () => {
    it("has a vendored spec of azure-native's API version for every type it creates", () => {
        expect(c.types.length).toBeGreaterThan(0);
        expect(c.uncoveredTypes).toEqual([]);
        expect(c.versionMismatches).toEqual([]);
    });
    it("sends nothing the specs reject, and only enum values they list", () => {
        expect(c.specViolations).toEqual([]);
        expect(c.specWarnings).toEqual([]);
    });
    it("gives the workbook content Microsoft's workbook schema accepts, of the version it declares", () => {
        expect(c.workbookProblems).toEqual([]);
        expect(c.workbookVersionMismatches).toEqual([]);
    });
    it("keeps every row of the limits table, and puts its rule fields, names and tags before it", () => {
        expect(c.limitViolations).toEqual([]);
        for (const id of LIMITS_EVERY_STACK_MEETS) expect(c.appliedLimits, id).toContain(id);
    });
});
