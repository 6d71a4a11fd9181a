/**
 * `sort by` / `order by` and `top N by`: Kusto's default order is descending; nulls come first
 * when ascending and last when descending unless `nulls first|last` says otherwise. The sort is
 * stable, so rows with equal keys keep their input order.
 */
import type { QueryContext, ScalarScope, TabularPlan } from "./context";
import type { IRow } from "./layout";
import { compileScalar } from "./scalar";
import { child, elements, isSerialized, kindName, unsupported, type Node } from "./syntax";
import { compareValues, type EvalValue } from "./values";

import Syn = Kusto.Language.Syntax;

/** One sort key: how to compute it and in which order. */
interface SortKey {
    readonly fn: (row: IRow, index: number, rows: readonly IRow[]) => EvalValue;
    readonly descending: boolean;
    readonly nullsFirst: boolean;
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
    return { fn: compileScalar(expression, scope).fn, descending, nullsFirst };
}

/** Sorts rows by the keys (stable); returns a new array. */
function sortRows(rows: readonly IRow[], keys: readonly SortKey[]): IRow[] {
    const values = rows.map((r, i) => keys.map((k) => k.fn(r, i, rows)));
    const order = rows.map((_, i) => i);
    order.sort((a, b) => {
        const va = values[a];
        const vb = values[b];
        for (let k = 0; k < keys.length; k++) {
            const x = va[k];
            const y = vb[k];
            if (x === null || y === null) {
                if (x === y) continue;
                return (x === null) === keys[k].nullsFirst ? -1 : 1;
            }
            const c = compareValues(x, y);
            if (c !== 0) return keys[k].descending ? -c : c;
        }
        return a - b;
    });
    return order.map((i) => rows[i]);
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
