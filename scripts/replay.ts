/**
 * Replays a stack's alert rules over exported logs before they are deployed:
 * `npm run replay -- --logs <file> [--stack dev | --all-hubs <profile>] [--from <ISO> --to <ISO>]
 *  [--metrics <file>] [--ingestion-delay PT0M] [--chart <file.svg|.html>] [--dir <folder with Pulumi.yaml>]`.
 * Prints one JSON line per firing on stdout and a summary on stderr.
 */
import * as fs from "fs";
import * as os from "os";
import { parseIsoDuration } from "../azure/durations";
import { maxOf, planEvaluations, replay, replaySpan, ruleLookbackMs, type EvaluationMode, type ReplayResult } from "../replay/engine";
import { ReplayWorkerPool, stopReplayWorkers, usesWorkers } from "../replay/parallel";
import { ValidationError } from "../azure/validation";
import { ENVIRONMENT_PROFILES } from "../queries/detection";
import { readMetricSamples, type ReadReport } from "../replay/logs";
import { readLogRowsInParallel } from "../replay/parallelRead";
import { fileSize } from "../replay/exportText";
import { columnsRead } from "../replay/rowStore";
import { firingsJsonl } from "../replay/truth";
import { TIMELINE_COLUMNS } from "../charts/timeline";
import { choiceFlag, isoTimeFlagMs, numberFlag, onInterrupt, outputFileFlag, parseCliArgs, runCli, UsageError } from "./cli";
import { eta, ProgressLine, roughDuration } from "./progress";

const USAGE =
    "usage: npm run replay -- --logs <file.jsonl|file.csv> [--stack dev | --all-hubs dev|staging|prod] [--from <ISO> --to <ISO>] [--metrics <file>] [--ingestion-delay PT0M] [--chart <file.svg|file.html>] [--dir <folder with Pulumi.yaml>] [--workers <n>] [--evaluation incremental|full]";

/** A hub id that only stands for "any hub" when --all-hubs asks how far back the profile's rules look. */
const ANY_HUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/any-hub";

/** Whether two paths name the same file (through links too); false when either does not exist. */
function sameFile(a: string, b: string): boolean {
    try {
        return fs.realpathSync(a) === fs.realpathSync(b);
    } catch {
        return false;
    }
}

/** At most this many malformed rows are listed one by one; all are counted. */
const MAX_LISTED = 50;

/** A --from/--to flag: an ISO 8601 time with an offset, as every script takes times. */
function time(name: string, text: string | undefined): number | undefined {
    return text === undefined ? undefined : isoTimeFlagMs(name, text);
}

/**
 * Exports of these sizes start the replay's workers before they are read, so they compile the
 * rules meanwhile (about a second each, which matters on a replay of seconds). From: at about 1 KB
 * a row (JSON Lines; a CSV row is smaller) that is where the replay would use workers anyway
 * (PARALLEL_MIN_ROWS, 50,000 rows); a smaller export whose rows turn out to be many starts them
 * after the read. To: a worker's heap is sized by the rows (workerOldGenerationMb), which before
 * the read are only estimated from the size, on the high side; a larger export takes minutes to
 * replay, so its workers start after the read, sized by the rows read.
 */
const EARLY_WORKERS_BYTES = { from: 32 * 2 ** 20, to: 2 * 2 ** 30 };

/** Bytes of the smallest plausible export row (a CSV row of the few columns the rules read), to estimate rows from a file's size on the high side. */
const MIN_ROW_BYTES = 250;

/** Bytes of a typical export row (a Connections row of Log Analytics' JSON Lines is about 1.2 KB), to estimate the rows a file likely holds. */
const TYPICAL_ROW_BYTES = 1_000;

/** The longest span one replay covers; a longer one is almost always a stray timestamp, and would take hours. */
const MAX_REPLAY_SPAN_DAYS = 31;

