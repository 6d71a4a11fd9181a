/**
 * Benchmark (issues 4 and 16): prints figures, asserts nothing.
 * `npm run bench [-- --devices 10000[,100000]] [--hours 24] [--runs 3] [--workers <n>] [--compare] [--hubs 1,10,100]`
 *
 * - Replay, for each size of `--devices`: one day of a fleet on the dev stack's hub (mostly healthy
 *   devices, some with each symptom) written by the synthetic generator as a JSON Lines export,
 *   device by device, without holding it. Then, each in its own process with its peak RSS: a plain
 *   scan of the file (read it and JSON-parse each line, nothing else) and `npm run replay` of it on
 *   the dev stack, `--runs` times each (default 3), in turn. Prints the median of each (the
 *   machine is shared: a replay of the 10,000-device day varies by a second from run to run) with
 *   the highest peak RSS, the replay's ratio to the plain scan and the targets of issue 16: a
 *   10,000-device day in 15 s, a 100,000-device day in 5 minutes within 8 GiB, at most 3 times the
 *   plain scan. `--compare` also replays with `--evaluation full` and checks that the
 *   firings are identical.
 * - Offline preview: time and peak memory of `scripts/preview.ts` for 1, 10 and 100 hubs (stack
 *   files written to a temporary folder), each in its own process, beside a bare
 *   `require('@pulumi/pulumi')` measured in the same run. Peak RSS from `/usr/bin/time -v` when
 *   present, else from `process.resourceUsage().maxRSS` printed by the child at exit.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { fleetHubPlans } from "../components/monitoring";
import { recordLines } from "../replay/synthetic";
import { streamFleet } from "../synthetic";
import { numberFlag, parseCliCommand, removeStaleTemporaries, requireDeviceHours, runCli, UsageError } from "./cli";
import { readStackSettings } from "./stackOutputs";

const ROOT = path.resolve(__dirname, "..");
const USAGE = "usage: npm run bench [-- --devices 10000] [--hours 24] [--runs 3] [--workers <n>] [--compare] [--hubs 1,10,100]";
/** Prefixes of the bench's temporary folders, followed by the process id (a killed run's are removed by the next). */
const BENCH_PREFIX = "iothub-bench-";
const BENCH_EXPORT_PREFIX = "iothub-bench-export-";
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

interface Figure {
    readonly what: string;
    readonly value: string;
    readonly note: string;
}

/** Targets of issue 16, on the two-core development machine. */
const TARGETS = {
    /** A day of 10,000 devices replays within this. */
    replay10kMs: 15_000,
    /** A day of 100,000 devices replays within this ... */
    replay100kMs: 300_000,
    /** ... with at most this peak resident memory. */
    rss100kKb: 8 * 2 ** 20,
    /** The replay costs at most this many times the plain scan of the same file. */
    scanRatio: 3,
};

/**
 * The plain scan the replay is measured against: read the file as a stream and JSON-parse each
 * line, nothing else (run in its own process, with `node -e`).
 */
const PLAIN_SCAN = `const fs = require("fs"); const rl = require("readline").createInterface({ input: fs.createReadStream(process.argv[1]), crlfDelay: Infinity });
let n = 0; rl.on("line", (l) => { if (l.length > 0) { JSON.parse(l); n++; } }); rl.on("close", () => process.stderr.write("rows " + n + "\\n"));`;

/**
 * Writes one day of `devices` devices on the dev stack's hub as a JSON Lines export (with
 * `_TimeReceived`), generated device by device without holding the rows: mostly healthy renewals,
 * 2% of the devices with an expiring token, 5% losing their connection at random, a mass
 * disconnect at 62.5% of the span.
 */
