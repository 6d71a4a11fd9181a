/**
 * The replay on several cores: the same evaluations as {@link replay}, spread over worker threads.
 * Each log search alert rule's evaluation times are cut into runs of consecutive times of about
 * equal estimated work (the estimate being the rows each evaluation reads): with incremental
 * evaluation (the default) a rule is one run unless there are fewer rules than workers, with full
 * evaluation one run per worker; workers take these tasks from a queue, largest first, and answer
 * with the firings.
 * Each task is {@link replayRuleTimes} over its slice of the times (in the chosen mode; an
 * incremental task starts its window afresh), so a rule's firings are the
 * concatenation of its tasks' firings in time order, exactly the list `replayRule` returns; they
 * are then merged by the same {@link mergeFirings} as the sequential replay. The results are
 * identical: same firings, same values, same order. (The evaluator's per-row caches only save
 * work, never change a result, so a run that starts cold in a worker answers as a warm one.)
 *
 * The workers start before the rows are read ({@link ReplayWorkerPool}) and compile the rules
 * meanwhile; each then gets every hub's rows once, packed in columns (replay/packedRows.ts) on
 * shared memory, and reads them by position (see parallelWorker.ts).
 * Workers run the compiled module or, from the TypeScript sources, an esbuild bundle of them
 * (sourceWorker.ts), so the parallel replay runs under tsx and under vitest alike.
 */
import * as os from "os";
import type { Worker } from "worker_threads";
import { lowerBound, mergeFirings, replay, type EvaluationMode, replayMetricAlerts, rowsByHub, ruleEvaluationTimes, ruleLookbackMs, type Firing, type ReplayPlan, type ReplayResult } from "./engine";
import type { MetricSample, ReplayRow, TimeOrderedRows } from "./logs";
import { packRows } from "./packedRows";
import { packedHubsOfParts, packedTimeOrderedRows, packStoredRows } from "./rowStore";
import type { ResultMessage, RowsMessage, RulesMessage, TaskMessage } from "./parallelWorker";
import { startSourceWorker } from "./sourceWorker";

/** Options of {@link replayParallel}. */
export interface ParallelReplayOptions {
    /** Worker threads. Default: the cores of the machine (`os.availableParallelism()`). 1 or less replays in this thread. */
    readonly workers?: number;
    /** Fewer rows than this are replayed in this thread (starting a worker costs about a second). Default {@link PARALLEL_MIN_ROWS}. */
    readonly minRows?: number;
    /**
     * Runs each rule's evaluations are cut into, per worker. Each run starts cold: its first
     * evaluation reads its whole window (with incremental evaluation, a rule's later evaluations
     * only read what changed, so a cut costs about a window of rows more). Default: with full
     * evaluation, 1 (each rule in one run per worker, of equal estimated work); with incremental
     * evaluation, each rule is one run, and is cut only when there are fewer rules than workers
     * (into as many runs as it takes to give every worker one); the workers take the runs from a
     * queue, largest first, so whole rules balance themselves over the workers.
     */
    readonly partsPerWorker?: number;
    /** How each rule's evaluations are computed. Default: incremental. */
    readonly mode?: EvaluationMode;
    /** Called with the number of evaluations of log search alert rules done since the last call (for progress). */
    readonly onEvaluations?: (done: number) => void;
}

/** Rows from which {@link replayParallel} uses workers by default: 50,000. */
export const PARALLEL_MIN_ROWS = 50_000;

/** Estimated cost of one evaluation beyond the rows it reads, in rows (compiling the plan of a run, grouping, the split into series). */
const EVALUATION_OVERHEAD_ROWS = 1_000;

/** A task of the parallel replay: a run of consecutive evaluation times of one rule. */
export interface ReplayTask {
    /** Index of the rule in the plan. */
    readonly rule: number;
    /** Position of the run among the rule's runs. */
    readonly part: number;
    readonly times: number[];
    /** Estimated work: rows read by the evaluations plus an overhead per evaluation. */
    readonly cost: number;
}

