/**
 * Compiles tabular expressions: table and `let` references, `datatable`, `print`, `range`, and pipelines of
 * query operators (`where`, `extend`, `project` and its variants, `summarize`, `join`, `sort`,
 * `top`, `take`, `distinct`, `serialize`, `count`). Output columns of every operator are the
 * parser's result columns; anything else is refused with an error naming the operator.
 */
import { kusto } from "../kusto";
import { perRun, type Compiled, type QueryContext, type ScalarFn, type ScalarScope, type TabularPlan } from "./context";
import { KqlRuntimeError } from "./errors";
import { compileExtend } from "./extend";
import { RowwiseDelta, SlidingTable, TableDelta, type OrderedBy } from "./incremental";
import { compileJoin, joinKind } from "./join";
import { ArrayLayout, RenamedLayout, SourceLayout, type IRow } from "./layout";
import { compileScalar, predicate } from "./scalar";
import { compileSort, compileTop } from "./sort";
import { compileSummarize } from "./summarize";
import { checkHintsOnly, child, columnsReadBy, elements, isSerialized, kindName, resultColumns, scalarTypeOf, simpleName, symbolColumns, unsupported, valueOf, type Node } from "./syntax";
import { KeyIndex } from "./keys";
import type { EvalValue } from "./values";

import Syn = Kusto.Language.Syntax;

/** Compiles a tabular expression into a plan. */
export function compileTabular(node: Node, q: QueryContext): TabularPlan {
    const kind = kindName(node);
    switch (kind) {
        case "NameReference":
            return tableReference(node, q);
        case "ParenthesizedExpression":
            return compileTabular(child((node as Syn.ParenthesizedExpression).Expression, "subquery"), q);
        case "MaterializeExpression":
            return compileTabular(child((node as Syn.MaterializeExpression).Expression, "materialized query"), q);
        case "PipeExpression": {
            const pipe = node as Syn.PipeExpression;
            const inputNode = child(pipe.Expression, "pipe input");
            const input = compileTabular(inputNode, q);
            return compileOperator(child(pipe.Operator, "query operator"), input, inputNode, pipe, q);
        }
        case "DataTableExpression":
            return dataTable(node as Syn.DataTableExpression, q);
        case "PrintOperator":
            return print(node as Syn.PrintOperator, q);
        case "RangeOperator":
            return range(node as Syn.RangeOperator, q);
        default:
            throw unsupported(q.text, node, "the evaluator does not implement this tabular expression");
    }
}

function tableReference(node: Node, q: QueryContext): TabularPlan {
    const K = kusto();
    const symbol = node.ReferencedSymbol;
    if (symbol instanceof K.Language.Symbols.TableSymbol) {
        const name = symbol.Name ?? simpleName(node);
        const runtime = q.runtime;
        const table = (): readonly IRow[] | SlidingTable => {
            const rows = runtime.tables[name];
            if (!rows) throw new KqlRuntimeError(`the query reads table ${name}, which was not given to the evaluator`);
            return rows;
        };
        // A sliding table's whole window, once per run, for an operator that reads it whole.
        const windowRows = perRun(runtime, () => (table() as SlidingTable).rows());
        q.noteTableColumns(name, symbolColumns(symbol));
        return {
            layout: new SourceLayout(resultColumns(q.text, node)),
            run: () => {
                const rows = table();
                return rows instanceof SlidingTable ? windowRows() : rows;
            },
            delta: new TableDelta(runtime, table, name),
        };
    }
    if (symbol) {
        const plan = q.tabularVariable(symbol);
        if (plan) return plan;
    }
    throw unsupported(q.text, node, "the evaluator reads tables and tabular let values only");
}

