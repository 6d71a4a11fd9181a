/**
 * `sort by` / `order by` and `top N by`: Kusto's default order is descending; nulls come first
 * when ascending and last when descending unless `nulls first|last` says otherwise. The sort is
 * stable, so rows with equal keys keep their input order.
 */
import type { QueryContext, ScalarScope, TabularPlan } from "./context";
import type { IRow } from "./layout";
import { compileScalar } from "./scalar";
import { child, elements, isSerialized, kindName, unsupported, type Node } from "./syntax";
import { compareValues, type EvalValue, type KustoType } from "./values";

import Syn = Kusto.Language.Syntax;

/** One sort key: how to compute it, how to compare two of its non-null values, and in which order. */
interface SortKey {
    readonly fn: (row: IRow, index: number, rows: readonly IRow[]) => EvalValue;
    readonly compare: (a: EvalValue, b: EvalValue) => number;
    readonly descending: boolean;
    readonly nullsFirst: boolean;
}

/** Types whose non-null values are of one kind, which JavaScript's `<` orders as {@link compareValues} does except for NaN. */
const PLAIN_ORDER_TYPES: ReadonlySet<KustoType> = new Set<KustoType>(["string", "long", "int", "datetime", "timespan", "bool"]);

/** {@link compareValues} for values of one of those types: `<`, and NaN (which a datetime or timespan can be, from `bin_at(x, 0s, ...)`) first, as compareValues puts it. */
function plainCompare(a: EvalValue, b: EvalValue): number {
    if (a !== a || b !== b) return compareValues(a, b);
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function sortKey(node: Node, scope: ScalarScope): SortKey {
    let expression = node;
    let descending = true;
    let nullsClause: Syn.OrderingNullsClause | null = null;
    if (kindName(node) === "OrderedExpression") {
        const ordered = node as Syn.OrderedExpression;
        expression = child(ordered.Expression, "sort expression");
        const ordering = ordered.Ordering;
        const direction = ordering?.AscOrDescKeyword?.Text;
        if (direction) descending = direction !== "asc";
        nullsClause = ordering?.NullsClause ?? null;
    }
    const nulls = nullsClause?.FirstOrLastKeyword?.Text;
    const nullsFirst = nulls ? nulls === "first" : !descending;
    const compiled = compileScalar(expression, scope);
    return { fn: compiled.fn, compare: PLAIN_ORDER_TYPES.has(compiled.type) ? plainCompare : compareValues, descending, nullsFirst };
}

/** Sorts rows by the keys (stable); returns a new array. Each key is computed once per row, into a column. */
function sortRows(rows: readonly IRow[], keys: readonly SortKey[]): IRow[] {
    const n = rows.length;
    const columns = keys.map((k) => {
        const column: EvalValue[] = new Array(n);
        for (let i = 0; i < n; i++) column[i] = k.fn(rows[i], i, rows);
        return column;
    });
    const order: number[] = new Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => {
        for (let k = 0; k < keys.length; k++) {
            const column = columns[k];
            const x = column[a];
            const y = column[b];
            if (x === null || y === null) {
                if (x === y) continue;
                return (x === null) === keys[k].nullsFirst ? -1 : 1;
            }
            const c = keys[k].compare(x, y);
            if (c !== 0) return keys[k].descending ? -c : c;
        }
        return a - b;
    });
    const out: IRow[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = rows[order[i]];
    return out;
}

function inputScope(input: TabularPlan, inputNode: Node, q: QueryContext): ScalarScope {
    return { layout: input.layout, query: q, window: { layout: input.layout, serialized: isSerialized(inputNode) } };
}

/** Compiles `sort by` / `order by`. */
export function compileSort(op: Syn.SortOperator, input: TabularPlan, inputNode: Node, q: QueryContext): TabularPlan {
    const scope = inputScope(input, inputNode, q);
    const keys = elements<Node>(op.Expressions).map((e) => sortKey(e, scope));
    return { layout: input.layout, run: () => sortRows(input.run(), keys) };
}

/** Compiles `top N by expr`. */
export function compileTop(op: Syn.TopOperator, input: TabularPlan, inputNode: Node, q: QueryContext): TabularPlan {
    const scope = inputScope(input, inputNode, q);
    const count = compileScalar(child(op.Expression, "row count"), scope);
    if (!count.constant && count.type !== "long" && count.type !== "int") throw unsupported(q.text, op, "the row count of top must be a number");
    const key = sortKey(child(op.ByExpression, "by expression"), scope);
    return {
        layout: input.layout,
        run: () => {
            const n = Number(count.fn(null, 0, []) ?? 0);
            return sortRows(input.run(), [key]).slice(0, Math.max(0, n));
        },
    };
}