function describe(report: ReadReport): string[] {
    const skipped = [...report.skipped.values()].reduce((a, b) => a + b, 0);
    const lines = [
        `${report.file}: ${report.rowsRead} rows read, ${report.rowsKept} kept, ${skipped} skipped${skipped ? ` (${[...report.skipped].map(([why, n]) => `${why}: ${n}`).join("; ")})` : ""}, ${report.malformed.length} malformed`,
    ];
    for (const m of report.malformed.slice(0, MAX_LISTED)) lines.push(`  ${report.file}:${m.line}: malformed row: ${m.message}`);
    if (report.malformed.length > MAX_LISTED) lines.push(`  ... and ${report.malformed.length - MAX_LISTED} more malformed rows`);
    return lines;
}

runCli(USAGE, async () => {
    const a = parseCliArgs(process.argv.slice(2), ["logs", "stack", "all-hubs", "from", "to", "metrics", "ingestion-delay", "chart", "dir", "workers", "evaluation"], USAGE);
    if (!a.logs) throw new UsageError(`--logs is required; ${USAGE}`);
    const allHubs = a["all-hubs"] === undefined ? undefined : choiceFlag("all-hubs", a["all-hubs"], "dev", ENVIRONMENT_PROFILES);
    if (allHubs && (a.stack !== undefined || a.dir !== undefined)) throw new UsageError(`--all-hubs replays every hub found in the file with a profile's defaults; give it without --stack and --dir`);
    if (allHubs && a.metrics !== undefined) throw new UsageError(`--metrics needs a stack file (the drop alert's threshold is its connectedDevicesAlert); --all-hubs replays the log alerts only`);
    const chart = a.chart === undefined ? undefined : outputFileFlag("chart", a.chart, [".svg", ".html"]);
    const workers = a.workers === undefined ? undefined : numberFlag("workers", a.workers, 1, { min: 1, max: 64, integer: true });
    const mode = choiceFlag<EvaluationMode>("evaluation", a.evaluation, "incremental", ["incremental", "full"]);
    for (const input of [a.logs, a.metrics]) {
        if (chart !== undefined && input !== undefined && sameFile(chart, input)) throw new UsageError(`--chart: "${a.chart}" is not valid; it is the export being replayed, which the chart would overwrite`);
    }
    const stack = allHubs ? `all-hubs-${allHubs}` : (a.stack ?? "dev");
    const delaySeconds = parseIsoDuration(a["ingestion-delay"] ?? "PT0M");
    if (delaySeconds === undefined || delaySeconds > 86400) {
        throw new UsageError(`--ingestion-delay: "${a["ingestion-delay"]}" is not valid; allowed: an ISO 8601 duration from PT0M to P1D, such as PT5M`);
    }
    const from = time("from", a.from);
    const to = time("to", a.to);
    if (from !== undefined && to !== undefined && to <= from) throw new UsageError(`--to (${a.to}) must be after --from (${a.from})`);
    const options = { mode, ...(workers === undefined ? {} : { workers }) };
    const bytes = fileSize(a.logs);
    // On a large export with a stack file, the workers start now: they start the KQL parser while this
    // thread loads the stack's components (and @pulumi/pulumi, most of a second), then compile the rules while it reads.
    const early = !allHubs && (workers ?? os.availableParallelism()) > 1 && bytes >= EARLY_WORKERS_BYTES.from && bytes <= EARLY_WORKERS_BYTES.to;
    // The read is synchronous: a signal meanwhile keeps Node's default (the process, workers included, ends at once).
    let pool = early ? new ReplayWorkerPool(Math.ceil(bytes / MIN_ROW_BYTES), { ...options, likelyRows: Math.ceil(bytes / TYPICAL_ROW_BYTES) }) : undefined;
    // Loaded here rather than at the top, so that the workers' start overlaps the loading.
    const { readStackSettings, writeChartFile } = await import("./stackOutputs");
    const { planReplay } = await import("../replay/plan");
    const { settingsForHubs } = await import("../replay/hubsStack");
    // With --all-hubs the hubs are known only once the file is read; the profile's rules (and so their lookback) are the same for any hub.
    let settings = allHubs ? settingsForHubs([ANY_HUB], allHubs) : readStackSettings(a.dir, stack);
    let plan = planReplay(settings);
    if (pool && plan.rules.length === 0) {
        pool.stop();
        pool = undefined;
    }
    pool?.compile(plan);

    // Rows before --from are read as far back as the longest rule looks (window x periods), as Azure's first evaluations after --from would see them.
    const lookbackMs = plan.rules.length > 0 ? maxOf(plan.rules.map(ruleLookbackMs)) : 0;
    const readFrom = from === undefined ? undefined : from - lookbackMs;
    // Only the columns the rules read (and the chart, when asked) are kept, each string once (replay/rowStore.ts).
    const columns = columnsRead(plan.rules.map((r) => r.resolved.query), chart ? TIMELINE_COLUMNS : []);
    const progress = new ProgressLine();
    const onRowsRead = (n: number): void => progress.update(() => `reading ${a.logs}: ${n.toLocaleString("en-US")} rows, ${roughDuration(progress.elapsedMs)}`);
    let read: Awaited<ReturnType<typeof readLogRowsInParallel>>;
    try {
        // A large JSON Lines export is read in two parts at once (replay/parallelRead.ts).
        read = await readLogRowsInParallel(a.logs, { from: readFrom, to, hubs: allHubs ? undefined : plan.hubs, assumedIngestionDelayMs: delaySeconds * 1000, columns, onRowsRead }, workers === undefined ? {} : { threads: workers });
    } finally {
        progress.done();
    }
    const { rows, report } = read;
    if (allHubs && rows.length > 0) {
        const found = [...new Map(rows.map((r) => r.hub ?? String(r.row._ResourceId)).map((id) => [id.toLowerCase(), id])).values()];
        try {
            settings = settingsForHubs(found, allHubs, stack);
        } catch (e) {
            // The hubs come from the file, not from a stack file: name the file and the value.
            if (!(e instanceof ValidationError)) throw e;
            throw new UsageError(`${a.logs}: --all-hubs cannot monitor the _ResourceId ${e.value} found in the file; ${e.allowed}`);
        }
        plan = planReplay(settings);
    }
    if (rows.length === 0) {
        const found = [...report.unmonitoredHubs];
        const span = report.dataSpan;
        throw new UsageError(
            found.length > 0 && span === undefined
                ? `${a.logs}: no row is of a hub stack "${stack}" monitors; the file has rows of ${found.slice(0, 20).join(", ")}${found.length > 20 ? ` and ${found.length - 20} more hubs` : ""}: replay with a stack file whose hubs list them (--stack, --dir), or with --all-hubs <profile> to replay every hub found with that profile's defaults`
                : span !== undefined
                  ? `${a.logs}: no row in the span asked for (${a.from ?? "the start"} .. ${a.to ?? "the end"}); the file's rows run from ${new Date(span.first).toISOString()} to ${new Date(span.last).toISOString()}; nothing replayed`
                  : `${a.logs}: no row to replay (${report.rowsRead} rows read${report.malformed.length > 0 ? `, ${report.malformed.length} malformed, the first at line ${report.malformed[0].line}: ${report.malformed[0].message}` : ""}); nothing replayed`,
        );
    }
    const metrics = a.metrics ? readMetricSamples(a.metrics) : undefined;
    if (metrics && metrics.samples.length === 0) {
        throw new UsageError(
            metrics.otherMetrics.size > 0
                ? `--metrics: ${a.metrics} holds ${[...metrics.otherMetrics].join(", ")}, not connectedDeviceCount; export the connectedDeviceCount metric`
                : `--metrics: ${a.metrics} holds no connectedDeviceCount sample (${metrics.report.rowsRead} rows read); nothing to replay the drop alert with`,
        );
    }
    const { start, end } = replaySpan(rows, from, to);
    // The data's own span (replaySpan without --from/--to), to refuse a --from after the last row.
    const last = from === undefined ? end : replaySpan(rows).end;
    if (from !== undefined && from > last) throw new UsageError(`--from (${a.from}) is after the last row of the file (${new Date(last).toISOString()}); nothing to replay`);
    const days = (end - start) / 86_400_000;
    if (days > MAX_REPLAY_SPAN_DAYS) {
        throw new UsageError(
            `${a.logs}: the span to replay, ${new Date(start).toISOString()} .. ${new Date(end).toISOString()}, is ${Math.round(days)} days; allowed: at most ${MAX_REPLAY_SPAN_DAYS} days in one replay (a stray timestamp in the file, or give --from and --to)`,
        );
    }
    if (metrics) {
        const hubs = new Set(plan.hubs.map((h) => h.toLowerCase()));
        const ofHubs = metrics.samples.filter((s) => hubs.has(s.hub));
        if (ofHubs.length === 0) throw new UsageError(`--metrics: ${a.metrics} holds no sample of a hub stack "${stack}" monitors (it has ${[...new Set(metrics.samples.map((s) => s.hub))].slice(0, 5).join(", ")})`);
        if (!ofHubs.some((s) => s.time >= start && s.time <= end)) throw new UsageError(`--metrics: ${a.metrics} holds no sample in the span replayed, ${new Date(start).toISOString()} .. ${new Date(end).toISOString()}`);
    }
    // On every core when there are many rows (usesWorkers), else in this thread; the same result either way.
    // A signal during a replay on worker threads stops them and ends the process; nothing has been written yet.
    // In this thread (few rows) Node's default applies: the process ends at once.
    if (pool && !usesWorkers(plan, rows, options)) {
        pool.stop();
        pool = undefined;
    }
    if (!pool && usesWorkers(plan, rows, options)) pool = new ReplayWorkerPool(rows.length, options, plan);
    const unregister = pool ? onInterrupt(stopReplayWorkers) : () => undefined;
    process.stderr.write(`replaying ${rows.length} rows of ${plan.hubs.length} hub(s) with ${plan.rules.length} rules, ${new Date(start).toISOString()} .. ${new Date(end).toISOString()}...\n`);
    const total = planEvaluations(plan, start, end);
    let done = 0;
    const replaying = new ProgressLine();
    const onEvaluations = (n: number): void => {
        done += n;
        replaying.update(() => {
            const left = eta(done, total, replaying.elapsedMs);
            return `replaying: ${rows.length.toLocaleString("en-US")} rows, ${done} of ${total} evaluations${left === undefined ? "" : `, about ${roughDuration(left)} left`}`;
        });
    };
    const inThread = async (): Promise<ReplayResult> => replay(plan, rows, start, end, metrics?.samples, mode, () => onEvaluations(1));
    const result = await (pool ? pool.replay(rows, start, end, metrics?.samples, { onEvaluations }) : inThread()).finally(() => {
        replaying.done();
        unregister();
    });

    process.stdout.write(firingsJsonl(result.firings));

    const summary = [
        `replay of ${allHubs ? `every hub found (${plan.hubs.length})` : `stack "${stack}"`} (profile ${settings.profile}): ${plan.rules.length} log alert rules${metrics ? `, ${plan.metricAlerts.length} metric alerts` : ""}, span ${new Date(start).toISOString()} .. ${new Date(end).toISOString()}`,
        ...(readFrom === undefined ? [] : [`rows read from ${new Date(readFrom).toISOString()}: --from less the longest rule lookback (${Math.round(lookbackMs / 3_600_000)} h), which the first evaluations read`]),
        ...describe(report),
        ...(metrics ? describe(metrics.report) : []),
        `firings per rule (${result.firings.length} in all):`,
        ...[...result.perRule].map(([rule, n]) => `  ${rule}: ${n}`),
    ];
    if (chart) summary.push(writeChartFile(chart, { rows: rows.map((r) => r.row as never), firings: result.firings, title: `404104 replay of stack ${stack}` }));
    process.stderr.write(summary.join("\n") + "\n");
});