function compileOperator(op: Node, input: TabularPlan, inputNode: Node, outNode: Node, q: QueryContext): TabularPlan {
    const kind = kindName(op);
    switch (kind) {
        case "FilterOperator":
            return where(op as Syn.FilterOperator, input, inputNode, q);
        case "ExtendOperator":
            return compileExtend(elements<Node>((op as Syn.ExtendOperator).Expressions), input, isSerialized(inputNode), outNode, q);
        case "SerializeOperator": {
            checkHintsOnly(q.text, (op as Syn.SerializeOperator).Parameters);
            const exprs = elements<Node>((op as Syn.SerializeOperator).Expressions);
            return exprs.length === 0 ? input : compileExtend(exprs, input, true, outNode, q);
        }
        case "ProjectOperator":
            return project(op as Syn.ProjectOperator, input, inputNode, outNode, q);
        case "ProjectAwayOperator":
        case "ProjectKeepOperator":
        case "ProjectReorderOperator":
            return renamed(input, outNode, new Map(), q);
        case "ProjectRenameOperator":
            return renamed(input, outNode, renames(op as Syn.ProjectRenameOperator, q), q);
        case "SummarizeOperator":
            return compileSummarize(op as Syn.SummarizeOperator, input, inputNode, outNode, q);
        case "JoinOperator":
            return compileJoin(op as Syn.JoinOperator, input, outNode, q);
        case "SortOperator":
            checkHintsOnly(q.text, (op as Syn.SortOperator).Parameters);
            return compileSort(op as Syn.SortOperator, input, inputNode, q);
        case "TopOperator":
            checkHintsOnly(q.text, (op as Syn.TopOperator).Parameters);
            return compileTop(op as Syn.TopOperator, input, inputNode, q);
        case "TakeOperator":
            return take(op as Syn.TakeOperator, input, q);
        case "DistinctOperator":
            return distinct(op as Syn.DistinctOperator, input, outNode, q);
        case "CountOperator": {
            if ((op as Syn.CountOperator).AsIdentifier) throw unsupported(q.text, op, "count as ... is not implemented");
            return { layout: new ArrayLayout(resultColumns(q.text, outNode)), run: () => [[input.run().length]] };
        }
        default:
            throw unsupported(q.text, op, "the evaluator does not implement this query operator");
    }
}

function inputScope(input: TabularPlan, serialized: boolean, q: QueryContext): ScalarScope {
    return { layout: input.layout, query: q, window: { layout: input.layout, serialized } };
}

function where(op: Syn.FilterOperator, input: TabularPlan, inputNode: Node, q: QueryContext): TabularPlan {
    checkHintsOnly(q.text, op.Parameters);
    // Kusto may push a filter below an innerunique join, before the left side is deduplicated, which
    // changes the left rows kept (Microsoft's innerunique page: a filter on a left value always gets
    // the row it names). The evaluator deduplicates first, so it refuses rather than answer otherwise.
    if (kindName(inputNode) === "PipeExpression") {
        const previous = (inputNode as Syn.PipeExpression).Operator;
        if (previous && kindName(previous) === "JoinOperator" && joinKind(previous as Syn.JoinOperator, q) === "innerunique") {
            throw unsupported(q.text, op, "a filter right after an innerunique join (Kusto may apply it before the left side's deduplication); use join kind=inner, or filter before the join");
        }
    }
    const scope = inputScope(input, isSerialized(inputNode), q);
    const test = predicate(compileScalar(child(op.Condition, "condition"), scope));
    const filter = (rows: readonly IRow[], keep: typeof test): IRow[] => {
        const out: IRow[] = [];
        for (let i = 0; i < rows.length; i++) if (keep(rows[i], i, rows)) out.push(rows[i]);
        return out;
    };
    const full: TabularPlan = { layout: input.layout, run: () => filter(input.run(), test) };
    // Incrementally: the conjuncts that depend on the row alone filter the changes once per row; the
    // others (now(), let values of the run) are applied to what they let through at each run. Not on
    // serialized input, where a window function's neighbours are the input's rows.
    if (!input.delta || isSerialized(inputNode)) return full;
    const conjunctNodes = conjunctsOf(child(op.Condition, "condition"));
    const conjuncts = conjunctNodes.map((c) => compileScalar(c, scope));
    const pure = conjuncts.filter((c) => c.pure === true);
    // Each conjunct is tested on its own as `where` tests (=== true): the same answer as their `and`
    // only for bool operands (a dynamic 1 is true inside `and`, not as a condition).
    if (pure.length === 0 || !conjuncts.every((c) => c.type === "bool")) return full;
    const impure = conjunctNodes.filter((_, i) => conjuncts[i].pure !== true);
    // One impure conjunct that bounds a column by a value of the run may be found by binary search (see rangeOf).
    const ranges = impure.map((n) => rangeOf(n, scope, q));
    const r = ranges.findIndex((x) => x !== undefined);
    const range = r < 0 ? undefined : ranges[r];
    const rest = conjuncts.filter((c) => c.pure !== true).map(predicate);
    const others = rest.filter((_, i) => i !== r);
    const tests = pure.map(predicate);
    const node = new RowwiseDelta(q.runtime, input.delta, (row) => (tests.every((t) => t(row, 0, NO_ROWS)) ? row : undefined));
    const active = input.delta;
    const run = (): IRow[] => {
        if (!active.active()) return filter(input.run(), test);
        const kept = node.rows();
        if (range) {
            const order = active.ordered();
            if (order && order.table === range.column.table && order.column === range.column.column) {
                const within = rowsInRange(kept, range);
                return others.length === 0 ? within : filter(within, (row, i, rs) => others.every((t) => t(row, i, rs)));
            }
        }
        return rest.length === 0 ? kept : filter(kept, (row, i, rs) => rest.every((t) => t(row, i, rs)));
    };
    return rest.length === 0 ? { layout: input.layout, run, delta: node } : { layout: input.layout, run };
}

