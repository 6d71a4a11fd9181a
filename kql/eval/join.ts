/**
 * `join kind=... (right) on keys`: a hash join on equality of the key columns. Kinds: `innerunique`
 * (Kusto's default: the left side keeps one row per key, the first here, Kusto keeps an arbitrary
 * one), `inner`, `leftouter`, `rightouter`, `fullouter`, `leftsemi`, `leftanti`, `rightsemi`,
 * `rightanti`. A null key matches nothing (as `==` with null is not true); empty strings match.
 * Output columns are the parser's: the left columns, then the right ones (renamed on clashes).
 */
import type { QueryContext, TabularPlan } from "./context";
import { JoinedRow, JoinLayout, RenamedLayout, type Accessor, type IRow, type Layout } from "./layout";
import { checkHintsOnly, child, elements, kindName, nodeText, resultColumns, simpleName, unsupported, type Node } from "./syntax";
import { KeyIndex } from "./keys";
import type { EvalValue } from "./values";

import Syn = Kusto.Language.Syntax;

const KINDS = ["innerunique", "inner", "leftouter", "rightouter", "fullouter", "leftsemi", "leftanti", "rightsemi", "rightanti"] as const;
type JoinKind = (typeof KINDS)[number];
const ALIASES: Readonly<Record<string, JoinKind>> = { anti: "leftanti", leftantisemi: "leftanti", rightantisemi: "rightanti", semi: "leftsemi" };

/** A pair of key columns: the left column name and the right column name. */
interface KeyPair {
    readonly left: string;
    readonly right: string;
}

/** Reads `$left.x` / `$right.y` as side and column name. */
function sideColumn(node: Node, q: QueryContext): { side: string; name: string } {
    if (kindName(node) !== "PathExpression") throw unsupported(q.text, node, "join conditions must compare $left.column with $right.column");
    const path = node as Syn.PathExpression;
    const side = simpleName(child(path.Expression, "join side"));
    if (side !== "$left" && side !== "$right") throw unsupported(q.text, node, "join conditions must compare $left.column with $right.column");
    return { side, name: simpleName(child(path.Selector, "join column")) };
}

function keyPairs(node: Node, q: QueryContext, out: KeyPair[]): void {
    const kind = kindName(node);
    if (kind === "NameReference") {
        const name = simpleName(node);
        out.push({ left: name, right: name });
        return;
    }
    if (kind === "AndExpression") {
        const b = node as Syn.BinaryExpression;
        keyPairs(child(b.Left, "condition"), q, out);
        keyPairs(child(b.Right, "condition"), q, out);
        return;
    }
    if (kind === "EqualExpression") {
        const b = node as Syn.BinaryExpression;
        const a = sideColumn(child(b.Left, "left key"), q);
        const c = sideColumn(child(b.Right, "right key"), q);
        if (a.side === c.side) throw unsupported(q.text, node, "a join condition must compare one $left column with one $right column");
        out.push(a.side === "$left" ? { left: a.name, right: c.name } : { left: c.name, right: a.name });
        return;
    }
    throw unsupported(q.text, node, "the evaluator joins on equality of columns only");
}

/** Reads a row's key values into a shared array; returns `null` when one is null (a null key matches nothing). */
function keyReader(layout: Layout, names: readonly string[]): (row: IRow) => EvalValue[] | null {
    const read: Accessor[] = names.map((n) => {
        const a = layout.accessor(n);
        if (!a) throw new Error(`KQL evaluator: join key column "${n}" missing`);
        return a;
    });
    const values: EvalValue[] = new Array(read.length);
    return (row) => {
        for (let k = 0; k < read.length; k++) {
            const v = read[k](row);
            if (v === null) return null;
            values[k] = v;
        }
        return values;
    };
}

/** Indexes rows by key (row positions per key); with `only`, rows whose key `only` lacks are skipped. */
function indexRows(rows: readonly IRow[], key: (row: IRow) => EvalValue[] | null, width: number, only?: KeyIndex<true>): KeyIndex<number[]> {
    const index = new KeyIndex<number[]>(width);
    for (let i = 0; i < rows.length; i++) {
        const k = key(rows[i]);
        if (k === null || (only && !only.get(k))) continue;
        const list = index.get(k);
        if (list) list.push(i);
        else index.set(k, [i]);
    }
    return index;
}

/** The set of keys of rows. */
function keySet(rows: readonly IRow[], key: (row: IRow) => EvalValue[] | null, width: number): KeyIndex<true> {
    const set = new KeyIndex<true>(width);
    for (const r of rows) {
        const k = key(r);
        if (k !== null) set.set(k, true);
    }
    return set;
}