/**
 * Operators of a query, roughly: its `|` outside comments (each tabular operator follows one). With
 * incremental evaluation a rule's work grows with the rows that enter its window times the operators
 * they pass through, and with its evaluations times the operators each one runs again; the rules'
 * windows and frequencies say little of it (measured on the benchmark's 100,000-device day: random
 * 85 s, periodic 56 s, mass 35 s and link 16 s of work, for 83, 60, 25 and 21 operators, while
 * counting the rows each evaluation reads put mass first and periodic last).
 */
export function queryOperators(query: string): number {
    return query.split("\n").reduce((n, line) => n + (line.replace(/\/\/.*$/, "").match(/\|/g)?.length ?? 0), 0);
}

/**
 * Cuts each rule's evaluation times in `[from, to]` into `parts` runs of consecutive times of about
 * equal estimated work (fewer when the rule has fewer times); one list per rule, in plan order, whose
 * runs concatenated are the rule's {@link ruleEvaluationTimes}. `byHub` holds each hub's rows sorted
 * by time (row objects, or read by position). The estimate: with full evaluation (the default), the
 * rows each evaluation reads plus an overhead per evaluation; with incremental evaluation, the rows
 * that enter the window at each
 * evaluation (a run's first reads its whole window) plus the overhead, times the query's operators
 * ({@link queryOperators}), so that the rules' runs compare by their work.
 */
export function replayTasks(plan: ReplayPlan, byHub: ReadonlyMap<string, readonly ReplayRow[] | TimeOrderedRows>, from: number, to: number, parts: number, mode: EvaluationMode = "full"): ReplayTask[][] {
    const wanted = Math.max(1, Math.floor(parts));
    return plan.rules.map((rule, index) => {
        const rows = byHub.get(rule.hub) ?? [];
        const lookback = ruleLookbackMs(rule);
        const times = ruleEvaluationTimes(rule, from, to);
        const read = (t: number): number => lowerBound(rows, t) - lowerBound(rows, t - lookback);
        const operators = mode === "incremental" ? queryOperators(rule.resolved.query) : 1;
        const entering = (i: number): number => (i === 0 ? read(times[0]) : lowerBound(rows, times[i]) - lowerBound(rows, times[i - 1]));
        const evaluations = times.map((t, i) => ({ t, cost: ((mode === "incremental" ? entering(i) : read(t)) + EVALUATION_OVERHEAD_ROWS) * operators }));
        const total = evaluations.reduce((a, e) => a + e.cost, 0);
        const runs: { times: number[]; cost: number }[] = [];
        let done = 0;
        let current = -1;
        evaluations.forEach((e, i) => {
            // The run whose share of the rule's work holds the middle of this evaluation's cost.
            const run = Math.min(wanted - 1, Math.floor(((done + e.cost / 2) / total) * wanted));
            if (run !== current) {
                runs.push({ times: [], cost: 0 });
                // Incrementally, a run after the first starts with its whole window, not only the rows that entered since the time before.
                if (mode === "incremental" && i > 0) runs[runs.length - 1].cost += (read(e.t) - entering(i)) * operators;
            }
            current = run;
            runs[runs.length - 1].times.push(e.t);
            runs[runs.length - 1].cost += e.cost;
            done += e.cost;
        });
        return runs.map((r, part) => ({ rule: index, part, times: r.times, cost: r.cost }));
    });
}

/**
 * The rules (indices into the plan) each of `workers` workers will likely run, before the rows are
 * known: the rules dealt largest first to the least loaded worker, a rule's size being its query's
 * operators ({@link queryOperators}; every rule of a hub sees the same rows enter its window over a
 * replay). With incremental evaluation the queue of {@link ReplayWorkerPool.replay} deals them the
 * same way when they take as long as that says; a worker compiles its own ahead (about a tenth of a
 * second or more each) rather than every rule, and any other when a task needs it.
 */