const NO_ROWS: readonly IRow[] = [];

/** A condition `column op bound` on a table's own column, with a bound that reads no row (see {@link rangeOf}). */
interface RangeCondition {
    readonly column: OrderedBy;
    /** Reads the column of a row. */
    readonly read: ScalarFn;
    /** The bound: the same for every row of a run. */
    readonly bound: ScalarFn;
    /** The comparison with the column on the left. */
    readonly op: "<" | "<=" | ">" | ">=";
}

const COMPARISONS: Readonly<Record<string, RangeCondition["op"]>> = {
    LessThanExpression: "<",
    LessThanOrEqualExpression: "<=",
    GreaterThanExpression: ">",
    GreaterThanOrEqualExpression: ">=",
};
const FLIPPED: Readonly<Record<RangeCondition["op"], RangeCondition["op"]>> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

/**
 * A conjunct `Column op bound` or `bound op Column` (op one of `<`, `<=`, `>`, `>=`) on datetimes,
 * where Column is a table's own column (as the parser binds it: not computed or renamed on the way)
 * and the bound reads nothing of the row ({@link columnsReadBy}): on a sliding table whose keys
 * ascend with that column, the rows it keeps are a run of consecutive rows, found by binary search.
 */
function rangeOf(node: Node, scope: ScalarScope, q: QueryContext): RangeCondition | undefined {
    const op = COMPARISONS[kindName(node)];
    if (!op) return undefined;
    const b = node as Syn.BinaryExpression;
    const left = child(b.Left, "left operand");
    const right = child(b.Right, "right operand");
    const columnOf = (e: Node): OrderedBy | undefined => (kindName(e) === "NameReference" && e.ReferencedSymbol ? q.tableColumn(e.ReferencedSymbol) : undefined);
    const onLeft = columnOf(left);
    const column = onLeft ?? columnOf(right);
    const [col, bound] = onLeft ? [left, right] : [right, left];
    if (!column || scalarTypeOf(col) !== "datetime" || scalarTypeOf(bound) !== "datetime" || columnsReadBy(bound)?.size !== 0) return undefined;
    return { column, read: compileScalar(col, scope).fn, bound: compileScalar(bound, scope).fn, op: onLeft ? op : FLIPPED[op] };
}

/** The rows of `rows` (ascending by the condition's column, never null) that meet the condition: a slice found by binary search. */
function rowsInRange(rows: readonly IRow[], c: RangeCondition): IRow[] {
    if (rows.length === 0) return [];
    const bound = c.bound(rows[0], 0, rows);
    // A comparison with null is null, which no row passes.
    if (bound === null) return [];
    const x = bound as number;
    // The first row whose value is at or above x (>=, <) or above x (>, <=).
    const strict = c.op === ">" || c.op === "<=";
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const v = c.read(rows[mid], mid, rows) as number;
        if (strict ? v <= x : v < x) lo = mid + 1;
        else hi = mid;
    }
    return c.op === ">" || c.op === ">=" ? rows.slice(lo) : rows.slice(0, lo);
}

