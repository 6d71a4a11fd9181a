/**
 * Writes a synthetic Connections log for a stack's hubs, for trying the replay:
 * `npm run synth -- --scenario symptom1 [--stack dev] [--hours 24] [--devices 200] [--seed 1]
 *  [--start <ISO>] [--format jsonl|csv] --out <file>`.
 */
import * as path from "path";
import { parseStackConfig } from "../program/config";
import { readStackFile } from "../program/stackFile";
import { fleetHubPlans } from "../components/monitoring";
import { generateForHubs, recordCsv, recordLines, SCENARIOS } from "../replay/synthetic";
import { writeLines } from "../synthetic/writers";
import { parseCliArgs, runCli } from "./cli";

const USAGE = `usage: npm run synth -- --scenario ${Object.keys(SCENARIOS).join("|")} --out <file> [--stack dev] [--hours 24] [--devices 200] [--seed 1] [--start <ISO>] [--format jsonl|csv] [--dir <folder with Pulumi.yaml>]`;

runCli(USAGE, () => {
    const a = parseCliArgs(process.argv.slice(2), ["scenario", "out", "stack", "hours", "devices", "seed", "start", "format", "dir"], USAGE);
    if (!a.scenario || !a.out) throw new Error(`--scenario and --out are required; ${USAGE}`);
    const stack = a.stack ?? "dev";
    const file = readStackFile(path.resolve(a.dir ?? path.join(__dirname, "..")), stack);
    const settings = parseStackConfig(file.config, file.project, stack);
    const hubs = fleetHubPlans(settings.fleet, "stack").map((p) => p.hubResourceId);
    const hours = Number(a.hours ?? 24);
    const fleet = generateForHubs(a.scenario, hubs, {
        seed: Number(a.seed ?? 1),
        start: a.start ?? "2026-11-20T00:00:00Z",
        durationMinutes: Math.round(hours * 60),
        devicesPerHub: Number(a.devices ?? 200),
    });
    const format = a.format ?? (a.out.endsWith(".csv") ? "csv" : "jsonl");
    writeLines(a.out, format === "csv" ? recordCsv(fleet.records) : recordLines(fleet.records));
    console.error(`wrote ${fleet.records.length} rows of scenario ${a.scenario} for stack ${stack} to ${a.out}`);
});
