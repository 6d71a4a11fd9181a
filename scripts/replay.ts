/**
 * Replays a stack's alert rules over exported logs before they are deployed:
 * `npm run replay -- --logs <file> [--stack dev] [--from <ISO> --to <ISO>] [--metrics <file>]
 *  [--ingestion-delay PT0M] [--chart <file.svg|.html>] [--dir <folder with Pulumi.yaml>]`.
 * Prints one JSON line per firing on stdout and a summary on stderr.
 */
import * as path from "path";
import { parseStackConfig } from "../program/config";
import { readStackFile } from "../program/stackFile";
import { parseIsoDuration } from "../azure/durations";
import { maxOf, planReplay, replaySpan, ruleLookbackMs } from "../replay/engine";
import { replayParallel } from "../replay/parallel";
import { parseExportTime, readLogRows, readMetricSamples, type ReadReport } from "../replay/logs";
import { writeTimeline } from "../charts/timeline";
import { outputFileFlag, parseCliArgs, runCli, UsageError, writeFileAtomically } from "./cli";

const USAGE =
    "usage: npm run replay -- --logs <file.jsonl|file.csv> [--stack dev] [--from <ISO> --to <ISO>] [--metrics <file>] [--ingestion-delay PT0M] [--chart <file.svg|file.html>] [--dir <folder with Pulumi.yaml>]";

/** At most this many malformed rows are listed one by one; all are counted. */
const MAX_LISTED = 50;

function time(name: string, text: string | undefined): number | undefined {
    if (text === undefined) return undefined;
    const t = parseExportTime(text);
    if (t === undefined) throw new UsageError(`--${name}: "${text}" is not an ISO 8601 time such as 2026-11-20T06:00:00Z`);
    return t;
}

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
    const a = parseCliArgs(process.argv.slice(2), ["logs", "stack", "from", "to", "metrics", "ingestion-delay", "chart", "dir"], USAGE);
    if (!a.logs) throw new UsageError(`--logs is required; ${USAGE}`);
    const chart = a.chart === undefined ? undefined : outputFileFlag("chart", a.chart, [".svg", ".html"]);
    const stack = a.stack ?? "dev";
    const file = readStackFile(path.resolve(a.dir ?? path.join(__dirname, "..")), stack);
    const settings = parseStackConfig(file.config, file.project, stack);
    const plan = planReplay(settings);
    const delaySeconds = parseIsoDuration(a["ingestion-delay"] ?? "PT0M");
    if (delaySeconds === undefined || delaySeconds > 86400) {
        throw new UsageError(`--ingestion-delay: "${a["ingestion-delay"]}" is not valid; allowed: an ISO 8601 duration from PT0M to P1D, such as PT5M`);
    }
    const from = time("from", a.from);
    const to = time("to", a.to);
    if (from !== undefined && to !== undefined && to <= from) throw new UsageError(`--to (${a.to}) must be after --from (${a.from})`);

    // Rows before --from are read as far back as the longest rule looks (window x periods), as Azure's first evaluations after --from would see them.
    const lookbackMs = plan.rules.length > 0 ? maxOf(plan.rules.map(ruleLookbackMs)) : 0;
    const readFrom = from === undefined ? undefined : from - lookbackMs;
    const { rows, report } = readLogRows(a.logs, { from: readFrom, to, hubs: plan.hubs, assumedIngestionDelayMs: delaySeconds * 1000 });
    if (rows.length === 0) {
        const found = [...report.unmonitoredHubs];
        throw new UsageError(
            found.length > 0
                ? `${a.logs}: no row is of a hub stack "${stack}" monitors; the file has rows of ${found.join(", ")}: replay with a stack file whose hubs list them (--stack, --dir)`
                : `${a.logs}: no row to replay (${report.rowsRead} rows read${from !== undefined || to !== undefined ? " in the span asked for" : ""}); nothing replayed`,
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
    // On every core when there are many rows (replayParallel's defaults); the same result as replay().
    const result = await replayParallel(plan, rows, start, end, metrics?.samples);

    for (const f of result.firings) process.stdout.write(JSON.stringify(f) + "\n");

    const summary = [
        `replay of stack "${stack}" (profile ${settings.profile}): ${plan.rules.length} log alert rules${metrics ? `, ${plan.metricAlerts.length} metric alerts` : ""}, span ${new Date(start).toISOString()} .. ${new Date(end).toISOString()}`,
        ...(readFrom === undefined ? [] : [`rows read from ${new Date(readFrom).toISOString()}: --from less the longest rule lookback (${Math.round(lookbackMs / 3_600_000)} h), which the first evaluations read`]),
        ...describe(report),
        ...(metrics ? describe(metrics.report) : []),
        `firings per rule (${result.firings.length} in all):`,
        ...[...result.perRule].map(([rule, n]) => `  ${rule}: ${n}`),
    ];
    if (chart) {
        let written: ReturnType<typeof writeTimeline> | undefined;
        writeFileAtomically(chart, (temp) => {
            written = writeTimeline(temp, { rows: rows.map((r) => r.row as never), firings: result.firings, title: `404104 replay of stack ${stack}` });
        });
        if (written) summary.push(`chart: ${chart} (${written.format}, ${written.firingMarks} firing marks)`);
    }
    process.stderr.write(summary.join("\n") + "\n");
});
