/**
 * Backtests a stack's log search alert rules in a Log Analytics workspace over a past span, run by
 * the workspace itself: `npm run backtest -- --workspace <id or resource id> --from <ISO> --to <ISO>
 * [--stack dev] [--rules id,...] [--concurrency 5] [--out firings.jsonl] [--resume] [--chart <file>]
 * [--truth <truth.json>] [--endpoint <url>] [--server-timeout 600] [--dir <folder with Pulumi.yaml>]`.
 * Writes the replay's firings format (one JSON line per firing) to `--out` or stdout, and a summary
 * on stderr. Credentials come from `DefaultAzureCredential` (az login, a managed identity, workload
 * identity in CI); the principal needs the Log Analytics Reader role on the workspace.
 */
import * as fs from "fs";
import { DefaultAzureCredential } from "@azure/identity";
import { QUERY_API } from "../azure/queryApi";
import { CheckpointWriter, checkpointPath, evaluationKey, readCheckpoint, runFingerprint, type EvaluationRecord } from "../backtest/checkpoint";
import { planEvaluationList, runBacktest, type BacktestResult } from "../backtest/run";
import { fetchTimelineRows } from "../backtest/timeline";
import { credentialMessage, DEFAULT_QUERY_ENDPOINT, parseWorkspaceTarget, queryScope, WorkspaceAccessError, WorkspaceClient } from "../backtest/workspace";
import type { ReplayPlan } from "../replay/engine";
import { planReplay } from "../replay/plan";
import { formatMatrixCells, matrixCells } from "../replay/matrix";
import { firingsJsonl, readTruthFile } from "../replay/truth";
import { isoTimeFlagMs, numberFlag, onInterrupt, outputFileFlag, parseCliCommand, runCli, UsageError, writeFileAtomically } from "./cli";
import { eta, ProgressLine, roughDuration } from "./progress";
import { readStackSettings, writeChartFile } from "./stackOutputs";

const USAGE =
    "usage: npm run backtest -- --workspace <workspace id or resource id> --from <ISO> --to <ISO> [--stack dev] [--rules <detection or rule>,...] [--concurrency 5] [--out <firings.jsonl>] [--resume] [--chart <file.svg|file.html>] [--truth <truth.json>] [--endpoint https://api.loganalytics.io/v1] [--server-timeout 600] [--dir <folder with Pulumi.yaml>]";

/** The longest span one backtest covers: a quarter, past the prod profile's 90 days of retention. */
const MAX_SPAN_DAYS = 92;

/** At most this many failed evaluations are listed one by one; all are counted. */
const MAX_LISTED = 50;

/** A run that answered some evaluations but not all: the failures are listed above its line. */
class BacktestIncompleteError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "BacktestIncompleteError";
    }
}

function time(name: string, text: string | undefined): number {
    if (text === undefined) throw new UsageError(`--${name} is required: the ${name === "from" ? "start" : "end"} of the past span to evaluate, an ISO 8601 time with an offset; ${USAGE}`);
    return isoTimeFlagMs(name, text);
}

/** `--endpoint`: an https URL (the SDK sends its bearer token over https only). */
function httpsEndpoint(text: string): string {
    let url: URL | undefined;
    try {
        url = new URL(text);
    } catch {
        url = undefined;
    }
    if (url?.protocol !== "https:") throw new UsageError(`--endpoint: "${text}" is not valid; allowed: an https:// URL of the query API, such as ${DEFAULT_QUERY_ENDPOINT}`);
    return text;
}

/** The rules `--rules` names (detection ids, which select every hub's rule of that detection, or rule names); all without it. */
function selectRules(plan: ReplayPlan, text: string | undefined): ReplayPlan {
    if (text === undefined) return plan;
    const wanted = text.split(",").map((s) => s.trim());
    const ids = [...new Set(plan.rules.map((r) => r.resolved.detection.id))];
    for (const w of wanted) {
        if (!ids.includes(w) && !plan.rules.some((r) => r.name === w)) {
            throw new UsageError(`--rules: "${w}" is not valid; allowed: detection ids of the stack (${ids.join(", ")}) or its rule names (${plan.rules.map((r) => r.name).join(", ")})`);
        }
    }
    return { ...plan, rules: plan.rules.filter((r) => wanted.includes(r.name) || wanted.includes(r.resolved.detection.id)) };
}