/** The operands of a chain of `and` (through parentheses): `a and (b and c)` gives a, b, c. */
function conjunctsOf(node: Node): Node[] {
    const kind = kindName(node);
    if (kind === "ParenthesizedExpression") return conjunctsOf(child((node as Syn.ParenthesizedExpression).Expression, "parenthesized condition"));
    if (kind === "AndExpression") {
        const b = node as Syn.BinaryExpression;
        return [...conjunctsOf(child(b.Left, "left operand")), ...conjunctsOf(child(b.Right, "right operand"))];
    }
    return [node];
}

function project(op: Syn.ProjectOperator, input: TabularPlan, inputNode: Node, outNode: Node, q: QueryContext): TabularPlan {
    const exprs = elements<Node>(op.Expressions);
    const columns = resultColumns(q.text, outNode);
    if (exprs.length !== columns.length) throw unsupported(q.text, op, `the parser infers ${columns.length} result columns for ${exprs.length} expressions`);
    const K = kusto();
    const plain = exprs.map((e) => valueOf(e)).every((v) => kindName(v) === "NameReference" && v.ReferencedSymbol instanceof K.Language.Symbols.ColumnSymbol);
    if (plain) {
        const sources = new Map(columns.map((c, i) => [c.name, simpleName(valueOf(exprs[i]))] as const));
        return { layout: new RenamedLayout(input.layout, columns, sources), run: () => input.run(), delta: input.delta };
    }
    const scope = inputScope(input, isSerialized(inputNode), q);
    const compiled: Compiled[] = exprs.map((e) => compileScalar(valueOf(e), scope));
    const fns = compiled.map((c) => c.fn);
    const full = (): IRow[] => {
        const rows = input.run();
        const out: IRow[] = new Array(rows.length);
        for (let i = 0; i < rows.length; i++) {
            const values: EvalValue[] = new Array(fns.length);
            for (let j = 0; j < fns.length; j++) values[j] = fns[j](rows[i], i, rows);
            out[i] = values;
        }
        return out;
    };
    if (!input.delta || !compiled.every((c) => c.pure === true)) return { layout: new ArrayLayout(columns), run: full };
    const source = input.delta;
    const node = new RowwiseDelta(q.runtime, source, (row) => fns.map((f) => f(row, 0, NO_ROWS)));
    return { layout: new ArrayLayout(columns), run: () => (source.active() ? node.rows() : full()), delta: node };
}

function renames(op: Syn.ProjectRenameOperator, q: QueryContext): Map<string, string> {
    const map = new Map<string, string>();
    for (const e of elements<Node>(op.Expressions)) {
        if (kindName(e) !== "SimpleNamedExpression") throw unsupported(q.text, e, "project-rename takes NewName = OldName");
        const named = e as Syn.SimpleNamedExpression;
        map.set(simpleName(named.Name), simpleName(child(named.Expression, "renamed column")));
    }
    return map;
}

/** The same rows under the parser's output columns; each reads the input column of the same name unless `sources` renames it. */
function renamed(input: TabularPlan, outNode: Node, sources: ReadonlyMap<string, string>, q: QueryContext): TabularPlan {
    const columns = resultColumns(q.text, outNode);
    const map = new Map(columns.map((c) => [c.name, sources.get(c.name) ?? c.name] as const));
    return { layout: new RenamedLayout(input.layout, columns, map), run: () => input.run(), delta: input.delta };
}

function take(op: Syn.TakeOperator, input: TabularPlan, q: QueryContext): TabularPlan {
    checkHintsOnly(q.text, op.Parameters);
    const count = compileScalar(child(op.Expression, "row count"), { layout: new ArrayLayout([]), query: q });
    return {
        layout: input.layout,
        run: () => input.run().slice(0, Math.max(0, Number(count.fn(null, 0, []) ?? 0))),
    };
}

