/**
 * A KQL evaluator for the queries of this package's detections, built on the syntax trees and
 * semantic model of Microsoft's parser (`@kusto/language-service-next`). Output column names and
 * types are the parser's; anything the evaluator does not implement is refused with an error
 * naming the construct, never answered approximately. Differences from Azure are listed in the
 * README ("KQL evaluator").
 *
 * Compile once, run many times:
 * ```ts
 * const q = compileKql(text);
 * const result = q.run({ AzureDiagnostics: rows }, { now: new Date("2026-11-22T05:00:00Z") });
 * ```
 */
import { CompiledKql, type EvaluateOptions, type EvalResult, type KqlTables } from "./compile";

export { CompiledKql, type EvaluateOptions, type EvalResult, type KqlTables } from "./compile";
export { KqlEvalError, KqlQueryError, KqlRuntimeError, KqlUnsupportedError, type KqlSpan } from "./errors";
export { clearParseJsonCache } from "./json";
export { SlidingTable } from "./incremental";
export { aggregateNames } from "./aggregates";
export { INGESTION_TIME_KEY, SCALAR_FUNCTIONS } from "./functions";
export {
    formatDateTime,
    formatKqlValue,
    formatTimespan,
    parseDateTime,
    parseTimespan,
    type DynamicValue,
    type EvalColumn,
    type EvalRow,
    type EvalValue,
    type InputRow,
    type InputValue,
    type KustoType,
} from "./values";

/** Most compiled queries {@link evaluateKql} keeps (default 64); past it the cache starts over. */
const CACHE_LIMIT = 64;
const compiledCache = new Map<string, CompiledKql>();

/** Analyzes and compiles a query once (refusing parser errors and unsupported constructs); run it with {@link CompiledKql.run}. */
export function compileKql(text: string): CompiledKql {
    return new CompiledKql(text);
}

/**
 * Evaluates `text` against `tables` with `now()` bound to `options.now`. Compiled queries are
 * cached by text, so calling this repeatedly with the same query compiles it once.
 */
export function evaluateKql(text: string, tables: KqlTables, options: EvaluateOptions): EvalResult {
    let compiled = compiledCache.get(text);
    if (!compiled) {
        compiled = compileKql(text);
        if (compiledCache.size >= CACHE_LIMIT) compiledCache.clear();
        compiledCache.set(text, compiled);
    }
    return compiled.run(tables, options);
}