/** What must be the same for a checkpoint's answers to stand: the workspace, span and each rule as it would be deployed. */
function identity(target: unknown, endpoint: string, from: number, to: number, plan: ReplayPlan): unknown {
    return {
        target,
        endpoint,
        from,
        to,
        rules: plan.rules.map((r) => {
            const d = r.resolved.detection;
            const condition = { operator: d.operator, timeAggregation: d.timeAggregation, measure: d.measureColumn, dimensions: d.dimensions, resource: d.resourceIdColumn, time: d.timeColumn };
            return { name: r.name, query: r.resolved.query, every: r.resolved.evaluationFrequency, window: r.resolved.windowSize, periods: r.resolved.failingPeriods, threshold: r.resolved.threshold, condition };
        }),
    };
}

function describeFailures(result: BacktestResult): string[] {
    const lines = result.failures.slice(0, MAX_LISTED).map((f) => `  ${f.rule} at ${f.evaluatedAt}: ${f.message}`);
    if (result.failures.length > MAX_LISTED) lines.push(`  ... and ${result.failures.length - MAX_LISTED} more evaluations`);
    return lines;
}

runCli(USAGE, async () => {
    const cli = parseCliCommand(process.argv.slice(2), { strings: ["workspace", "stack", "from", "to", "rules", "concurrency", "out", "chart", "truth", "endpoint", "server-timeout", "dir"], booleans: ["resume"] }, USAGE);
    const a = cli.values;
    const resume = cli.switches.has("resume");
    if (a.workspace === undefined) throw new UsageError(`--workspace is required: the Log Analytics workspace to query, its workspace id (a GUID) or its resource id; ${USAGE}`);
    const target = parseWorkspaceTarget("--workspace", a.workspace);
    const from = time("from", a.from);
    const to = time("to", a.to);
    if (to <= from) throw new UsageError(`--to (${a.to}) must be after --from (${a.from})`);
    if (to > Date.now()) throw new UsageError(`--to: "${a.to}" is not valid; allowed: a time in the past (the backtest evaluates logs the workspace already holds)`);
    if ((to - from) / 86_400_000 > MAX_SPAN_DAYS) throw new UsageError(`--from .. --to spans ${Math.round((to - from) / 86_400_000)} days; allowed: at most ${MAX_SPAN_DAYS} days in one backtest (run several spans, each with its own --out)`);
    const concurrency = numberFlag("concurrency", a.concurrency, QUERY_API.concurrentQueries.value, { min: 1, max: 32, integer: true });
    const serverTimeout = numberFlag("server-timeout", a["server-timeout"], QUERY_API.maxTimeout.value, { min: 1, max: QUERY_API.maxTimeout.value, integer: true });
    const endpoint = a.endpoint === undefined ? DEFAULT_QUERY_ENDPOINT : httpsEndpoint(a.endpoint);
    const out = a.out === undefined ? undefined : outputFileFlag("out", a.out, [".jsonl", ".json", ".ndjson"]);
    const chart = a.chart === undefined ? undefined : outputFileFlag("chart", a.chart, [".svg", ".html"]);
    if (out !== undefined && chart === out) throw new UsageError(`--chart: "${a.chart}" is not valid; it is the --out file`);
    const truth = a.truth === undefined ? undefined : readTruthFile(a.truth);
    if (resume && out === undefined) throw new UsageError(`--resume needs --out: the checkpoint of a run lives beside its output file`);
    const stack = a.stack ?? "dev";
    const settings = readStackSettings(a.dir, stack);
    const plan = selectRules(planReplay(settings), a.rules);
    const evaluations = planEvaluationList(plan, from, to);
    if (evaluations.length === 0) {
        throw new UsageError(`nothing to evaluate: stack "${stack}" has ${plan.rules.length} log alert rule(s)${a.rules === undefined ? "" : ` matching --rules`} and none runs between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}`);
    }

    // The checkpoint beside --out: refused when it belongs to another run, required by --resume, never silently overwritten.
    const fingerprint = runFingerprint(identity(target, endpoint, from, to, plan));
    const checkpoint = out === undefined ? undefined : checkpointPath(out);
    const exists = checkpoint !== undefined && fs.existsSync(checkpoint);
    if (resume && !exists) throw new UsageError(`--resume: there is no checkpoint ${checkpoint}; nothing to resume (run without --resume to start)`);
    if (!resume && exists) throw new UsageError(`--out: an unfinished run left its checkpoint ${checkpoint}; run again with --resume to continue it, or delete it to start over`);
    const done: ReadonlyMap<string, EvaluationRecord> = resume && checkpoint !== undefined ? readCheckpoint(checkpoint, fingerprint).records : new Map();
    const toQuery = evaluations.filter((e) => !("firings" in (done.get(evaluationKey(e.rule.name, e.t)) ?? {}))).length;

    // One clear line without a credential, before anything is written.
    const credential = new DefaultAzureCredential();
    try {
        await credential.getToken(queryScope(endpoint));
    } catch (e) {
        throw new WorkspaceAccessError(credentialMessage(e as Error));
    }
    const client = new WorkspaceClient(target, credential, { endpoint, serverTimeoutSeconds: serverTimeout });
    const writer = checkpoint === undefined ? undefined : new CheckpointWriter(checkpoint, fingerprint, !exists);
    const keptNote = (what = "the evaluations answered so far"): string => `the checkpoint ${checkpoint} keeps ${what}: run again with --resume`;
    const abort = new AbortController();
    const unregister = onInterrupt(() => {
        abort.abort();
        writer?.close();
        return writer ? keptNote() : undefined;
    });
    process.stderr.write(`backtesting ${plan.rules.length} rules of stack "${stack}" in workspace ${target.id}, ${new Date(from).toISOString()} .. ${new Date(to).toISOString()}: ${evaluations.length} evaluations, ${concurrency} at a time...\n`);
    const progress = new ProgressLine();
    let answered = 0;
    let result: BacktestResult;
    try {
        result = await runBacktest({
            evaluations,
            query: (q) => client.query(q),
            concurrency,
            done,
            checkpoint: writer,
            signal: abort.signal,
            onEvaluated: () => {
                answered++;
                progress.update(() => {
                    const left = eta(answered, toQuery, progress.elapsedMs);
                    return `backtest: ${answered + evaluations.length - toQuery} of ${evaluations.length} evaluations, ${client.counters.throttled} throttled${left === undefined ? "" : `, about ${roughDuration(left)} left`}`;
                });
            },
        });
    } catch (e) {
        if (writer && e instanceof WorkspaceAccessError) throw new WorkspaceAccessError(`${e.message}; ${keptNote()}`);
        throw e;
    } finally {
        progress.done();
        unregister();
        writer?.close();
    }

    const summary = [
        `backtest of stack "${stack}" (profile ${settings.profile}) in workspace ${target.id}: ${plan.rules.length} log alert rules, span ${new Date(from).toISOString()} .. ${new Date(to).toISOString()}`,
        `${evaluations.length} evaluations: ${result.queried} queried${result.resumed > 0 ? `, ${result.resumed} from the checkpoint` : ""}; ${client.counters.requests} requests, ${client.counters.throttled} throttled (waited ${roughDuration(client.counters.waitedMs)})`,
        `firings per rule (${result.firings.length} in all):`,
        ...[...result.perRule].map(([rule, n]) => `  ${rule}: ${n}`),
    ];
    // Only a signal stops a run early, and it ends the process before this point; a result with gaps is never written.
    if (result.unanswered > 0) throw new BacktestIncompleteError(`${result.unanswered} of ${evaluations.length} evaluations were not answered; no output written; ${writer ? keptNote() : "run again"}`);
    if (result.failures.length > 0) {
        process.stderr.write([...summary, `evaluations that hit a limit (${result.failures.length}):`, ...describeFailures(result)].join("\n") + "\n");
        throw new BacktestIncompleteError(
            `${result.failures.length} of ${evaluations.length} evaluations hit a limit of the query API (listed above); no output written; ${writer ? keptNote("the answered ones; a longer --server-timeout keeps the run's identity (a time-out); --rules or another span make another run, which needs another --out") : "run with --out to keep the answered evaluations for a resume"}`,
        );
    }
    // The chart's rows come first: a chart that cannot be drawn fails the command before any output is written.
    const timeline = chart === undefined ? undefined : await fetchTimelineRows(plan.hubs, from, to, (q) => client.query(q));
    if (out !== undefined) {
        writeFileAtomically(out, (temp) => fs.writeFileSync(temp, firingsJsonl(result.firings)), "out");
        if (checkpoint !== undefined) fs.rmSync(checkpoint, { force: true });
        summary.push(`firings: ${out}`);
    } else {
        process.stdout.write(firingsJsonl(result.firings));
    }
    if (chart !== undefined && timeline !== undefined) summary.push(writeChartFile(chart, { rows: timeline, firings: result.firings, title: `404104 backtest of stack ${stack}` }));
    if (truth !== undefined) {
        const cells = matrixCells(`backtest of ${stack}`, truth.hubs, truth.incidents, result.firings);
        summary.push("confusion matrix against the truth file:", formatMatrixCells(cells));
    }
    process.stderr.write(summary.join("\n") + "\n");
});
