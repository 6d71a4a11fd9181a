/**
 * The replay engine: evaluates a stack's alert rules over exported logs as Azure Monitor would.
 * Each enabled detection of each hub runs at each of its evaluation times across the span, with
 * `now()` bound to that time, over the rows visible by then (ingested) whose `TimeGenerated`
 * falls in the rule's query range; the results are split by the resource-id column and the
 * dimensions, aggregated, compared with the threshold and counted over the failing periods.
 * The connected-devices drop alert is evaluated the same way over metric samples.
 *
 * The engine imports the components for their types only: a replay worker loads it (and the
 * evaluator) without `@pulumi/pulumi`. Which rules a stack has is decided in plan.ts.
 */
import { compileKql, SlidingTable, type CompiledKql, type EvalRow } from "../kql/eval";
import type { DropAlertCondition } from "../components/connectedDevicesAlert";
import type { ResolvedDetectionRule } from "../components/detectionRule";
import { parseIsoDuration } from "../azure/durations";
import type { ConditionOperator, Symptom, TimeAggregation } from "../queries/detection";
import { timeOrderedRows, type MetricSample, type ReplayRow, type TimeOrderedRows } from "./logs";
import { stableTimeOrder } from "./timeOrder";

/** One evaluation at which a rule's condition held for one time series: what the replay prints. */
export interface Firing {
    /** The rule's name (the Pulumi resource name the program gives it). */
    readonly rule: string;
    readonly symptom: Symptom;
    /** The evaluation time (ISO 8601). */
    readonly evaluatedAt: string;
    /** The resource the alert targets: the hub's resource id as the logs carry it. */
    readonly resourceId: string;
    /** The aggregated measure of the most recent evaluation period with data. */
    readonly value: number;
    /** The dimension values of the time series. */
    readonly dimensions: Readonly<Record<string, string>>;
}

/** A log search alert rule of the stack, ready to replay. */
export interface ReplayRule {
    readonly name: string;
    /** Lower-cased hub resource id. */
    readonly hub: string;
    readonly resolved: ResolvedDetectionRule;
}

/** A connected-devices drop alert of the stack, ready to replay. */
export interface ReplayMetricAlert {
    readonly name: string;
    /** Lower-cased hub resource id. */
    readonly hub: string;
    readonly condition: DropAlertCondition;
}

/** The rules of a stack as the program would create them. */
export interface ReplayPlan {
    readonly rules: readonly ReplayRule[];
    readonly metricAlerts: readonly ReplayMetricAlert[];
    /** Lower-cased ids of the stack's hubs. */
    readonly hubs: readonly string[];
}

/** Evaluation times of a rule running every `frequencyMs`: the multiples of the frequency (from the epoch) in `[from, to]`. */
export function evaluationTimes(from: number, to: number, frequencyMs: number): number[] {
    const out: number[] = [];
    for (let t = Math.ceil(from / frequencyMs) * frequencyMs; t <= to; t += frequencyMs) out.push(t);
    return out;
}

/** Whether `value` meets `operator threshold`. */
export function meets(operator: ConditionOperator | "LessThan", value: number, threshold: number): boolean {
    switch (operator) {
        case "GreaterThan":
            return value > threshold;
        case "GreaterThanOrEqual":
            return value >= threshold;
        case "LessThan":
            return value < threshold;
        case "LessThanOrEqual":
            return value <= threshold;
        case "Equals":
            return value === threshold;
    }
}

/** Aggregates a time series' measures over one period as the rule's time aggregation does. */
export function aggregate(aggregation: TimeAggregation, values: readonly number[]): number {
    switch (aggregation) {
        case "Count":
            return values.length;
        case "Total":
            return values.reduce((a, b) => a + b, 0);
        case "Average":
            return values.reduce((a, b) => a + b, 0) / values.length;
        case "Minimum":
            return minOf(values);
        case "Maximum":
            return maxOf(values);
    }
}

/** Smallest of `values` (Infinity when empty), in a loop: `Math.min(...values)` overflows the call stack past about 120,000 values. */
export function minOf(values: readonly number[]): number {
    let min = Infinity;
    for (const v of values) if (v < min) min = v;
    return min;
}