export function likelyRules(plan: ReplayPlan, workers: number): number[][] {
    const lists: number[][] = Array.from({ length: Math.max(1, workers) }, () => []);
    const loads = lists.map(() => 0);
    const sizes = plan.rules.map((r) => queryOperators(r.resolved.query));
    const bySize = sizes.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
    for (const rule of bySize) {
        const w = loads.indexOf(Math.min(...loads));
        lists[w].push(rule);
        loads[w] += sizes[rule];
    }
    return lists;
}

/**
 * Young generation of a worker's heap (MiB) for a replay of about `rows` rows: a row's object and
 * what the evaluator derives from it live as long as the rule's window holds the row, so the more
 * rows, the more of them a small young generation copies at each scavenge before promoting them.
 * One MiB per 10,000 rows, at least 96, at most 512 (V8 grows it to that cap as the survivors
 * need). On the benchmark's day of 100,000 devices (5.68 million rows, two cores) the replay took
 * 75 s at 512 MiB, 81 s at 256 and 89 to 92 s at 96, where the workers spent a fifth of their time
 * scavenging; on the day of 10,000 devices (568,000 rows) 96 MiB took 6.8 to 6.9 s and 280 MiB 7.2
 * to 7.7 s, the system's time to hand the larger one fresh pages. Below 96 the workers worked
 * about 10% longer.
 */
export function workerYoungGenerationMb(rows: number): number {
    return Math.min(512, Math.max(96, Math.ceil(rows / 10_000)));
}

/** Workers of replays still running, for {@link stopReplayWorkers}. */
const liveWorkers = new Set<Worker>();

/** Stops every worker of a running parallel replay (e.g. on SIGTERM); the replay's promise then rejects. */
export function stopReplayWorkers(): void {
    for (const w of liveWorkers) void w.terminate();
    liveWorkers.clear();
}

/**
 * Heap a worker needs per row replayed, in bytes, with room for the garbage collector: a worker
 * holds one rule's state at a time, which follows that rule's window (at most the whole export).
 * Measured on the benchmark's day of 100,000 devices (5.68 million rows, two workers): with the
 * old generation capped at 3 GiB (about 560 bytes a row) the replay peaked at 6.4 GB resident and
 * the workers' CPU time was within 5% of uncapped, which peaked at 9.0 GB; at 2.5 GiB it ran but
 * the collector took a third more CPU time.
 */
export const WORKER_HEAP_BYTES_PER_ROW = 560;

/**
 * Old generation of a worker's heap (MiB) for a replay of `rows` rows: {@link WORKER_HEAP_BYTES_PER_ROW}
 * a row, at least 2 GiB, at most an equal share of the machine's memory among the workers and
 * the main thread. V8 grows a heap long before its cap; without a cap sized to the rows, the
 * workers of a large replay held twice the memory they use.
 */
export function workerOldGenerationMb(rows: number, workers: number): number {
    const share = Math.floor(os.totalmem() / 2 ** 20 / (workers + 1));
    return Math.min(share, Math.max(2048, Math.ceil((rows * WORKER_HEAP_BYTES_PER_ROW) / 2 ** 20)));
}

function startWorker(limits: { maxYoungGenerationSizeMb: number; maxOldGenerationSizeMb: number }): Worker {
    const worker = startSourceWorker("parallelWorker", undefined, limits);
    liveWorkers.add(worker);
    worker.once("exit", () => liveWorkers.delete(worker));
    return worker;
}

/** Whether {@link replayParallel} runs these rows on worker threads (else in the calling thread). */
export function usesWorkers(plan: ReplayPlan, rows: readonly ReplayRow[], options: ParallelReplayOptions = {}): boolean {
    return Math.floor(options.workers ?? os.availableParallelism()) > 1 && rows.length >= (options.minRows ?? PARALLEL_MIN_ROWS) && plan.rules.length > 0;
}

/**
 * The worker threads of one parallel replay, started before its rows are read, and even before its
 * rules are known: each starts the KQL parser at once (about half a second), then compiles the
 * plan's rules one by one once {@link ReplayWorkerPool.compile} gives them, until the rows come, so
 * that work overlaps the caller's loading and reading instead of following it. Then
 * {@link ReplayWorkerPool.replay} hands them the rows and the tasks. Stop the pool when it is not
 * used; a replay stops it when it ends.
 */
