/**
 * The noise budget of the detections (issue 11): noisy but healthy hubs of 100 and 1,000 devices
 * with a background of 0.2, 1 and 2 random 404104 per device and day fire nothing; a random outbreak
 * of 1% and 5% of the devices, and a symptom 1 of 0.5%, fire their own rule and no other, promptly.
 * The 10,000-device cells run in `npm run matrix -- --sizes 100,1000,10000` (about a minute each).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { noiseScenarios, runMatrixScenario, type MatrixCell } from "../replay/matrix";

let cells: MatrixCell[];

beforeAll(() => {
    cells = noiseScenarios([100, 1000]).flatMap(runMatrixScenario);
}, 600_000);

const ofKind = (kind: string): MatrixCell[] => cells.filter((c) => c.noise?.kind === kind);
const firedIds = (c: MatrixCell): string[] => Object.entries(c.fired).filter(([, n]) => n > 0).map(([id]) => id).sort();
const label = (c: MatrixCell): string => c.scenario;

describe("the noise budget: 100 and 1,000 devices, 0.2, 1 and 2 background drops per device and day", () => {
    it("has every cell: 2 sizes x 3 rates x 4 kinds", () => {
        expect(cells).toHaveLength(24);
    });
    it("fires nothing on any noisy but healthy hub (zero false alarms per hub-day)", () => {
        const noisy = ofKind("noisy healthy");
        expect(noisy).toHaveLength(6);
        for (const c of noisy) expect(firedIds(c), label(c)).toEqual([]);
    });
    it("fires only random-disconnect on a random outbreak, and no false alarm before its onset", () => {
        for (const c of [...ofKind("random outbreak 1%"), ...ofKind("random outbreak 5%")]) {
            const others = firedIds(c).filter((id) => id !== "random-disconnect");
            expect(others, label(c)).toEqual([]);
            const minutes = c.minutesToDetect["random-disconnect"];
            if (minutes !== undefined) expect(minutes, label(c)).toBeGreaterThanOrEqual(0);
        }
    });
    it("reports a random outbreak of ten devices or more within 45 minutes of its onset", () => {
        const sizable = [...ofKind("random outbreak 1%"), ...ofKind("random outbreak 5%")].filter((c) => c.affectedDevices >= 10);
        expect(sizable).toHaveLength(6);
        for (const c of sizable) expect(c.minutesToDetect["random-disconnect"], label(c)).toBeLessThanOrEqual(45);
    });
    it("reports an outbreak of 5 devices on a 100-device hub within 90 minutes, and of a single device within 3 hours", () => {
        for (const c of ofKind("random outbreak 5%").filter((x) => x.noise?.devices === 100)) expect(c.minutesToDetect["random-disconnect"], label(c)).toBeLessThanOrEqual(90);
        const single = ofKind("random outbreak 1%").filter((x) => x.noise?.devices === 100);
        expect(single.map((c) => c.affectedDevices)).toEqual([1, 1, 1]);
        for (const c of single) expect(c.minutesToDetect["random-disconnect"], label(c)).toBeLessThanOrEqual(180);
    });
    it("fires only periodic-disconnect on a symptom 1 of 0.5% of the devices, within three 65-minute periods plus 70 minutes of its first 404104", () => {
        const periodic = ofKind("symptom 1 of 0.5%");
        expect(periodic).toHaveLength(6);
        for (const c of periodic) {
            expect(firedIds(c), label(c)).toEqual(["periodic-disconnect"]);
            expect(c.minutesToDetect["periodic-disconnect"], label(c)).toBeLessThanOrEqual(3 * 65 + 70);
        }
    });
});
