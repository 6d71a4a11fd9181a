/**
 * The backtest: a stack's log search alert rules, as they would be deployed, evaluated by Log
 * Analytics itself over a past span of the workspace's own logs. Each rule runs at each of its
 * evaluation times in `[from, to]` (the replay's times, replay/engine.ts), with its query bound to
 * that time (kql/evaluationTime.ts: `now()` is the time, rows are those of the query range ingested
 * by then); the rows the workspace answers go through the replay's own post-query step (split by
 * resource and dimensions, aggregated, compared, failing periods counted: `firingsOf`), so a
 * backtest and a replay of the same logs give the same firings.
 *
 * Evaluations run a few at a time (`concurrency`), each answered evaluation goes to the checkpoint
 * at once, evaluations a checkpoint already holds are not queried again, and an evaluation whose
 * query hit a limit is kept as a failure (rule, time and the limit), never dropped.
 */
import { bindQueryToEvaluation } from "../kql/evaluationTime";
import { firingsOf, mergeFirings, ruleEvaluationTimes, ruleLookbackMs, type Firing, type ReplayPlan, type ReplayResult, type ReplayRule } from "../replay/engine";
import { evaluationKey, type CheckpointWriter, type EvaluationRecord } from "./checkpoint";
import { QueryRefusedError, type QueryLimit, type QueryOutcome, type WorkspaceQuery } from "./workspace";

/** One evaluation of one rule. */
export interface Evaluation {
    readonly rule: ReplayRule;
    /** The evaluation time (epoch ms). */
    readonly t: number;
}

/** An evaluation whose query hit a limit: what the run reports instead of firings. */
export interface EvaluationFailure {
    readonly rule: string;
    /** The evaluation time (ISO 8601). */
    readonly evaluatedAt: string;
    readonly limit: QueryLimit;
    readonly message: string;
}

/** Every evaluation of the plan's rules in `[from, to]`, rule by rule in plan order, times ascending. */
export function planEvaluationList(plan: ReplayPlan, from: number, to: number): Evaluation[] {
    return plan.rules.flatMap((rule) => ruleEvaluationTimes(rule, from, to).map((t) => ({ rule, t })));
}

/** The request for one evaluation: its rule's query bound to the time, over the rule's query range. */
export function evaluationQuery(e: Evaluation): WorkspaceQuery {
    const rangeStart = e.t - ruleLookbackMs(e.rule);
    return { query: bindQueryToEvaluation(e.rule.resolved.query, { evaluatedAt: e.t, rangeStart }), from: rangeStart, to: e.t };
}

/** Options of {@link runBacktest}. */
export interface BacktestOptions {
    /** The evaluations to answer (see {@link planEvaluationList}). */
    readonly evaluations: readonly Evaluation[];
    /** Runs one query against the workspace (`WorkspaceClient.query`). */
    readonly query: (q: WorkspaceQuery) => Promise<QueryOutcome>;
    /** Most queries in flight at once. */
    readonly concurrency: number;
    /** Evaluations answered by an earlier run, by {@link evaluationKey}: firings are taken from here, not queried again; failures are queried again. */
    readonly done?: ReadonlyMap<string, EvaluationRecord>;
    /** Where each answered evaluation is written as it comes. */
    readonly checkpoint?: CheckpointWriter;
    /** Called after each evaluation answered in this run (for progress). */
    readonly onEvaluated?: () => void;
    /** When set and aborted, no further query starts; the run ends with the queries in flight. */
    readonly signal?: AbortSignal;
}

/** What a backtest found. */
export interface BacktestResult extends ReplayResult {
    /** Evaluations whose query hit a limit, in evaluation order. */
    readonly failures: readonly EvaluationFailure[];
    /** Evaluations taken from the checkpoint, not queried. */
    readonly resumed: number;
    /** Evaluations queried in this run. */
    readonly queried: number;
    /** Evaluations left without an answer because the run was stopped (`signal`); 0 for a run that went through. */
    readonly unanswered: number;
}

/** Runs `tasks` with at most `limit` in flight, in order of start; stops starting new ones once `stop()` says so or a task throws (then rethrows the first error). */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>, stop: () => boolean): Promise<void> {
    let next = 0;
    let failed = false;
    let error: unknown;
    const worker = async (): Promise<void> => {
        while (!failed && !stop() && next < items.length) {
            const item = items[next++];
            try {
                await task(item);
            } catch (e) {
                if (!failed) error = e;
                failed = true;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    if (failed) throw error;
}

/**
 * Answers every evaluation (from the checkpoint, or by a query) and returns the firings sorted as
 * the replay sorts them (by time, then rule; a rule's firings at one time in the order of its
 * query's rows), per-rule counts, and the evaluations that hit a limit.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
    // Evaluations the checkpoint answered with firings are taken as they are; those it holds as failures are asked again.
    const done = options.done ?? new Map<string, EvaluationRecord>();
    const answered = new Map<string, EvaluationRecord>();
    const todo: Evaluation[] = [];
    for (const e of options.evaluations) {
        const key = evaluationKey(e.rule.name, e.t);
        const previous = done.get(key);
        if (previous && "firings" in previous) answered.set(key, previous);
        else todo.push(e);
    }
    const resumed = answered.size;
    await pool(
        todo,
        options.concurrency,
        async (e) => {
            let outcome: Awaited<ReturnType<BacktestOptions["query"]>>;
            try {
                outcome = await options.query(evaluationQuery(e));
            } catch (error) {
                // A refused query stops the run naming the evaluation it came from.
                if (error instanceof QueryRefusedError) error.message = `${e.rule.name} at ${new Date(e.t).toISOString()}: ${error.message}`;
                throw error;
            }
            const record: EvaluationRecord =
                outcome.kind === "rows" ? { rule: e.rule.name, t: e.t, firings: firingsOf(e.rule, outcome.rows, e.t) } : { rule: e.rule.name, t: e.t, failed: { limit: outcome.limit, message: outcome.message } };
            answered.set(evaluationKey(e.rule.name, e.t), record);
            options.checkpoint?.append(record);
            options.onEvaluated?.();
        },
        () => options.signal?.aborted === true,
    );
    const perRule = new Map<string, Firing[]>();
    const failures: EvaluationFailure[] = [];
    for (const e of options.evaluations) {
        const list = perRule.get(e.rule.name) ?? [];
        perRule.set(e.rule.name, list);
        const record = answered.get(evaluationKey(e.rule.name, e.t));
        if (!record) continue;
        if ("firings" in record) list.push(...record.firings);
        else failures.push({ rule: record.rule, evaluatedAt: new Date(record.t).toISOString(), ...record.failed });
    }
    return { ...mergeFirings(perRule), failures, resumed, queried: answered.size - resumed, unanswered: options.evaluations.length - answered.size };
}
