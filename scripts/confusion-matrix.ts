/**
 * Prints the confusion matrix of the detections over the synthetic fleets, with the time to
 * detect per scenario: `npm run matrix [-- --seed 1]`. Exits 1 when a cell is wrong.
 */
import { DETECTIONS } from "../queries/catalog";
import { formatTable } from "../program/format";
import { matrixScenarios, runMatrixScenario, type MatrixCell } from "../replay/matrix";
import { parseCliArgs, runCli } from "./cli";

const USAGE = "usage: npm run matrix [-- --seed <n>]";

runCli(USAGE, () => {
    const a = parseCliArgs(process.argv.slice(2), ["seed"], USAGE);
    const cells: MatrixCell[] = [];
    for (const s of matrixScenarios(Number(a.seed ?? 1))) cells.push(...runMatrixScenario(s));
    const ids = DETECTIONS.map((d) => d.id);
    console.log(
        formatTable(
            ["scenario", "hub", "expected", ...ids, "time to detect", "ok"],
            cells.map((c) => [
                c.scenario,
                c.hub,
                c.expected.join(", ") || "(nothing)",
                ...ids.map((id) => String(c.fired[id] ?? 0)),
                Object.entries(c.minutesToDetect).map(([id, m]) => `${id}: ${m === undefined ? "never" : `${m} min`}`).join("; ") || "-",
                c.correct ? "yes" : "NO",
            ]),
        ),
    );
    console.log("\nColumns per detection: evaluations that fired over 24 hours. Time to detect: first row of the symptom to the first firing.");
    const wrong = cells.filter((c) => !c.correct).length;
    console.log(wrong === 0 ? `All ${cells.length} cells correct.` : `${wrong} of ${cells.length} cells wrong.`);
    if (wrong > 0) process.exitCode = 1;
});
