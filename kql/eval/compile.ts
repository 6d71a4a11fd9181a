/**
 * Compiles a whole KQL query (its `let` statements and the final tabular expression) once into
 * closures; the result runs many times with different input tables and `now()`.
 */
import { analyzeKql } from "../kusto";
import { perRun, type Compiled, type QueryContext, type Runtime, type TabularPlan } from "./context";
import { KqlEvalError, KqlQueryError } from "./errors";
import type { OrderedBy, SlidingTable } from "./incremental";
import { ArrayLayout, materialize } from "./layout";
import { compileScalar } from "./scalar";
import { compileTabular } from "./tabular";
import { child, elements, isTabular, kindName, unsupported, type Node } from "./syntax";
import type { EvalColumn, EvalRow, InputRow } from "./values";

import "./aggregates";

/**
 * The input tables of a run, by table name (the detections read `AzureDiagnostics`): rows, or a
 * {@link SlidingTable} that the caller moves between runs, evaluated incrementally.
 */
export type KqlTables = Readonly<Record<string, readonly InputRow[] | SlidingTable>>;

/** Options of one run. */
export interface EvaluateOptions {
    /** The time `now()` and `ago()` are relative to (a `Date` or epoch milliseconds); required, there is no default. */
    readonly now: Date | number;
}

/** The result of a run: the parser's output columns and one object per row. */
export interface EvalResult {
    /** Output columns in order, named and typed as the parser inferred them. */
    readonly columns: readonly EvalColumn[];
    /** Output rows; datetimes are epoch milliseconds, timespans milliseconds (see README). */
    readonly rows: readonly EvalRow[];
}

class QueryCompiler implements QueryContext {
    readonly runtime: Runtime = { now: 0, generation: 0, tables: {}, cacheClearers: [] };
    private readonly scalars = new Map<Kusto.Language.Symbols.Symbol, Compiled>();
    private readonly tables = new Map<Kusto.Language.Symbols.Symbol, TabularPlan>();
    private readonly tableColumns = new Map<Kusto.Language.Symbols.Symbol, OrderedBy>();

    constructor(readonly text: string) {}

    scalarVariable(symbol: Kusto.Language.Symbols.Symbol): Compiled | undefined {
        return this.scalars.get(symbol);
    }

    tabularVariable(symbol: Kusto.Language.Symbols.Symbol): TabularPlan | undefined {
        return this.tables.get(symbol);
    }

    tabular(node: Node): TabularPlan {
        return compileTabular(node, this);
    }

    noteTableColumns(table: string, columns: readonly Kusto.Language.Symbols.ColumnSymbol[]): void {
        for (const c of columns) this.tableColumns.set(c, { table, column: c.Name ?? "" });
    }

    tableColumn(symbol: Kusto.Language.Symbols.Symbol): OrderedBy | undefined {
        return this.tableColumns.get(symbol);
    }

    /** Compiles `let name = expr;`: tabular values are produced once per run; scalar ones are folded when constant, else computed once per run. */
    let(statement: Kusto.Language.Syntax.LetStatement): void {
        const symbol = child(child(statement.Name, "let name").ReferencedSymbol, "let symbol");
        const expr = child(statement.Expression, "let value");
        const kind = kindName(expr);
        if (kind === "FunctionDeclaration") throw unsupported(this.text, expr, "user-defined functions (let f = (...) { ... }) are not implemented");
        if (isTabular(expr)) {
            const plan = this.tabular(expr);
            this.tables.set(symbol, { layout: plan.layout, run: perRun(this.runtime, () => plan.run()), delta: plan.delta });
            return;
        }
        const value = compileScalar(expr, { layout: new ArrayLayout([]), query: this });
        if (value.constant) {
            this.scalars.set(symbol, value);
            return;
        }
        const f = value.fn;
        const get = perRun(this.runtime, () => f(null, 0, []));
        this.scalars.set(symbol, { fn: () => get(), type: value.type, constant: false });
    }
}

/** A query compiled once; {@link CompiledKql.run} evaluates it against tables at a given `now`. Runs are synchronous and must not overlap. */
export class CompiledKql {
    /** The query text. */
    readonly text: string;
    /** The output columns, as the parser inferred them. */
    readonly columns: readonly EvalColumn[];
    private readonly runtime: Runtime;
    private readonly plan: TabularPlan;

    /** Analyzes `text` with Microsoft's parser (refusing it when the parser reports errors) and compiles it. */
    constructor(text: string) {
        const analyzed = analyzeKql(text);
        const errors = analyzed.diagnostics.filter((d) => d.severity === "Error");
        if (errors.length > 0) throw new KqlQueryError(errors);
        const root = analyzed.code.Syntax as Kusto.Language.Syntax.QueryBlock | null;
        if (!root || kindName(root) !== "QueryBlock") throw new KqlEvalError("the evaluator runs queries, not control commands");
        const compiler = new QueryCompiler(text);
        const directives = elements<Kusto.Language.Syntax.SyntaxNode>(root.Directives);
        if (directives.length > 0) throw unsupported(text, directives[0], "directives are not implemented");
        let query: TabularPlan | undefined;
        const statements = elements<Kusto.Language.Syntax.Statement>(root.Statements);
        statements.forEach((s, i) => {
            const kind = kindName(s);
            if (kind === "LetStatement") {
                compiler.let(s as Kusto.Language.Syntax.LetStatement);
            } else if (kind === "ExpressionStatement" && i === statements.length - 1) {
                const expr = child((s as Kusto.Language.Syntax.ExpressionStatement).Expression, "query expression");
                if (!isTabular(expr)) throw unsupported(text, expr, "the query must end in a tabular expression");
                query = compiler.tabular(expr);
            } else {
                throw unsupported(text, s, kind === "ExpressionStatement" ? "only the last statement may be a query" : "the evaluator implements let statements and one query");
            }
        });
        if (!query) throw new KqlEvalError("the query has no tabular expression to evaluate");
        this.text = text;
        this.plan = query;
        this.runtime = compiler.runtime;
        this.columns = query.layout.columns;
    }

    /**
     * Runs the query against `tables` with `now()` bound to `options.now`. Input rows are treated
     * as immutable: results of pure `extend`s are kept per row object and reused when the same
     * object comes again in a later run, so a row must not be changed in place between runs (pass a
     * new object instead).
     */
    run(tables: KqlTables, options: EvaluateOptions): EvalResult {
        const now = typeof options.now === "number" ? options.now : options.now.getTime();
        if (!Number.isFinite(now)) throw new RangeError("evaluateKql: options.now is not a valid time");
        this.runtime.now = now;
        this.runtime.tables = tables;
        this.runtime.generation++;
        try {
            const rows = this.plan.run();
            return { columns: this.columns, rows: materialize(this.plan.layout, rows) };
        } finally {
            this.runtime.tables = {};
            for (const clear of this.runtime.cacheClearers) clear();
        }
    }
}
