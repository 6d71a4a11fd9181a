/**
 * Writes a synthetic Connections log for a stack's hubs, for trying the replay:
 * `npm run synth -- --scenario symptom1 [--stack dev] [--hours 24] [--devices 200] [--seed 1]
 *  [--start <ISO>] [--format jsonl|csv] --out <file> [--truth <file.json>]`. `--truth` also writes
 * the fleet's ground truth (its hubs and incidents), for `npm run matrix -- --firings --truth` and
 * the backtest's `--truth`.
 */
import * as fs from "fs";
import { fleetHubPlans } from "../components/monitoring";
import { generateForHubs, recordCsv, recordLines, SCENARIOS } from "../replay/synthetic";
import { truthJson } from "../replay/truth";
import { writeLines } from "../synthetic/writers";
import { readStackSettings } from "./stackOutputs";
import { requireDeviceHours, choiceFlag, isoTimeFlag, numberFlag, outputFileFlag, parseCliArgs, runCli, UsageError, writeFileAtomically } from "./cli";

const USAGE = `usage: npm run synth -- --scenario ${Object.keys(SCENARIOS).join("|")} --out <file> [--stack dev] [--hours 24] [--devices 200] [--seed 1] [--start <ISO>] [--format jsonl|csv] [--truth <file.json>] [--dir <folder with Pulumi.yaml>]`;


runCli(USAGE, () => {
    const a = parseCliArgs(process.argv.slice(2), ["scenario", "out", "stack", "hours", "devices", "seed", "start", "format", "dir", "truth"], USAGE);
    if (a.scenario === undefined) throw new UsageError(`--scenario is required: one of ${Object.keys(SCENARIOS).join(", ")}`);
    const scenario = choiceFlag("scenario", a.scenario, "", Object.keys(SCENARIOS));
    const format = choiceFlag("format", a.format, a.out?.toLowerCase().endsWith(".csv") ? "csv" : "jsonl", ["jsonl", "csv"] as const);
    const out = outputFileFlag("out", a.out, format === "csv" ? [".csv"] : [".jsonl", ".json", ".ndjson"]);
    const truth = a.truth === undefined ? undefined : outputFileFlag("truth", a.truth, [".json"]);
    if (truth !== undefined && truth === out) throw new UsageError(`--truth: "${a.truth}" is not valid; it is the --out file`);
    const hours = numberFlag("hours", a.hours, 24, { min: 1 / 60, max: 240, integer: false });
    const devices = numberFlag("devices", a.devices, 200, { min: 1, max: 1_000_000, integer: true });
    const seed = numberFlag("seed", a.seed, 1, { min: 0, max: 2 ** 32 - 1, integer: true });
    const start = isoTimeFlag("start", a.start, "2026-11-20T00:00:00Z");
    const stack = a.stack ?? "dev";
    const settings = readStackSettings(a.dir, stack);
    const hubs = fleetHubPlans(settings.fleet, "stack").map((p) => p.hubResourceId);
    requireDeviceHours(devices, hours, hubs.length, "write several files with --start");
    const fleet = generateForHubs(scenario, hubs, { seed, start, durationMinutes: Math.round(hours * 60), devicesPerHub: devices });
    if (fleet.records.length === 0) throw new UsageError(`--hours: "${a.hours ?? hours}" is not valid for scenario ${scenario}: it produced no rows in ${Math.round(hours * 60)} minute(s); allowed: a span long enough for the scenario's first events, e.g. --hours 1; nothing written to ${a.out}`);
    writeFileAtomically(out, (temp) => writeLines(temp, format === "csv" ? recordCsv(fleet.records) : recordLines(fleet.records)), "out");
    if (truth !== undefined) writeFileAtomically(truth, (temp) => fs.writeFileSync(temp, truthJson(fleet)), "truth");
    console.error(`wrote ${fleet.records.length} rows of scenario ${scenario} for stack ${stack} to ${a.out}${truth === undefined ? "" : `, its ${fleet.incidents.length} incidents to ${a.truth}`}`);
});