export class ReplayWorkerPool {
    private readonly workers: Worker[];
    private readonly mode: EvaluationMode;
    private plan: ReplayPlan | undefined;
    private used = false;
    private stopped = false;
    /** A worker's failure before the replay listens to it (its start, the parser's start, compiling ahead). */
    private failure: Error | undefined;

    /**
     * Starts `options.workers` workers (default: the cores of the machine) in `options.mode`, each
     * with its old generation capped for `rows` rows ({@link workerOldGenerationMb}): the rows it
     * will replay or, before they are read, an estimate on the high side; and its young generation
     * sized for `options.likelyRows` ({@link workerYoungGenerationMb}; default `rows`), the rows it
     * will likely replay, as too large a young generation costs time too. Give it the plan with
     * {@link compile} (or at once, as `plan`).
     */
    constructor(rows: number, options: Pick<ParallelReplayOptions, "workers" | "mode"> & { readonly likelyRows?: number } = {}, plan?: ReplayPlan) {
        const count = Math.max(1, Math.floor(options.workers ?? os.availableParallelism()));
        const limits = { maxYoungGenerationSizeMb: workerYoungGenerationMb(options.likelyRows ?? rows), maxOldGenerationSizeMb: workerOldGenerationMb(rows, count) };
        this.mode = options.mode ?? "incremental";
        this.workers = Array.from({ length: count }, () => startWorker(limits));
        for (const w of this.workers) {
            w.once("error", (e) => (this.failure ??= new Error(`a replay worker failed: ${e instanceof Error ? e.message : String(e)}`)));
            w.once("exit", (code) => {
                if (!this.stopped) this.failure ??= new Error(`a replay worker exited (code ${code}) before the replay`);
            });
        }
        if (plan) this.compile(plan);
    }

    /** Gives the workers the plan's rules, which they compile until the rows come; once per pool. */
    compile(plan: ReplayPlan): void {
        if (this.plan) throw new Error("ReplayWorkerPool.compile: the pool has its plan");
        this.plan = plan;
        const ahead = likelyRules(plan, this.workers.length);
        this.workers.forEach((w, i) => w.postMessage({ kind: "rules", rules: plan.rules, ahead: ahead[i], mode: this.mode } satisfies RulesMessage));
    }

    /**
     * Replays the plan over the rows like {@link replay} (identical result) on the pool's workers,
     * then stops them; a pool replays once. Rejects if a worker fails (the error names the rule),
     * or failed before (then the pool is stopped too); rejects without stopping the pool when it
     * has no plan yet.
     */
    async replay(rows: readonly ReplayRow[], from: number, to: number, samples?: readonly MetricSample[], options: Pick<ParallelReplayOptions, "partsPerWorker" | "onEvaluations"> = {}): Promise<ReplayResult> {
        if (this.used) throw new Error("ReplayWorkerPool.replay: a pool replays once");
        const plan = this.plan;
        if (!plan) throw new Error("ReplayWorkerPool.replay: the pool has no plan (ReplayWorkerPool.compile)");
        this.used = true;
        try {
            if (this.failure) throw this.failure;
            // The reader's rows are packed from its parts' columns; other rows object by object.
            const planHubs = new Set(plan.rules.map((r) => r.hub));
            const packedHubs = packedHubsOfParts(rows, planHubs);
            const objectRows = packedHubs ? undefined : rowsByHub(rows);
            const byHub: ReadonlyMap<string, readonly ReplayRow[] | TimeOrderedRows> = objectRows ?? new Map([...(packedHubs ?? [])].map(([hub, packed]) => [hub, packedTimeOrderedRows(packed)]));
            const workers = this.workers.length;
            const parts = options.partsPerWorker !== undefined ? workers * options.partsPerWorker : this.mode === "incremental" ? Math.ceil(workers / plan.rules.length) : workers;
            const perRule = replayTasks(plan, byHub, from, to, parts, this.mode);
            // Largest first, so the last tasks to finish are small ones.
            const queue = perRule.flat().sort((a, b) => b.cost - a.cost);
            if (queue.length === 0) return replay(plan, rows, from, to, samples, this.mode);
            const hubs = [...planHubs].map((hub) => {
                const fromParts = packedHubs?.get(hub);
                if (fromParts) return [hub, { packed: fromParts }] as const;
                const hubRows = objectRows?.get(hub) ?? [];
                const packed = packStoredRows(hubRows) ?? packRows(hubRows);
                return [hub, packed ? { packed } : { rows: hubRows }] as const;
            });
            const results = await runTasks(this.workers.slice(0, Math.max(1, Math.min(this.workers.length, queue.length))), { kind: "rows", hubs }, queue, perRule, plan, options.onEvaluations);
            const entries: [string, Firing[]][] = plan.rules.map((rule, i) => [rule.name, results[i].flat()]);
            if (samples) entries.push(...replayMetricAlerts(plan, samples, from, to));
            return mergeFirings(entries);
        } finally {
            this.stop();
        }
    }

