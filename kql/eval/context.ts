/**
 * The shapes shared by the evaluator's compilers: compiled scalar expressions, tabular plans, the
 * scope an expression is compiled in, and the per-run state compiled closures read.
 *
 * A query is compiled once into closures; each run sets `Runtime.now` and the input tables and
 * bumps `Runtime.generation`, which invalidates the per-run caches of `let` values.
 */
import type { DeltaSource, OrderedBy, SlidingTable } from "./incremental";
import type { IRow, Layout } from "./layout";
import type { Node } from "./syntax";
import type { EvalValue, InputRow, KustoType } from "./values";

/** A compiled scalar expression: reads the row being evaluated; `index` and `rows` locate it in its input rows (for `prev()`, `next()`, `row_number()`). */
export type ScalarFn = (row: IRow, index: number, rows: readonly IRow[]) => EvalValue;

/** A compiled scalar expression with its Kusto type. */
export interface Compiled {
    /** Computes the value for one row. */
    readonly fn: ScalarFn;
    /** The Kusto type the parser inferred for the expression. */
    readonly type: KustoType;
    /** Whether the value is the same for every row and every run (folded at compile time); `false` by default. */
    readonly constant: boolean;
    /** The folded value when `constant` is true. */
    readonly value?: EvalValue;
    /**
     * Whether the value depends only on the row's own columns and constants (not on `now()`, the
     * run's `let` values, subqueries or neighbouring rows), so it can be reused for the same row in
     * a later run; `false` when absent.
     */
    readonly pure?: boolean;
}

/** Mutable state of one run of a compiled query. */
export interface Runtime {
    /** The time `now()` returns during this run (epoch milliseconds). */
    now: number;
    /** Incremented at the start of each run; per-run caches compare it with the generation they were filled in. */
    generation: number;
    /** The input tables of this run, by table name: rows, or a sliding window followed incrementally. */
    tables: Readonly<Record<string, readonly InputRow[] | SlidingTable>>;
    /** Clearers of the per-run caches, called after each run so that no intermediate rows stay referenced. */
    readonly cacheClearers: Array<() => void>;
}

/** A compiled tabular expression: the layout of its rows and how to produce them in the current run. */
export interface TabularPlan {
    /** How the rows are stored and read. */
    readonly layout: Layout;
    /** Produces the rows for the current run (reads the runtime captured at compile time). */
    run(): readonly IRow[];
    /** Present when the plan's rows can be followed by changes from run to run (see incremental.ts). */
    readonly delta?: DeltaSource;
}

/** Where the rows around the current one come from, for window functions. */
export interface WindowScope {
    /** Layout of the elements of `rows` passed to scalar functions. */
    readonly layout: Layout;
    /** Whether those rows are serialized in the parser's model (required by `prev()`, `next()`, `row_number()`). */
    readonly serialized: boolean;
}

/** Receives the aggregate calls of a `summarize` expression and returns a reader of each one's value for a group. */
export interface AggregateSink {
    /** Registers an aggregate call (`count()`, `dcountif(x, p)`, ...) and returns a scalar reading its result from the group's slot row. */
    register(call: Node, scope: ScalarScope): Compiled;
}

/** The query-wide services a compiler needs: the text (for errors), the runtime, `let` bindings and tabular compilation. */
export interface QueryContext {
    /** The query text, for error messages. */
    readonly text: string;
    /** The per-run state read by compiled closures. */
    readonly runtime: Runtime;
    /** The compiled value of a scalar `let` variable, or `undefined` when the symbol is not one. */
    scalarVariable(symbol: Kusto.Language.Symbols.Symbol): Compiled | undefined;
    /** The compiled plan of a tabular `let` variable (cached per run), or `undefined` when the symbol is not one. */
    tabularVariable(symbol: Kusto.Language.Symbols.Symbol): TabularPlan | undefined;
    /** Compiles a tabular expression (a subquery of `in`, `toscalar`, `join`). */
    tabular(node: Node): TabularPlan;
    /** Records the column symbols of a table the query reads, for {@link tableColumn}. */
    noteTableColumns(table: string, columns: readonly Kusto.Language.Symbols.ColumnSymbol[]): void;
    /** The table and name of a column symbol that is a table's own column (read through operators that pass it on unchanged), or `undefined`. */
    tableColumn(symbol: Kusto.Language.Symbols.Symbol): OrderedBy | undefined;
}

/** What a scalar expression is compiled against. */
export interface ScalarScope {
    /** Columns the expression may name, read from the row passed to its function. */
    readonly layout: Layout;
    /** The rows around the current one, when the operator allows window functions. */
    readonly window?: WindowScope;
    /** Query-wide services. */
    readonly query: QueryContext;
    /** Present while compiling `summarize` aggregates: aggregate calls go here. */
    readonly aggregates?: AggregateSink;
}

/** A compiled value that is the same for every row: `constant` is true and `value` holds it. */
export function constant(value: EvalValue, type: KustoType): Compiled {
    return { fn: () => value, type, constant: true, value, pure: true };
}

/** Wraps a computation whose value is fixed for one run (e.g. `ago(1h)`, a tabular `let`) so it is computed once per run. */
export function perRun<T>(runtime: Runtime, compute: () => T): () => T {
    let generation = -1;
    let cached: T | undefined;
    runtime.cacheClearers.push(() => {
        cached = undefined;
        generation = -1;
    });
    return () => {
        if (generation !== runtime.generation) {
            cached = compute();
            generation = runtime.generation;
        }
        return cached as T;
    };
}
