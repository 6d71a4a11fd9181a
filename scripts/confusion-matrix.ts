/**
 * Prints the confusion matrix of the detections over the synthetic fleets, with the time to
 * detect per scenario, and the noise budget: noisy but healthy hubs and outbreaks on them, with
 * false alarms per hub-day. `npm run matrix [-- --seed 1] [--sizes 100,1000,10000]`. Exits 1 when
 * a cell is wrong. `npm run matrix -- --firings <firings.jsonl> --truth <truth.json>` prints the
 * matrix of a replay's or backtest's firings against a synthetic fleet's ground truth
 * (`npm run synth -- --truth`) instead.
 */
import * as path from "path";
import { DETECTIONS } from "../queries/catalog";
import { formatTable } from "../program/format";
import { describeTimeToDetect, formatMatrixCells, matrixCells, matrixScenarios, noiseScenarios, runMatrixScenario, type MatrixCell } from "../replay/matrix";
import { readFiringsFile, readTruthFile } from "../replay/truth";
import { numberFlag, parseCliArgs, runCli, UsageError } from "./cli";

const USAGE = "usage: npm run matrix [-- --seed <n>] [--sizes <devices,devices,...>] (default sizes 100,1000; 10000 takes about a minute a cell) | npm run matrix -- --firings <firings.jsonl> --truth <truth.json>";

function positiveIntegers(flag: string, text: string): number[] {
    const values = text.split(",").map((x) => x.trim());
    if (values.some((v) => !/^[1-9]\d{0,6}$/.test(v))) throw new UsageError(`--${flag}: "${text}" is not valid; allowed: comma-separated whole numbers from 1 to 9999999; ${USAGE}`);
    return values.map(Number);
}

/** Prints how many of `cells` are wrong (each one a `noun`) and sets exit code 1 when any is. */
function reportWrong(cells: readonly MatrixCell[], noun: string): void {
    const wrong = cells.filter((c) => !c.correct).length;
    console.log(wrong === 0 ? `All ${cells.length} ${noun} correct.` : `${wrong} of ${cells.length} ${noun} wrong.`);
    if (wrong > 0) process.exitCode = 1;
}

runCli(USAGE, () => {
    const a = parseCliArgs(process.argv.slice(2), ["seed", "sizes", "firings", "truth"], USAGE);
    if (a.firings !== undefined || a.truth !== undefined) {
        if (a.firings === undefined || a.truth === undefined) throw new UsageError(`--firings and --truth go together: the firings of a replay or backtest and the ground truth of the fleet (npm run synth -- --truth); ${USAGE}`);
        if (a.seed !== undefined || a.sizes !== undefined) throw new UsageError(`--seed and --sizes choose the matrix's own scenarios; give them without --firings and --truth`);
        const truth = readTruthFile(a.truth);
        const cells = matrixCells(path.basename(a.firings), truth.hubs, truth.incidents, readFiringsFile(a.firings));
        console.log(formatMatrixCells(cells));
        reportWrong(cells, "hubs");
        return;
    }
    const seed = numberFlag("seed", a.seed, 1, { min: 1, max: 2 ** 32 - 1, integer: true });
    const sizes = positiveIntegers("sizes", a.sizes ?? "100,1000");
    const ids = DETECTIONS.map((d) => d.id);
    const cells: MatrixCell[] = matrixScenarios(seed).flatMap(runMatrixScenario);
    console.log(formatMatrixCells(cells));
    console.log("\nColumns per detection: evaluations that fired over 24 hours. Time to detect: first row of the symptom to the first firing.\n");
    const noise: MatrixCell[] = [];
    for (const s of noiseScenarios(sizes, seed)) noise.push(...runMatrixScenario(s));
    console.log(
        formatTable(
            ["devices", "background /device/day", "cell", "affected devices", ...ids, "false alarms /hub-day", "time to detect", "ok"],
            noise.map((c) => [
                String(c.noise?.devices),
                String(c.noise?.perDevicePerDay),
                c.noise?.kind ?? c.scenario,
                String(c.affectedDevices),
                ...ids.map((id) => String(c.fired[id] ?? 0)),
                String(c.falseAlarms),
                describeTimeToDetect(c),
                c.correct ? "yes" : "NO",
            ]),
        ),
    );
    console.log(
        "\nNoise budget: 24 hours a cell; a random outbreak begins at 12:00 (time to detect from then), symptom 1 at 06:00 (time to detect from its first 404104).",
    );
    reportWrong([...cells, ...noise], "cells");
});