    /** Stops the pool's workers (a replay still running then rejects). */
    stop(): void {
        this.stopped = true;
        for (const w of this.workers) void w.terminate();
    }
}

/**
 * Replays the plan like {@link replay} (same arguments, identical result) on worker threads. Falls
 * back to {@link replay} in this thread when `workers` is 1 or less, there are fewer than
 * `minRows` rows or nothing to evaluate. Rejects if a worker fails (the error names the rule).
 */
export async function replayParallel(plan: ReplayPlan, rows: readonly ReplayRow[], from: number, to: number, samples?: readonly MetricSample[], options: ParallelReplayOptions = {}): Promise<ReplayResult> {
    const mode = options.mode ?? "incremental";
    const onEvaluated = options.onEvaluations ? (): void => options.onEvaluations?.(1) : undefined;
    if (!usesWorkers(plan, rows, options)) return replay(plan, rows, from, to, samples, mode, onEvaluated);
    return new ReplayWorkerPool(rows.length, options, plan).replay(rows, from, to, samples, options);
}

/** Hands the rows to every worker, then the tasks of `queue` one at a time to whichever worker is free; resolves with the firings per rule and part. */
function runTasks(
    pool: readonly Worker[],
    init: RowsMessage,
    queue: ReplayTask[],
    perRule: readonly (readonly ReplayTask[])[],
    plan: ReplayPlan,
    onEvaluations?: (done: number) => void,
): Promise<Firing[][][]> {
    const results = perRule.map((tasks) => new Array<Firing[]>(tasks.length));
    return new Promise((resolve, reject) => {
        const running = new Map<Worker, ReplayTask>();
        let remaining = queue.length;
        let failed = false;
        const fail = (error: Error): void => {
            if (!failed) reject(error);
            failed = true;
        };
        const next = (worker: Worker): void => {
            const task = queue.shift();
            running.delete(worker);
            if (task) {
                running.set(worker, task);
                worker.postMessage({ kind: "task", rule: task.rule, times: task.times } satisfies TaskMessage);
            }
        };
        for (const worker of pool) {
            worker.on("message", (m: ResultMessage) => {
                const task = running.get(worker);
                if (!task || failed) return;
                if (m.kind === "progress") {
                    onEvaluations?.(m.evaluations);
                    return;
                }
                if (m.kind === "error") {
                    const error = new Error(`replay of rule ${plan.rules[task.rule].name} in a worker failed: ${m.message}`);
                    if (m.stack) error.stack = `${error.message}\n${m.stack}`;
                    fail(error);
                    return;
                }
                results[task.rule][task.part] = m.firings;
                if (--remaining === 0) resolve(results);
                else next(worker);
            });
            worker.on("error", (e) => fail(new Error(`a replay worker failed: ${e instanceof Error ? e.message : String(e)}`)));
            worker.on("exit", (code) => {
                if (running.has(worker) && remaining > 0) fail(new Error(`a replay worker exited (code ${code}) before finishing its task`));
            });
            worker.postMessage(init);
            next(worker);
        }
    });
}
