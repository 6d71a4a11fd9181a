/**
 * Benchmark (issue 4): prints figures, asserts nothing.
 * `npm run bench [-- --devices 10000] [--hours 24] [--workers <n>] [--compare] [--hubs 1,10,100]`
 *
 * - Replay: one day of a 10,000-device fleet on the dev stack's hub (mostly healthy devices, some
 *   with each symptom), generated in this process by the synthetic generator, then replayed with
 *   the dev stack's plan as `npm run replay` does (on worker threads when there are many rows).
 *   Prints generation time, replay wall time and rows per second beside the target: a day of
 *   10,000 devices replays in under 60 s on the two-core development machine. `--compare` also
 *   times the single-threaded replay and checks that both give the same firings. The day is also
 *   written as the portal's CSV export and read back as `npm run replay` reads a file: its size,
 *   read time and rows per second (the replay above starts from rows in memory).
 * - Offline preview: time and peak memory of `scripts/preview.ts` for 1, 10 and 100 hubs (stack
 *   files written to a temporary folder), each in its own process, beside a bare
 *   `require('@pulumi/pulumi')` measured in the same run. Peak RSS from `/usr/bin/time -v` when
 *   present, else from `process.resourceUsage().maxRSS` printed by the child at exit.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { parse, stringify } from "yaml";
import { fleetHubPlans } from "../components/monitoring";
import { parseStackConfig } from "../program/config";
import { readStackFile } from "../program/stackFile";
import { lowerBound, planReplay, replay, rowsByHub, ruleEvaluationTimes, ruleLookbackMs, type ReplayPlan } from "../replay/engine";
import { readLogRows, type ReplayRow } from "../replay/logs";
import { PARALLEL_MIN_ROWS, replayParallel } from "../replay/parallel";
import { recordCsv } from "../replay/synthetic";
import { generateFleet } from "../synthetic";
import { writeLines } from "../synthetic/writers";
import { numberFlag, parseCliCommand, removeStaleTemporaries, requireDeviceHours, runCli, UsageError } from "./cli";

const ROOT = path.resolve(__dirname, "..");
const USAGE = "usage: npm run bench [-- --devices 10000] [--hours 24] [--workers <n>] [--compare] [--hubs 1,10,100]";
/** Prefixes of the bench's temporary folders, followed by the process id (a killed run's are removed by the next). */
const BENCH_PREFIX = "iothub-bench-";
const BENCH_EXPORT_PREFIX = "iothub-bench-export-";
/** The target of issue 4: a day of a 10,000-device hub replays within this on the two-core machine. */
const REPLAY_TARGET_MS = 60_000;
const START = "2026-11-20T00:00:00Z";

function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)} s`;
}

function thousands(n: number): string {
    return Math.round(n).toLocaleString("en-US");
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    return [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** The stack's hub as the generator takes it: subscription, resource group and name from the resource id. */
function hubIdentity(id: string): { subscriptionId: string; resourceGroup: string; name: string } {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Devices\/IotHubs\/([^/]+)$/i.exec(id);
    if (!m) throw new UsageError(`the dev stack's hub "${id}" is not an IoT Hub resource id`);
    return { subscriptionId: m[1], resourceGroup: m[2], name: m[3] };
}

/** Rows read by all evaluations of all rules: the work the replay does, whatever the number of rows. */
function rowEvaluations(plan: ReplayPlan, rows: readonly ReplayRow[], from: number, to: number): number {
    const byHub = rowsByHub(rows);
    let n = 0;
    for (const rule of plan.rules) {
        const hubRows = byHub.get(rule.hub) ?? [];
        for (const t of ruleEvaluationTimes(rule, from, to)) n += lowerBound(hubRows, t) - lowerBound(hubRows, t - ruleLookbackMs(rule));
    }
    return n;
}

interface Figure {
    readonly what: string;
    readonly value: string;
    readonly note: string;
}