function distinct(op: Syn.DistinctOperator, input: TabularPlan, outNode: Node, q: QueryContext): TabularPlan {
    checkHintsOnly(q.text, op.Parameters);
    for (const e of elements<Node>(op.Expressions)) {
        const k = kindName(e);
        if (k !== "NameReference" && k !== "StarExpression") throw unsupported(q.text, e, "distinct takes column names or * only");
    }
    const columns = resultColumns(q.text, outNode);
    const layout = new RenamedLayout(input.layout, columns, new Map(columns.map((c) => [c.name, c.name] as const)));
    const readers = columns.map((c) => {
        const a = input.layout.accessor(c.name);
        if (!a) throw unsupported(q.text, op, `column ${c.name} is not in the input`);
        return a;
    });
    return {
        layout,
        run: () => {
            const seen = new KeyIndex<true>(readers.length);
            const out: IRow[] = [];
            const values: EvalValue[] = new Array(readers.length);
            for (const r of input.run()) {
                for (let k = 0; k < readers.length; k++) values[k] = readers[k](r);
                if (!seen.get(values)) {
                    seen.set(values, true);
                    out.push(r);
                }
            }
            return out;
        },
    };
}

function dataTable(node: Syn.DataTableExpression, q: QueryContext): TabularPlan {
    checkHintsOnly(q.text, node.Parameters);
    const columns = resultColumns(q.text, node);
    const scope: ScalarScope = { layout: new ArrayLayout([]), query: q };
    const values = elements<Node>(node.Values).map((v) => {
        const c = compileScalar(v, scope);
        if (!c.constant) throw unsupported(q.text, v, "datatable values must be literals");
        return c.value ?? null;
    });
    const width = columns.length;
    if (width === 0 || values.length % width !== 0) throw unsupported(q.text, node, "the number of values is not a multiple of the number of columns");
    const rows: IRow[] = [];
    for (let i = 0; i < values.length; i += width) {
        rows.push(values.slice(i, i + width).map((v, k) => (v === null && columns[k].type === "string" ? "" : v)));
    }
    return { layout: new ArrayLayout(columns), run: () => rows };
}

function print(node: Syn.PrintOperator, q: QueryContext): TabularPlan {
    const columns = resultColumns(q.text, node);
    const exprs = elements<Node>(node.Expressions);
    if (exprs.length !== columns.length) throw unsupported(q.text, node, `the parser infers ${columns.length} columns for ${exprs.length} expressions`);
    const scope: ScalarScope = { layout: new ArrayLayout([]), query: q };
    const fns = exprs.map((e) => compileScalar(valueOf(e), scope).fn);
    return { layout: new ArrayLayout(columns), run: () => [fns.map((f) => f(null, 0, []))] };
}

/** Most rows `range` produces; a larger range is refused at run time rather than exhausting memory. */
const RANGE_LIMIT = 10_000_000;

/**
 * `range name from start to stop step step`: `start + i * step` for i = 0, 1, ... while the value
 * does not pass `stop` (upwards for a positive step, downwards for a negative one); no rows when the
 * step is zero, null or points away from `stop`. Numbers, datetimes and timespans (all held as numbers).
 */
function range(node: Syn.RangeOperator, q: QueryContext): TabularPlan {
    const columns = resultColumns(q.text, node);
    if (columns.length !== 1 || !["long", "int", "real", "decimal", "datetime", "timespan"].includes(columns[0].type)) {
        throw unsupported(q.text, node, "range over this type is not implemented");
    }
    const scope: ScalarScope = { layout: new ArrayLayout([]), query: q };
    const [from, to, step] = [
        child(node.From, "range start"),
        child(node.To, "range stop"),
        child(node.Step, "range step"),
    ].map((e) => compileScalar(e, scope).fn);
    return {
        layout: new ArrayLayout(columns),
        run: () => {
            const start = from(null, 0, []);
            const stop = to(null, 0, []);
            const by = step(null, 0, []);
            if (typeof start !== "number" || typeof stop !== "number" || typeof by !== "number" || by === 0 || !Number.isFinite(by)) return [];
            if ((stop - start) / by < 0) return [];
            const count = Math.floor((stop - start) / by + 1e-9) + 1;
            if (count > RANGE_LIMIT) throw new KqlRuntimeError(`range ${simpleName(node.Name)} would produce ${count} rows; the evaluator stops at ${RANGE_LIMIT}`);
            const rows: IRow[] = new Array(count);
            for (let i = 0; i < count; i++) rows[i] = [start + i * by];
            return rows;
        },
    };
}
