/**
 * What the replay and the backtest commands share around their runs: reading the stack whose rules
 * they evaluate (as the synthetic log writer and the benchmark read it too), and writing the
 * timeline picture (`--chart`) of their firings.
 */
import * as path from "path";
import { writeTimeline, type TimelineInput } from "../charts/timeline";
import { parseStackConfig, type StackSettings } from "../program/config";
import { readStackFile } from "../program/stackFile";
import { writeFileAtomically } from "./cli";

/** The settings of stack `stack` from `Pulumi.<stack>.yaml` in `dir` (default: the repository), as the program reads them. */
export function readStackSettings(dir: string | undefined, stack: string): StackSettings {
    const file = readStackFile(path.resolve(dir ?? path.join(__dirname, "..")), stack);
    return parseStackConfig(file.config, file.project, stack);
}

/** Writes the timeline of `input` to `chart` (whole or not at all) and returns the summary line naming it. */
export function writeChartFile(chart: string, input: TimelineInput): string {
    let written: ReturnType<typeof writeTimeline> | undefined;
    writeFileAtomically(chart, (temp) => {
        written = writeTimeline(temp, input);
    }, "chart");
    return written ? `chart: ${chart} (${written.format}, ${written.firingMarks} firing marks)` : `chart: ${chart}`;
}