async function benchReplay(devices: number, hours: number, workers: number | undefined, compare: boolean): Promise<Figure[]> {
    const file = readStackFile(ROOT, "dev");
    const settings = parseStackConfig(file.config, file.project, "dev");
    const plan = planReplay(settings);
    const hubId = fleetHubPlans(settings.fleet, "stack")[0].hubResourceId;
    const start = Date.parse(START);
    const durationMinutes = Math.round(hours * 60);

    let t0 = performance.now();
    const fleet = generateFleet({
        seed: 4,
        start,
        durationMinutes,
        hubs: [
            {
                ...hubIdentity(hubId),
                devices,
                // Mostly healthy renewals; 2% of the devices with an expiring token, 5% losing their connection at random, one mass disconnect at 15:00.
                scenario: { periodicTokenExpiry: { share: 0.02 }, randomDisconnects: { share: 0.05 }, massDisconnects: [{ at: start + Math.round(durationMinutes * 0.625) * 60_000 }] },
            },
        ],
    });
    const rows: ReplayRow[] = fleet.records.map((r) => ({ row: r.row as unknown as ReplayRow["row"], time: r.row.TimeGenerated, visibleAt: r.ingestedAt }));
    const generateMs = performance.now() - t0;
    const from = fleet.start;
    const to = fleet.end + 15 * 60_000;
    const evaluated = rowEvaluations(plan, rows, from, to);
    const cores = workers ?? os.availableParallelism();
    const threads = cores > 1 && rows.length >= PARALLEL_MIN_ROWS ? `${cores} worker threads` : "this thread";
    console.error(`replay: ${thousands(rows.length)} rows generated in ${seconds(generateMs)}; replaying ${plan.rules.length} rules on ${threads}...`);

    t0 = performance.now();
    const result = await replayParallel(plan, rows, from, to, undefined, workers === undefined ? {} : { workers });
    const replayMs = performance.now() - t0;
    const met = replayMs < REPLAY_TARGET_MS;
    const firings = [...result.perRule].map(([rule, n]) => `${rule.replace(/^.*-contoso-iot-dev-/, "")} ${n}`).join(", ");
    const figures: Figure[] = [
        { what: `generate ${hours} h of ${thousands(devices)} devices`, value: seconds(generateMs), note: `${thousands(rows.length)} rows (synthetic generator, in process)` },
        {
            what: `replay, dev stack's ${plan.rules.length} rules`,
            value: seconds(replayMs),
            note: `target < ${seconds(REPLAY_TARGET_MS)} for a day of 10,000 devices: ${met ? "met" : "NOT met"}${devices === 10_000 && hours === 24 ? "" : " (not the target's size)"}; on ${threads}`,
        },
        { what: "replay throughput", value: `${thousands(rows.length / (replayMs / 1000))} rows/s`, note: `${thousands(evaluated / (replayMs / 1000))} row-evaluations/s (${thousands(evaluated)} rows read over all evaluations)` },
        { what: "firings", value: String(result.firings.length), note: firings },
    ];
    figures.push(benchExportRead(fleet.records, rows.length));
    if (compare) {
        console.error("replay: single-threaded, for comparison...");
        t0 = performance.now();
        const sequential = replay(plan, rows, from, to);
        const sequentialMs = performance.now() - t0;
        const same = isDeepStrictEqual(sequential.firings, result.firings) && isDeepStrictEqual([...sequential.perRule], [...result.perRule]);
        figures.push({ what: "replay, single thread", value: seconds(sequentialMs), note: `${thousands(rows.length / (sequentialMs / 1000))} rows/s; speed-up ${(sequentialMs / replayMs).toFixed(2)}x; same firings: ${same ? "yes" : "NO"}` });
    }
    return figures;
}

