/**
 * `summarize aggregates by keys`: rows are grouped by the values of the `by` expressions (nulls
 * form a group of their own, as in Kusto); output columns are the keys, then the aggregates, named
 * and typed as the parser inferred them. Groups come out in the order their first row came in
 * (Kusto gives no order). Without `by`, one row comes out even for empty input (Kusto's defaults).
 */
import { AggregateCollector, type Accumulator } from "./aggregates";
import { SummarizeDelta, type InvertibleAccumulator } from "./incremental";
import { KeyIndex } from "./keys";
import type { QueryContext, ScalarFn, ScalarScope, TabularPlan } from "./context";
import { ArrayLayout, type IRow } from "./layout";
import { compileScalar } from "./scalar";
import { checkHintsOnly, elements, isSerialized, kindName, resultColumns, unsupported, valueOf, type Node } from "./syntax";
import type { EvalValue } from "./values";
import { kusto } from "../kusto";

import Syn = Kusto.Language.Syntax;

/** Compiles `summarize`. */
export function compileSummarize(op: Syn.SummarizeOperator, input: TabularPlan, inputNode: Node, outNode: Node, q: QueryContext): TabularPlan {
    checkHintsOnly(q.text, op.Parameters);
    const K = kusto();
    const columns = resultColumns(q.text, outNode);
    const scope: ScalarScope = { layout: input.layout, query: q, window: { layout: input.layout, serialized: isSerialized(inputNode) } };
    const byNodes = op.ByClause ? elements<Node>(op.ByClause.Expressions) : [];
    if (op.ByClause?.BinClause) throw unsupported(q.text, op.ByClause, "summarize ... by ... bin=... is not implemented");
    const keys = byNodes.map((n) => compileScalar(valueOf(n), scope));
    const keyFns: ScalarFn[] = keys.map((k) => k.fn);
    const collector = new AggregateCollector(scope);
    const noColumns = new ArrayLayout([]);
    const readers: Array<(slots: EvalValue[]) => EvalValue> = [];
    for (const e of elements<Node>(op.Aggregates)) {
        const value = valueOf(e);
        if (kindName(value) === "FunctionCallExpression" && value.ResultType instanceof K.Language.Symbols.TupleSymbol) {
            const { offset, spec } = collector.add(value);
            for (let j = 0; j < spec.width; j++) readers.push((slots) => slots[offset + j]);
        } else {
            const c = compileScalar(value, { layout: noColumns, query: q, aggregates: collector });
            const f = c.fn;
            readers.push((slots) => f(slots, 0, []));
        }
    }
    if (keyFns.length + readers.length !== columns.length) {
        throw unsupported(q.text, op, `the parser infers ${columns.length} result columns but the evaluator computes ${keyFns.length + readers.length}`);
    }
    const specs = collector.specs;
    const offsets: number[] = [];
    specs.reduce((at, s) => (offsets.push(at), at + s.width), 0);
    const slotCount = collector.slotCount;
    const nKeys = keyFns.length;
    const nSpecs = specs.length;

    const full = (): IRow[] => {
        const rows = input.run();
        // Group g: its key values in groupKeys[g], its accumulators in groupAccs[g * nSpecs ...].
        const groupKeys: EvalValue[][] = [];
        const groupAccs: Accumulator[] = [];
        const addGroup = (keys: EvalValue[]): number => {
            groupKeys.push(keys);
            for (const s of specs) groupAccs.push(s.create());
            return groupKeys.length - 1;
        };
        const index = nKeys > 0 ? new KeyIndex<number>(nKeys) : undefined;
        const current: EvalValue[] = new Array(nKeys);
        if (!index) addGroup([]);
        for (let i = 0; i < rows.length; i++) {
            const row = rows[i];
            let g = 0;
            if (index) {
                for (let k = 0; k < nKeys; k++) current[k] = keyFns[k](row, i, rows);
                const found = index.get(current);
                if (found === undefined) {
                    g = addGroup(current.slice());
                    index.set(current, g);
                } else {
                    g = found;
                }
            }
            for (let a = g * nSpecs; a < (g + 1) * nSpecs; a++) groupAccs[a].add(row, i, rows);
        }
        const out: IRow[] = new Array(groupKeys.length);
        for (let g = 0; g < groupKeys.length; g++) {
            const slots: EvalValue[] = new Array(slotCount);
            for (let a = 0; a < nSpecs; a++) groupAccs[g * nSpecs + a].write(slots, offsets[a]);
            const values = groupKeys[g];
            for (const read of readers) values.push(read(slots));
            out[g] = values;
        }
        return out;
    };
    const layout = new ArrayLayout(columns);
    // Incrementally (incremental.ts): pure keys and aggregates that can take a row back out.
    const source = input.delta;
    const invertibles = specs.map((s) => s.invertible);
    if (!source || !keys.every((k) => k.pure === true) || !invertibles.every((f) => f !== undefined)) return { layout, run: full };
    const create = invertibles as (() => InvertibleAccumulator)[];
    // A summarize without aggregates (a distinct) shares one empty list and outputs its key values as they are.
    const none: InvertibleAccumulator[] = [];
    const state = new SummarizeDelta(q.runtime, source, {
        keyFns: keyFns.map((f) => (row: IRow) => f(row, 0, NO_ROWS)),
        create: create.length === 0 ? () => none : () => create.map((f) => f()),
        output: (keys, accumulators) => {
            if (readers.length === 0) return keys;
            const values = keys.slice();
            const slots: EvalValue[] = new Array(slotCount);
            for (let a = 0; a < nSpecs; a++) accumulators[a].write(slots, offsets[a]);
            for (const read of readers) values.push(read(slots));
            return values;
        },
    });
    return { layout, run: () => (source.active() ? state.rows() : full()) };
}

const NO_ROWS: readonly IRow[] = [];