/** Largest of `values` (-Infinity when empty), in a loop for the same reason as {@link minOf}. */
export function maxOf(values: readonly number[]): number {
    let max = -Infinity;
    for (const v of values) if (v > max) max = v;
    return max;
}

/**
 * The span a replay covers when the command line does not bound it: from the earliest row's time to the
 * latest time a row becomes visible (its arrival), each replaced by `from`/`to` when given; 0..0 for no rows.
 */
export function replaySpan(rows: readonly ReplayRow[], from?: number, to?: number): { start: number; end: number } {
    let first = Infinity;
    let last = -Infinity;
    for (const r of rows) {
        if (r.time < first) first = r.time;
        if (r.visibleAt > last) last = r.visibleAt;
    }
    return { start: from ?? (rows.length ? first : 0), end: to ?? (rows.length ? last : 0) };
}

/** Index of the first of `rows` (sorted by time) whose `time` is at or after `time`; `rows.length` if none. */
export function lowerBound(rows: readonly ReplayRow[] | TimeOrderedRows, time: number): number {
    const at = isRowArray(rows) ? (i: number): number => rows[i].time : (i: number): number => rows.time[i];
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (at(mid) < time) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

function isRowArray(rows: readonly ReplayRow[] | TimeOrderedRows): rows is readonly ReplayRow[] {
    return Array.isArray(rows);
}

/** Rows sorted by time as the rule replays read them: row objects are read through {@link timeOrderedRows}. */
function ordered(rows: readonly ReplayRow[] | TimeOrderedRows): TimeOrderedRows {
    return isRowArray(rows) ? timeOrderedRows(rows) : rows;
}

function ms(duration: string): number {
    return (parseIsoDuration(duration) ?? 0) * 1000;
}

/** Evaluation times of a log search alert rule in `[from, to]`, as {@link replayRule} runs it. */
export function ruleEvaluationTimes(rule: ReplayRule, from: number, to: number): number[] {
    return evaluationTimes(from, to, ms(rule.resolved.evaluationFrequency));
}

/** The evaluations of the plan's log search alert rules in `[from, to]`: the work a replay's progress counts. */
export function planEvaluations(plan: ReplayPlan, from: number, to: number): number {
    return plan.rules.reduce((n, rule) => n + ruleEvaluationTimes(rule, from, to).length, 0);
}

/** How far back (ms) from an evaluation time a rule's query reads rows: the window times the evaluation periods. */
export function ruleLookbackMs(rule: ReplayRule): number {
    return ms(rule.resolved.windowSize) * rule.resolved.failingPeriods.numberOfEvaluationPeriods;
}

/** Sorts rows by `TimeGenerated` (equal times in their order) and groups them by lower-cased hub id. */
export function rowsByHub(rows: readonly ReplayRow[]): Map<string, ReplayRow[]> {
    const out = new Map<string, ReplayRow[]>();
    const lowered = new Map<string, string>();
    // Times and hubs are read in the rows' order (memory order), then the rows are taken in time order.
    const n = rows.length;
    const times = new Float64Array(n);
    const hubOf = new Int32Array(n);
    const lists: ReplayRow[][] = [];
    const listOf = new Map<string, number>();
    for (let i = 0; i < n; i++) {
        const r = rows[i];
        times[i] = r.time;
        const id = r.hub ?? String(r.row._ResourceId);
        let hub = lowered.get(id);
        if (hub === undefined) lowered.set(id, (hub = id.toLowerCase()));
        let list = listOf.get(hub);
        if (list === undefined) {
            listOf.set(hub, (list = lists.length));
            const rowsOfHub: ReplayRow[] = [];
            out.set(hub, rowsOfHub);
            lists.push(rowsOfHub);
        }
        hubOf[i] = list;
    }
    const order = stableTimeOrder(times);
    for (let k = 0; k < n; k++) lists[hubOf[order[k]]].push(rows[order[k]]);
    return out;
}

/**
 * How a rule's evaluations are computed: `full` runs the query over each evaluation's whole window;
 * `incremental` moves one window from evaluation to evaluation ({@link replayRuleIncremental}).
 * Both give identical firings; incremental is the default, full is the reference.
 */
export type EvaluationMode = "full" | "incremental";

/**
 * Replays one log search alert rule over one hub's rows (sorted by time) at each evaluation time
 * in `[from, to]`. `compiled` may be passed to reuse a compiled query.
 */
export function replayRule(
    rule: ReplayRule,
    rows: readonly ReplayRow[] | TimeOrderedRows,
    from: number,
    to: number,
    compiled: CompiledKql = compileKql(rule.resolved.query),
    mode: EvaluationMode = "incremental",
    onEvaluated?: () => void,
): Firing[] {
    return replayRuleTimes(rule, rows, ruleEvaluationTimes(rule, from, to), compiled, mode, onEvaluated);
}

/** Replays one rule at the given ascending evaluation times, in the given mode: {@link replayRuleAt} or {@link replayRuleIncremental}. */
export function replayRuleTimes(
    rule: ReplayRule,
    rows: readonly ReplayRow[] | TimeOrderedRows,
    times: readonly number[],
    compiled: CompiledKql = compileKql(rule.resolved.query),
    mode: EvaluationMode = "incremental",
    onEvaluated?: () => void,
): Firing[] {
    return mode === "full" ? replayRuleAt(rule, rows, times, compiled, onEvaluated) : replayRuleIncremental(rule, rows, times, compiled, onEvaluated);
}

/**
 * Replays one log search alert rule over one hub's rows (sorted by time) at the given evaluation
 * times, in order: {@link replayRule} over a slice of {@link ruleEvaluationTimes} (how the parallel
 * replay splits a rule's work). `compiled` may be passed to reuse a compiled query.
 */
export function replayRuleAt(rule: ReplayRule, rows: readonly ReplayRow[] | TimeOrderedRows, times: readonly number[], compiled: CompiledKql = compileKql(rule.resolved.query), onEvaluated?: () => void): Firing[] {
    const lookback = ruleLookbackMs(rule);
    const firings: Firing[] = [];
    const byTime = ordered(rows);
    for (const t of times) {
        const start = lowerBound(byTime, t - lookback);
        const end = lowerBound(byTime, t);
        const visible: ReplayRow["row"][] = [];
        for (let i = start; i < end; i++) if (byTime.visibleAt[i] <= t) visible.push(byTime.row(i));
        firings.push(...firingsOf(rule, compiled.run({ AzureDiagnostics: visible }, { now: t }).rows, t));
        onEvaluated?.();
    }
    return firings;
}

/**
 * Replays one log search alert rule like {@link replayRuleAt}, with identical firings, evaluating
 * incrementally: the rule's window is a {@link SlidingTable} moved from one evaluation time to the
 * next (rows that became visible added, rows older than the lookback dropped), so the per-row
 * parts of the query and its decomposable aggregations are computed once per row instead of once
 * per evaluation. `times` must be ascending.
 */
export function replayRuleIncremental(rule: ReplayRule, rows: readonly ReplayRow[] | TimeOrderedRows, times: readonly number[], compiled: CompiledKql = compileKql(rule.resolved.query), onEvaluated?: () => void): Firing[] {
    const window = new SlidingWindow(rows, ruleLookbackMs(rule));
    const firings: Firing[] = [];
    for (const t of times) {
        firings.push(...firingsOf(rule, compiled.run({ AzureDiagnostics: window.moveTo(t) }, { now: t }).rows, t));
        onEvaluated?.();
    }
    return firings;
}

/** Each row set's positions in the order the rows become visible, computed once for the windows of every rule over it. */
const visibilityOrders = new WeakMap<TimeOrderedRows, Int32Array>();

/** The positions of `rows` by the time each becomes visible (ties by position); shared, not to be changed. */
function visibilityOrder(rows: TimeOrderedRows): Int32Array {
    let order = visibilityOrders.get(rows);
    if (!order) visibilityOrders.set(rows, (order = stableTimeOrder(rows.visibleAt)));
    return order;
}

/**
 * The rows a query evaluated at `t` sees, `[t - lookback, t)` by `TimeGenerated` and ingested by
 * `t`, kept as a {@link SlidingTable} that moves forward from one evaluation time to the next:
 * rows that came into the range or became visible are added, rows older than the range dropped.
 * Keys are the rows' positions in `rows` (sorted by time).
 */
export class SlidingWindow {
    /** The window's table: it keeps keys only and builds a row again when an operator reads the whole window; its keys ascend with `TimeGenerated`. */
    readonly table: SlidingTable;
    private readonly rows: TimeOrderedRows;
    /** Row positions by the time the rows become visible, so each late row is added when its time comes. */
    private readonly byVisibility: Int32Array;
    private nextVisible = 0;
    private previous: number | undefined;
    private previousEnd = 0;

    constructor(
        rows: readonly ReplayRow[] | TimeOrderedRows,
        private readonly lookback: number,
    ) {
        const byTime = (this.rows = ordered(rows));
        // Keys are positions in time order: a filter on TimeGenerated by a time of the run is a binary search.
        this.table = new SlidingTable((key) => byTime.row(key), { ascending: "TimeGenerated" });
        this.byVisibility = visibilityOrder(byTime);
    }

    /** Moves the window to end at `t` (after every earlier `t`) and returns its table. */
    moveTo(t: number): SlidingTable {
        const { rows, byVisibility } = this;
        const visibleAt = rows.visibleAt;
        if (this.previous !== undefined && t <= this.previous) throw new RangeError("SlidingWindow: evaluation times must be ascending");
        const start = lowerBound(rows, t - this.lookback);
        const end = lowerBound(rows, t);
        const added: number[] = [];
        // Rows that came into the time range since the previous evaluation, visible now.
        for (let i = Math.max(start, this.previousEnd); i < end; i++) if (visibleAt[i] <= t) added.push(i);
        // Rows already in the time range that became visible since then.
        let late = false;
        for (; this.nextVisible < byVisibility.length && visibleAt[byVisibility[this.nextVisible]] <= t; this.nextVisible++) {
            const i = byVisibility[this.nextVisible];
            if (this.previous !== undefined && i >= start && i < this.previousEnd) {
                added.push(i);
                late = true;
            }
        }
        if (late) added.sort((a, b) => a - b);
        this.table.advance(start, added, added.map((i) => rows.row(i)));
        this.previous = t;
        this.previousEnd = end;
        return this.table;
    }
}

/**
 * The firings of one evaluation at `t` of a rule whose query returned `rows`: the rows split into
 * time series by the resource-id column and the dimensions (binned by period when there are
 * several), aggregated, compared with the threshold and counted over the failing periods.
 */
export function firingsOf(rule: ReplayRule, rows: readonly EvalRow[], t: number): Firing[] {
    const r = rule.resolved;
    const d = r.detection;
    const window = ms(r.windowSize);
    const periods = r.failingPeriods.numberOfEvaluationPeriods;
    const firings: Firing[] = [];
    const series = new Map<string, { resourceId: string; dimensions: Record<string, string>; byPeriod: number[][] }>();
    for (const row of rows) {
        let period = 0;
        if (periods > 1) {
            // Period k covers [t - (k + 1) * window, t - k * window): a bin starting exactly one window back is the latest period.
            const at = Number(row[d.timeColumn ?? "TimeGenerated"]);
            period = Math.ceil((t - at) / window) - 1;
            if (!(period >= 0 && period < periods)) continue;
        }
        const resourceId = String(row[d.resourceIdColumn] ?? "");
        const dimensions = Object.fromEntries(d.dimensions.map((name) => [name, String(row[name] ?? "")]));
        const key = JSON.stringify([resourceId, ...d.dimensions.map((n) => dimensions[n])]);
        let s = series.get(key);
        if (!s) series.set(key, (s = { resourceId, dimensions, byPeriod: Array.from({ length: periods }, () => []) }));
        const measure = d.timeAggregation === "Count" ? 1 : Number(row[d.measureColumn]);
        if (Number.isFinite(measure)) s.byPeriod[period].push(measure);
    }
    for (const s of series.values()) {
        const values = s.byPeriod.map((v) => (v.length === 0 ? undefined : aggregate(d.timeAggregation, v)));
        const failing = values.filter((v) => v !== undefined && meets(d.operator, v, r.threshold)).length;
        if (failing >= r.failingPeriods.minFailingPeriodsToAlert) {
            const latest = values.find((v) => v !== undefined) ?? 0;
            firings.push({ rule: rule.name, symptom: d.symptom, evaluatedAt: new Date(t).toISOString(), resourceId: s.resourceId, value: latest, dimensions: s.dimensions });
        }
    }
    return firings;
}

/** Replays one drop alert over one hub's `connectedDeviceCount` samples at each evaluation time in `[from, to]`; no samples in a window is no data (no firing). */
export function replayMetricAlert(alert: ReplayMetricAlert, samples: readonly MetricSample[], from: number, to: number): Firing[] {
    const c = alert.condition;
    const window = ms(c.windowSize);
    const firings: Firing[] = [];
    for (const t of evaluationTimes(from, to, ms(c.evaluationFrequency))) {
        const inWindow = samples.filter((s) => s.time >= t - window && s.time < t);
        if (inWindow.length === 0) continue;
        const value = c.timeAggregation === "Minimum" ? minOf(inWindow.map((s) => s.minimum)) : aggregate("Average", inWindow.map((s) => s.average));
        if (meets(c.operator, value, c.threshold)) {
            firings.push({ rule: alert.name, symptom: 3, evaluatedAt: new Date(t).toISOString(), resourceId: alert.hub, value, dimensions: {} });
        }
    }
    return firings;
}

/** The span of the replay and per-rule counts. */
export interface ReplayResult {
    readonly firings: Firing[];
    /** Firings per rule name (every planned rule listed, zero included). */
    readonly perRule: Map<string, number>;
}

/**
 * Collects the firings of each rule, given per rule name in plan order (log search alerts, then
 * drop alerts), into a {@link ReplayResult}: firings sorted by time, then rule (a stable sort, so
 * a rule's firings at one time keep their order).
 */
export function mergeFirings(perRuleFirings: Iterable<readonly [string, readonly Firing[]]>): ReplayResult {
    const firings: Firing[] = [];
    const perRule = new Map<string, number>();
    for (const [name, f] of perRuleFirings) {
        perRule.set(name, f.length);
        firings.push(...f);
    }
    firings.sort((a, b) => (a.evaluatedAt < b.evaluatedAt ? -1 : a.evaluatedAt > b.evaluatedAt ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
    return { firings, perRule };
}

/** Replays the plan's drop alerts over the samples (each alert over its hub's samples sorted by time); one entry per alert, in plan order. */
export function replayMetricAlerts(plan: ReplayPlan, samples: readonly MetricSample[], from: number, to: number): [string, Firing[]][] {
    return plan.metricAlerts.map((alert) => [alert.name, replayMetricAlert(alert, samples.filter((s) => s.hub === alert.hub).sort((a, b) => a.time - b.time), from, to)]);
}

/**
 * Replays every rule of the plan over the rows (and the drop alerts over the samples, when given)
 * across `[from, to]` in this thread; firings sorted by time, then rule. `mode` chooses how each
 * rule's evaluations are computed (identical firings either way); `onEvaluated` is called after
 * each evaluation of a log search alert rule (for progress).
 */
export function replay(plan: ReplayPlan, rows: readonly ReplayRow[], from: number, to: number, samples?: readonly MetricSample[], mode: EvaluationMode = "incremental", onEvaluated?: () => void): ReplayResult {
    const byHub = rowsByHub(rows);
    const perRule: [string, Firing[]][] = plan.rules.map((rule) => [rule.name, replayRule(rule, byHub.get(rule.hub) ?? [], from, to, undefined, mode, onEvaluated)]);
    if (samples) perRule.push(...replayMetricAlerts(plan, samples, from, to));
    return mergeFirings(perRule);
}