/** Writes the records as the portal's CSV export to a temporary file and times reading it back as the replay command does. */
function benchExportRead(records: Parameters<typeof recordCsv>[0], generated: number): Figure {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${BENCH_EXPORT_PREFIX}${process.pid}-`));
    const file = path.join(dir, "export.csv");
    try {
        console.error("replay: writing the day as the portal's CSV export and reading it back...");
        writeLines(file, recordCsv(records));
        const bytes = fs.statSync(file).size;
        const t0 = performance.now();
        const { report } = readLogRows(file);
        const readMs = performance.now() - t0;
        const complete = report.rowsKept === generated && report.malformed.length === 0;
        return {
            what: "read the day's export (portal CSV)",
            value: seconds(readMs),
            note: `${thousands(bytes / 2 ** 20)} MiB, ${thousands(report.rowsRead / (readMs / 1000))} rows/s; ${thousands(report.rowsKept)} of ${thousands(generated)} rows kept${complete ? "" : ` (NOT all: ${report.malformed.length} malformed)`}`,
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Time and peak resident memory of a child process. */
interface ChildFigure {
    readonly ms: number;
    readonly maxRssKb: number | undefined;
    readonly code: number | null;
    readonly stderr: string;
}

const TIME_BINARY = "/usr/bin/time";
const RSS_MARK = "BENCH_MAX_RSS_KB=";

/** Runs `node <args>` in `cwd`, timing it and reading its peak RSS (from `/usr/bin/time -v`, else from a preload that prints `maxRSS` at exit). */
function runNode(args: readonly string[], cwd: string, preload: string): Promise<ChildFigure> {
    const useTime = fs.existsSync(TIME_BINARY);
    const command = useTime ? TIME_BINARY : process.execPath;
    const argv = useTime ? ["-v", process.execPath, ...args] : ["--require", preload, ...args];
    return new Promise((resolve, reject) => {
        const t0 = performance.now();
        const child = spawn(command, argv, { cwd, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            const ms = performance.now() - t0;
            const m = useTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr) : new RegExp(`${RSS_MARK}(\\d+)`).exec(stderr);
            resolve({ ms, maxRssKb: m ? Number(m[1]) : undefined, code, stderr });
        });
    });
}

/** A stack file for `count` hubs: the dev stack's settings with generated hub ids (the first is the dev hub). */
function writeBenchStack(dir: string, count: number, devHub: string, devConfig: Record<string, unknown>): void {
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const hubs = Array.from({ length: count }, (_, i) =>
        i === 0 ? devHub : `/subscriptions/3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c/resourceGroups/rg-iot-bench/providers/Microsoft.Devices/IotHubs/bench-hub-${String(i).padStart(3, "0")}`,
    );
    // Pulumi.bench.yaml: the stack's name is not a profile, so the profile is set as the dev stack's.
    const config = { ...devConfig, "iothub-404104:profile": "dev", "iothub-404104:hubs": hubs };
    fs.writeFileSync(path.join(dir, "Pulumi.bench.yaml"), stringify({ config }));
}

async function benchPreview(hubCounts: readonly number[]): Promise<Figure[]> {
    const devFile = path.join(ROOT, "Pulumi.dev.yaml");
    const devConfig = (parse(fs.readFileSync(devFile, "utf8")) as { config: Record<string, unknown> }).config;
    const devHub = (devConfig["iothub-404104:hubs"] as string[])[0];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${BENCH_PREFIX}${process.pid}-`));
    const preload = path.join(tmp, "max-rss.js");
    fs.writeFileSync(preload, `process.on("exit", () => process.stderr.write("\\n${RSS_MARK}" + process.resourceUsage().maxRSS + "\\n"));\n`);
    const figures: Figure[] = [];
    const rss = (c: ChildFigure): string => (c.maxRssKb === undefined ? "?" : `${thousands(c.maxRssKb / 1024)} MiB`);
    try {
        console.error("preview: bare require('@pulumi/pulumi')...");
        const bare = await runNode(["-e", "require('@pulumi/pulumi')"], ROOT, preload);
        figures.push({ what: "bare require('@pulumi/pulumi')", value: seconds(bare.ms), note: `peak RSS ${rss(bare)}${bare.code === 0 ? "" : ` (exit ${bare.code})`}` });
        for (const count of hubCounts) {
            const dir = fs.mkdtempSync(path.join(tmp, `hubs-${count}-`));
            writeBenchStack(dir, count, devHub, devConfig);
            console.error(`preview: ${count} hub${count === 1 ? "" : "s"}...`);
            const run = await runNode(["--import", "tsx", path.join(ROOT, "scripts", "preview.ts"), "--dir", dir, "--stack", "bench"], ROOT, preload);
            const failed = run.code === 0 ? "" : ` (exit ${run.code}: ${run.stderr.split("\n").find((l) => l.startsWith("error")) ?? "see stderr"})`;
            figures.push({ what: `offline preview, ${count} hub${count === 1 ? "" : "s"}`, value: seconds(run.ms), note: `peak RSS ${rss(run)}${failed}` });
        }
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    return figures;
}

runCli(USAGE, async () => {
    for (const prefix of [BENCH_PREFIX, BENCH_EXPORT_PREFIX]) removeStaleTemporaries(os.tmpdir(), prefix);
    const cli = parseCliCommand(process.argv.slice(2), { strings: ["devices", "hours", "workers", "hubs"], booleans: ["compare"] }, USAGE);
    const a = cli.values;
    const compare = cli.switches.has("compare");
    const devices = numberFlag("devices", a.devices, 10_000, { min: 1, max: 1_000_000, integer: true });
    const hours = numberFlag("hours", a.hours, 24, { min: 0.25, max: 48, integer: false });
    const workers = a.workers === undefined ? undefined : numberFlag("workers", a.workers, 1, { min: 1, max: 64, integer: true });
    const hubCounts = (a.hubs ?? "1,10,100").split(",").map((h) => numberFlag("hubs", h.trim(), 1, { min: 1, max: 1000, integer: true }));
    requireDeviceHours(devices, hours, 1, "bench a smaller fleet");

    const cpus = os.cpus();
    const machine = `${cpus.length} cpus (${cpus[0]?.model.trim() ?? "unknown"}), ${thousands(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
    const figures = [...(await benchReplay(devices, hours, workers, compare)), ...(await benchPreview(hubCounts))];
    console.log(`Benchmark (issue 4), ${new Date().toISOString()}`);
    console.log(`machine: ${machine}\n`);
    console.log(table(["measure", "figure", "notes"], figures.map((f) => [f.what, f.value, f.note])));
});