function writeDay(file: string, hubId: string, devices: number, hours: number): { rows: number; bytes: number } {
    const start = Date.parse(START);
    const durationMinutes = Math.round(hours * 60);
    const fd = fs.openSync(file, "w");
    let rows = 0;
    let chunk: string[] = [];
    const flush = (): void => {
        fs.writeSync(fd, chunk.join(""));
        chunk = [];
    };
    try {
        streamFleet(
            {
                seed: 4,
                start,
                durationMinutes,
                hubs: [
                    {
                        ...hubIdentity(hubId),
                        devices,
                        scenario: { periodicTokenExpiry: { share: 0.02 }, randomDisconnects: { share: 0.05 }, massDisconnects: [{ at: start + Math.round(durationMinutes * 0.625) * 60_000 }] },
                    },
                ],
            },
            (record) => {
                for (const line of recordLines([record])) chunk.push(line + "\n");
                rows++;
                if (chunk.length >= 10_000) flush();
            },
        );
        flush();
        // On disk before anything is timed: otherwise the system writes the file back while the scan and the replay run.
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    return { rows, bytes: fs.statSync(file).size };
}

/** The median time of runs of one command, with the highest peak RSS of any of them (the median of an even count: the mean of the middle two). */
function medianRun(runs: readonly ChildFigure[]): ChildFigure {
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
    const middle = ms.length >> 1;
    const rss = runs.map((r) => r.maxRssKb);
    return {
        ms: ms.length % 2 === 1 ? ms[middle] : (ms[middle - 1] + ms[middle]) / 2,
        maxRssKb: rss.some((k) => k === undefined) ? undefined : Math.max(...(rss as number[])),
        code: 0,
        stderr: "",
    };
}

/** The runs behind a median, for the notes: `median of 3 (6.8 to 7.7 s); ` (nothing for one run). */
function spread(runs: readonly ChildFigure[]): string {
    if (runs.length < 2) return "";
    const ms = runs.map((r) => r.ms);
    return `median of ${runs.length} (${seconds(Math.min(...ms))} to ${seconds(Math.max(...ms))}); `;
}

/** A figure of a child run: its time, and its peak RSS when known. */
function peak(run: ChildFigure): string {
    return run.maxRssKb === undefined ? "peak RSS ?" : `peak RSS ${thousands(run.maxRssKb / 1024)} MiB`;
}

/** Fails the bench with the child's last error line when it did not exit 0. */
function requireSuccess(run: ChildFigure, what: string): void {
    if (run.code !== 0) throw new Error(`${what} exited ${run.code}: ${run.stderr.split("\n").filter((l) => l.startsWith("error") || l.includes("Error")).slice(-1)[0] ?? "see its stderr"}`);
}

/**
 * One size: writes the day, times the plain scan and the replay command (`npm run replay` on the dev
 * stack) each in its own process with its peak RSS, and prints the replay as a ratio to the scan;
 * with `compare`, also replays with full evaluation and checks the firings are identical.
 */
async function benchReplay(devices: number, hours: number, workers: number | undefined, compare: boolean, runs: number, tmp: string, preload: string): Promise<Figure[]> {
    const settings = readStackSettings(ROOT, "dev");
    const hubId = fleetHubPlans(settings.fleet, "stack")[0].hubResourceId;
    const day = path.join(tmp, `day-${devices}.jsonl`);
    console.error(`bench: writing ${hours} h of ${thousands(devices)} devices...`);
    let t0 = performance.now();
    const written = writeDay(day, hubId, devices, hours);
    const generateMs = performance.now() - t0;
    console.error(`bench: ${thousands(written.rows)} rows, ${thousands(written.bytes / 2 ** 20)} MiB`);
    const replayArgs = ["--import", "tsx", path.join(ROOT, "scripts", "replay.ts"), "--logs", day, "--stack", "dev", ...(workers === undefined ? [] : ["--workers", String(workers)])];
    const firings = path.join(tmp, `firings-${devices}.jsonl`);
    // Scan and replay in turn, so that both meet the machine's changing load alike.
    const scans: ChildFigure[] = [];
    const replays: ChildFigure[] = [];
    for (let r = 1; r <= runs; r++) {
        console.error(`bench: plain scan (${r} of ${runs})...`);
        const scan = await runNode(["-e", PLAIN_SCAN, day], ROOT, preload);
        requireSuccess(scan, "the plain scan");
        scans.push(scan);
        console.error(`bench: replay (${r} of ${runs})...`);
        const out = r === 1 ? firings : path.join(tmp, `firings-${devices}-${r}.jsonl`);
        const replayed = await runNode([...replayArgs, "--evaluation", "incremental"], ROOT, preload, out);
        requireSuccess(replayed, "the replay");
        if (r > 1 && fs.readFileSync(out, "utf8") !== fs.readFileSync(firings, "utf8")) throw new Error(`replay ${r} of ${runs} gave other firings than the first`);
        replays.push(replayed);
    }
    const scan = medianRun(scans);
    const run = medianRun(replays);
    const ratio = run.ms / scan.ms;
    const target =
        devices === 10_000 && hours === 24
            ? `target <= ${seconds(TARGETS.replay10kMs)}: ${run.ms <= TARGETS.replay10kMs ? "met" : "NOT met"}`
            : devices === 100_000 && hours === 24
              ? `target <= ${seconds(TARGETS.replay100kMs)} and peak RSS <= 8 GiB: ${run.ms <= TARGETS.replay100kMs && (run.maxRssKb ?? Infinity) <= TARGETS.rss100kKb ? "met" : "NOT met"}`
              : "no time target at this size";
    const count = fs.readFileSync(firings, "utf8").split("\n").filter((l) => l !== "").length;
    const label = `${thousands(devices)} devices, ${hours} h`;
    const figures: Figure[] = [
        { what: `${label}: generate and write`, value: seconds(generateMs), note: `${thousands(written.rows)} rows, ${thousands(written.bytes / 2 ** 20)} MiB of JSON Lines` },
        { what: `${label}: plain scan (read + JSON.parse)`, value: seconds(scan.ms), note: `${spread(scans)}${thousands(written.rows / (scan.ms / 1000))} rows/s; ${peak(scan)}` },
        { what: `${label}: replay (npm run replay)`, value: seconds(run.ms), note: `${spread(replays)}${thousands(written.rows / (run.ms / 1000))} rows/s; ${peak(run)}; ${count} firings; ${target}` },
        { what: `${label}: replay / plain scan`, value: `${ratio.toFixed(2)}x`, note: `target <= ${TARGETS.scanRatio}x: ${ratio <= TARGETS.scanRatio ? "met" : "NOT met"}` },
    ];
    if (compare) {
        console.error("bench: replay with full evaluation, for comparison...");
        const fullFirings = path.join(tmp, `firings-full-${devices}.jsonl`);
        t0 = performance.now();
        const full = await runNode([...replayArgs, "--evaluation", "full"], ROOT, preload, fullFirings);
        requireSuccess(full, "the full replay");
        const same = fs.readFileSync(fullFirings, "utf8") === fs.readFileSync(firings, "utf8");
        figures.push({ what: `${label}: replay, full evaluation`, value: seconds(full.ms), note: `${peak(full)}; incremental is ${(full.ms / run.ms).toFixed(2)}x faster; same firings: ${same ? "yes" : "NO"}` });
    }
    return figures;
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
function runNode(args: readonly string[], cwd: string, preload: string, stdoutFile?: string): Promise<ChildFigure> {
    const useTime = fs.existsSync(TIME_BINARY);
    const command = useTime ? TIME_BINARY : process.execPath;
    const argv = useTime ? ["-v", process.execPath, ...args] : ["--require", preload, ...args];
    return new Promise((resolve, reject) => {
        const t0 = performance.now();
        const out: "ignore" | number = stdoutFile === undefined ? "ignore" : fs.openSync(stdoutFile, "w");
        const child = spawn(command, argv, { cwd, stdio: ["ignore", out, "pipe"] });
        if (typeof out === "number") fs.closeSync(out);
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
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

/** A temporary folder for a bench's files (removed by the caller), with the preload that prints a child's peak RSS at exit. */
function benchFolder(): { tmp: string; preload: string } {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${BENCH_PREFIX}${process.pid}-`));
    const preload = path.join(tmp, "max-rss.js");
    fs.writeFileSync(preload, `process.on("exit", () => process.stderr.write("\\n${RSS_MARK}" + process.resourceUsage().maxRSS + "\\n"));\n`);
    return { tmp, preload };
}

/** The replay figures of each size, in a temporary folder removed at the end (a killed run's is removed by the next). */
async function benchReplays(sizes: readonly number[], hours: number, workers: number | undefined, compare: boolean, runs: number): Promise<Figure[]> {
    const { tmp, preload } = benchFolder();
    try {
        const figures: Figure[] = [];
        for (const devices of sizes) figures.push(...(await benchReplay(devices, hours, workers, compare, runs, tmp, preload)));
        return figures;
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

async function benchPreview(hubCounts: readonly number[]): Promise<Figure[]> {
    const devFile = path.join(ROOT, "Pulumi.dev.yaml");
    const devConfig = (parse(fs.readFileSync(devFile, "utf8")) as { config: Record<string, unknown> }).config;
    const devHub = (devConfig["iothub-404104:hubs"] as string[])[0];
    const { tmp, preload } = benchFolder();
    const figures: Figure[] = [];
    try {
        console.error("preview: bare require('@pulumi/pulumi')...");
        const bare = await runNode(["-e", "require('@pulumi/pulumi')"], ROOT, preload);
        figures.push({ what: "bare require('@pulumi/pulumi')", value: seconds(bare.ms), note: `${peak(bare)}${bare.code === 0 ? "" : ` (exit ${bare.code})`}` });
        for (const count of hubCounts) {
            const dir = fs.mkdtempSync(path.join(tmp, `hubs-${count}-`));
            writeBenchStack(dir, count, devHub, devConfig);
            console.error(`preview: ${count} hub${count === 1 ? "" : "s"}...`);
            const run = await runNode(["--import", "tsx", path.join(ROOT, "scripts", "preview.ts"), "--dir", dir, "--stack", "bench"], ROOT, preload);
            const failed = run.code === 0 ? "" : ` (exit ${run.code}: ${run.stderr.split("\n").find((l) => l.startsWith("error")) ?? "see stderr"})`;
            figures.push({ what: `offline preview, ${count} hub${count === 1 ? "" : "s"}`, value: seconds(run.ms), note: `${peak(run)}${failed}` });
        }
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    return figures;
}

runCli(USAGE, async () => {
    for (const prefix of [BENCH_PREFIX, BENCH_EXPORT_PREFIX]) removeStaleTemporaries(os.tmpdir(), prefix);
    const cli = parseCliCommand(process.argv.slice(2), { strings: ["devices", "hours", "workers", "hubs", "runs"], booleans: ["compare"] }, USAGE);
    const a = cli.values;
    const compare = cli.switches.has("compare");
    const sizes = (a.devices ?? "10000").split(",").map((d) => numberFlag("devices", d.trim(), 10_000, { min: 1, max: 1_000_000, integer: true }));
    const hours = numberFlag("hours", a.hours, 24, { min: 0.25, max: 48, integer: false });
    const workers = a.workers === undefined ? undefined : numberFlag("workers", a.workers, 1, { min: 1, max: 64, integer: true });
    const runs = numberFlag("runs", a.runs, 3, { min: 1, max: 20, integer: true });
    const hubCounts = (a.hubs ?? "1,10,100").split(",").map((h) => numberFlag("hubs", h.trim(), 1, { min: 1, max: 1000, integer: true }));
    for (const devices of sizes) requireDeviceHours(devices, hours, 1, "bench a smaller fleet");

    const cpus = os.cpus();
    const machine = `${cpus.length} cpus (${cpus[0]?.model.trim() ?? "unknown"}), ${thousands(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
    const figures = [...(await benchReplays(sizes, hours, workers, compare, runs)), ...(await benchPreview(hubCounts))];
    console.log(`Benchmark (issues 4 and 16), ${new Date().toISOString()}`);
    console.log(`machine: ${machine}\n`);
    console.log(table(["measure", "figure", "notes"], figures.map((f) => [f.what, f.value, f.note])));
});
