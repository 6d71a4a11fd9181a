/**
 * Worker thread of the parallel replay (replay/parallel.ts): receives the rules, which it compiles
 * while the rows are being read, then the hubs' rows once, packed in columns, then runs tasks,
 * each a rule at a run of its evaluation times, and answers each with its firings. Incrementally
 * (the default) a task moves one window along its times, reading times from the packed columns
 * and building each row object as the row enters the window (rowStore.ts), so a worker holds no
 * object per row, and row objects only as the window's state needs them; in full mode the row
 * objects are rebuilt once and kept for every task, so the evaluator's per-row caches carry over
 * between tasks. Each rule is compiled once per worker, ahead of the rows when it can.
 */
import { parentPort } from "worker_threads";
import { compileKql, type CompiledKql } from "../kql/eval";
import { replayRuleTimes, type EvaluationMode, type Firing, type ReplayRule } from "./engine";
import type { ReplayRow, TimeOrderedRows } from "./logs";
import { unpackRows, type PackedRows } from "./packedRows";
import { packedTimeOrderedRows } from "./rowStore";

/** First message: the plan's log search alert rules, which the worker compiles while the rows are being read. */
export interface RulesMessage {
    readonly kind: "rules";
    readonly rules: readonly ReplayRule[];
    /** The rules (indices) this worker will likely run, which it compiles ahead, in this order; the others are compiled when a task needs them. */
    readonly ahead: readonly number[];
    /** How each task's evaluations are computed. */
    readonly mode: EvaluationMode;
}

/** Second message: each hub's rows (sorted by time), packed or as row objects. */
export interface RowsMessage {
    readonly kind: "rows";
    readonly hubs: readonly (readonly [string, { readonly packed: PackedRows } | { readonly rows: ReplayRow[] }])[];
}

/** One task: rule `rule` (index into the rules) at `times`; a worker has one task at a time. */
export interface TaskMessage {
    readonly kind: "task";
    readonly rule: number;
    readonly times: readonly number[];
}

/** A worker's answer to a task. */
export type ResultMessage =
    | { readonly kind: "done"; readonly firings: Firing[] }
    | { readonly kind: "progress"; readonly evaluations: number }
    | { readonly kind: "error"; readonly message: string; readonly stack?: string };

/** A worker reports the evaluations it has done at most this often (ms). */
const PROGRESS_EVERY_MS = 250;

if (!parentPort) throw new Error("replay/parallelWorker.ts runs only as a worker thread");
const port = parentPort;
let rules: readonly ReplayRule[] = [];
let mode: EvaluationMode = "incremental";
const rowsOfHub = new Map<string, readonly ReplayRow[] | TimeOrderedRows>();
/**
 * Each rule compiled, or the error compiling it gave (reported with the rule's first task). After an
 * incremental task the rule's entry is dropped, and with it the state its evaluation kept (groups,
 * row objects of the window): a worker holds one rule's state at a time. A later run of the same
 * rule (a rule cut into runs) compiles it again.
 */
const compiled: (CompiledKql | Error | undefined)[] = [];

function compileRule(rule: ReplayRule): CompiledKql | Error {
    try {
        return compileKql(rule.resolved.query);
    } catch (e) {
        return e instanceof Error ? e : new Error(String(e));
    }
}

/**
 * Started before the rules come (ReplayWorkerPool), the worker starts the KQL parser meanwhile:
 * its first analysis of a query costs about half a second whatever the query (the parser's own
 * tables), which this query pays while the caller is still loading the rules.
 */
const WARM_UP_QUERY = 'AzureDiagnostics | where Category == "Connections" | extend DeviceId = tostring(parse_json(properties_s).deviceId) | summarize count() by DeviceId, bin(TimeGenerated, 5m)';
setImmediate(() => {
    if (rules.length > 0) return;
    try {
        compileKql(WARM_UP_QUERY);
    } catch {
        // Only a warm-up: a parser that fails here fails again on the rules, whose errors name them.
    }
});

/** Whether the rows have come: compiling ahead stops then (tasks compile what they need). */
let rowsCame = false;

/**
 * Compiles the rules of `ahead` from position `next` on, one per turn of the event loop, while the
 * rows are being read; stops when they come (tasks compile what they need).
 */
function compileAhead(ahead: readonly number[], next: number): void {
    if (rowsCame || next >= ahead.length) return;
    compiled[ahead[next]] ??= compileRule(rules[ahead[next]]);
    setImmediate(() => compileAhead(ahead, next + 1));
}

port.on("message", (message: RulesMessage | RowsMessage | TaskMessage) => {
    if (message.kind === "rules") {
        rules = message.rules;
        mode = message.mode;
        compileAhead(message.ahead, 0);
        return;
    }
    if (message.kind === "rows") {
        rowsCame = true;
        // Full evaluation keeps row objects (the evaluator's per-row caches carry over); incremental builds them as they enter a window.
        for (const [hub, data] of message.hubs) rowsOfHub.set(hub, "packed" in data ? (mode === "full" ? unpackRows(data.packed) : packedTimeOrderedRows(data.packed)) : data.rows);
        return;
    }
    try {
        const rule = rules[message.rule];
        const query = compiled[message.rule] ?? compileRule(rule);
        if (query instanceof Error) throw query;
        compiled[message.rule] = mode === "incremental" ? undefined : query;
        let done = 0;
        let last = Date.now();
        const onEvaluated = (): void => {
            done++;
            if (Date.now() - last < PROGRESS_EVERY_MS) return;
            port.postMessage({ kind: "progress", evaluations: done } satisfies ResultMessage);
            done = 0;
            last = Date.now();
        };
        const firings = replayRuleTimes(rule, rowsOfHub.get(rule.hub) ?? [], message.times, query, mode, onEvaluated);
        if (done > 0) port.postMessage({ kind: "progress", evaluations: done } satisfies ResultMessage);
        port.postMessage({ kind: "done", firings } satisfies ResultMessage);
    } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        port.postMessage({ kind: "error", message: `${error.name}: ${error.message}`, stack: error.stack } satisfies ResultMessage);
    }
});
