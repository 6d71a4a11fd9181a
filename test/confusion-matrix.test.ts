import { beforeAll, describe, expect, it } from "vitest";
import { DETECTIONS } from "../queries/catalog";
import { matrixScenarios, runMatrixScenario, type MatrixCell } from "../replay/matrix";

let cells: MatrixCell[];

beforeAll(() => {
    cells = matrixScenarios(1).flatMap(runMatrixScenario);
}, 240_000);

const cell = (scenario: string, hub: string): MatrixCell => {
    const c = cells.find((x) => x.scenario === scenario && x.hub === hub);
    if (!c) throw new Error(`no cell ${scenario} / ${hub}`);
    return c;
};
const firedIds = (c: MatrixCell): string[] => Object.entries(c.fired).filter(([, n]) => n > 0).map(([id]) => id).sort();

describe("confusion matrix over synthetic fleets (rows 3 to 10 minutes late)", () => {
    it("a healthy fleet fires nothing in 24 hours", () => {
        expect(firedIds(cell("healthy", "hub-healthy"))).toEqual([]);
    });
    it("symptom 1 fires the periodic detection and no other, with and without 401003", () => {
        for (const s of ["symptom 1, 65-minute cycle with 401003", "symptom 1, 65-minute cycle without 401003"]) {
            expect(firedIds(cell(s, "hub-periodic"))).toEqual(["periodic-disconnect"]);
        }
        // The 401003 branch detects sooner than waiting for a regular period.
        const withAuth = cell("symptom 1, 65-minute cycle with 401003", "hub-periodic").minutesToDetect["periodic-disconnect"] ?? Infinity;
        const without = cell("symptom 1, 65-minute cycle without 401003", "hub-periodic").minutesToDetect["periodic-disconnect"] ?? Infinity;
        expect(withAuth).toBeLessThan(without);
    });
    it("symptom 2 fires the random detection and no other", () => {
        expect(firedIds(cell("symptom 2, random disconnects", "hub-random"))).toEqual(["random-disconnect"]);
    });
    it("symptom 3 fires the mass detection and no other, within 20 minutes", () => {
        const c = cell("symptom 3, mass disconnect", "hub-mass");
        expect(firedIds(c)).toEqual(["mass-disconnect"]);
        expect(c.minutesToDetect["mass-disconnect"]).toBeLessThanOrEqual(20);
    });
    it("a mixture fires the right rule for the right hub", () => {
        const s = "mixture across hubs";
        expect(firedIds(cell(s, "hub-healthy"))).toEqual([]);
        expect(firedIds(cell(s, "hub-periodic"))).toEqual(["periodic-disconnect"]);
        expect(firedIds(cell(s, "hub-random"))).toEqual(["random-disconnect"]);
        expect(firedIds(cell(s, "hub-mass"))).toEqual(["mass-disconnect"]);
        expect(firedIds(cell(s, "hub-mixed"))).toEqual(["periodic-disconnect", "random-disconnect"]);
    });
    it("duplicated, out-of-order rows give the same firings as clean ones", () => {
        for (const hub of ["hub-healthy", "hub-periodic", "hub-random", "hub-mass", "hub-mixed"]) {
            expect(cell("mixture, duplicated and out of order", hub).fired).toEqual(cell("mixture across hubs", hub).fired);
        }
    });
    it("every cell is correct and every expected detection has a time to detect", () => {
        expect(cells.filter((c) => !c.correct).map((c) => `${c.scenario} / ${c.hub}`)).toEqual([]);
        for (const c of cells) for (const id of c.expected) expect(c.minutesToDetect[id], `${c.scenario} ${id}`).toBeGreaterThan(0);
        expect(Object.keys(cells[0].fired).sort()).toEqual(DETECTIONS.map((d) => d.id).sort());
    });
});