/** Compiles `join`. */
/** The kind of a join operator: its `kind=` parameter, or `innerunique` (Kusto's default) without one. */
export function joinKind(op: Syn.JoinOperator, q: QueryContext): JoinKind {
    const kindParam = checkHintsOnly(q.text, op.Parameters, ["kind"]).get("kind");
    if (!kindParam) return "innerunique";
    const value = nodeText(q.text, child(kindParam.Expression, "join kind")).trim();
    const resolved = (KINDS as readonly string[]).includes(value) ? (value as JoinKind) : ALIASES[value];
    if (!resolved) throw unsupported(q.text, kindParam, `join kind ${value} is not implemented`);
    return resolved;
}

export function compileJoin(op: Syn.JoinOperator, left: TabularPlan, outNode: Node, q: QueryContext): TabularPlan {
    const kind = joinKind(op, q);
    const clause = child(op.ConditionClause, "join condition");
    if (kindName(clause) !== "JoinOnClause") throw unsupported(q.text, clause, "only join ... on ... is implemented");
    const pairs: KeyPair[] = [];
    for (const e of elements<Node>((clause as Syn.JoinOnClause).Expressions)) keyPairs(e, q, pairs);
    const right = q.tabular(child(op.Expression, "right side"));
    const leftKey = keyReader(left.layout, pairs.map((p) => p.left));
    const rightKey = keyReader(right.layout, pairs.map((p) => p.right));
    const columns = resultColumns(q.text, outNode);

    if (kind === "leftsemi" || kind === "leftanti" || kind === "rightsemi" || kind === "rightanti") {
        const keep = kind.startsWith("left") ? left : right;
        const other = kind.startsWith("left") ? right : left;
        const keepKey = kind.startsWith("left") ? leftKey : rightKey;
        const otherKey = kind.startsWith("left") ? rightKey : leftKey;
        const wanted = kind.endsWith("semi");
        const identity = new Map(columns.map((c) => [c.name, c.name] as const));
        return {
            layout: new RenamedLayout(keep.layout, columns, identity),
            run: () => {
                const keys = keySet(other.run(), otherKey, pairs.length);
                return keep.run().filter((r) => {
                    const k = keepKey(r);
                    return (k !== null && keys.get(k) === true) === wanted;
                });
            },
        };
    }

    const nLeft = left.layout.columns.length;
    if (columns.length !== nLeft + right.layout.columns.length) {
        throw unsupported(q.text, op, `the parser infers ${columns.length} result columns, not the ${nLeft} + ${right.layout.columns.length} of both sides`);
    }
    const sources = new Map<string, { side: "left" | "right"; name: string }>();
    columns.forEach((c, i) => {
        sources.set(c.name, i < nLeft ? { side: "left", name: left.layout.columns[i].name } : { side: "right", name: right.layout.columns[i - nLeft].name });
    });
    const keepUnmatchedLeft = kind === "leftouter" || kind === "fullouter";
    const keepUnmatchedRight = kind === "rightouter" || kind === "fullouter";
    return {
        layout: new JoinLayout(left.layout, right.layout, columns, sources),
        run: () => {
            const rightRows = right.run();
            const leftRows = left.run();
            // Index the right side; when the left is smaller, only right rows whose key the left has.
            const only = leftRows.length < rightRows.length ? keySet(leftRows, leftKey, pairs.length) : undefined;
            const index = indexRows(rightRows, rightKey, pairs.length, only);
            const matchedRight = keepUnmatchedRight ? new Uint8Array(rightRows.length) : undefined;
            const seenLeft = kind === "innerunique" ? new KeyIndex<true>(pairs.length) : undefined;
            const out: IRow[] = [];
            for (const l of leftRows) {
                const k = leftKey(l);
                if (seenLeft) {
                    if (k === null || seenLeft.get(k)) continue;
                    seenLeft.set(k, true);
                }
                const matches = k === null ? undefined : index.get(k);
                if (!matches) {
                    if (keepUnmatchedLeft) out.push(new JoinedRow(l, null));
                    continue;
                }
                for (const m of matches) {
                    out.push(new JoinedRow(l, rightRows[m]));
                    if (matchedRight) matchedRight[m] = 1;
                }
            }
            if (matchedRight) rightRows.forEach((r, i) => { if (!matchedRight[i]) out.push(new JoinedRow(null, r)); });
            return out;
        },
    };
}
