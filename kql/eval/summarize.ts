/**
 * `summarize aggregates by keys`: rows are grouped by the values of the `by` expressions (nulls
 * form a group of their own, as in Kusto); output columns are the keys, then the aggregates, named
 * and typed as the parser inferred them. Groups come out in the order their first row came in
 * (Kusto gives no order). Without `by`, one row comes out even for empty input (Kusto's defaults).
 */
import { AggregateCollector } from "./aggregates";
import type { QueryContext, ScalarFn, ScalarScope, TabularPlan } from "./context";
import { ArrayLayout, type IRow } from "./layout";
import { compileScalar } from "./scalar";
import { checkHintsOnly, elements, isSerialized, kindName, resultColumns, unsupported, valueOf, type Node } from "./syntax";
import { hashKey, type EvalValue } from "./values";
import { kusto } from "../kusto";

import Syn = Kusto.Language.Syntax;

interface Group {
    readonly keys: EvalValue[];
    readonly accumulators: ReturnType<AggregateCollector["specs"][number]["create"]>[];
}

/** Compiles `summarize`. */
export function compileSummarize(op: Syn.SummarizeOperator, input: TabularPlan, inputNode: Node, outNode: Node, q: QueryContext): TabularPlan {
    checkHintsOnly(q.text, op.Parameters);
    const K = kusto();
    const columns = resultColumns(q.text, outNode);
    const scope: ScalarScope = { layout: input.layout, query: q, window: { layout: input.layout, serialized: isSerialized(inputNode) } };
    const byNodes = op.ByClause ? elements<Node>(op.ByClause.Expressions) : [];
    if (op.ByClause?.BinClause) throw unsupported(q.text, op.ByClause, "summarize ... by ... bin=... is not implemented");
    const keyFns: ScalarFn[] = byNodes.map((n) => compileScalar(valueOf(n), scope).fn);
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
    const newGroup = (keys: EvalValue[]): Group => ({ keys, accumulators: specs.map((s) => s.create()) });
    const nKeys = keyFns.length;

    return {
        layout: new ArrayLayout(columns),
        run: () => {
            const rows = input.run();
            const groups: Group[] = [];
            const root = new Map<unknown, unknown>();
            const current: EvalValue[] = new Array(nKeys);
            for (let i = 0; i < rows.length; i++) {
                const row = rows[i];
                let group: Group;
                if (nKeys === 0) {
                    if (groups.length === 0) groups.push(newGroup([]));
                    group = groups[0];
                } else {
                    let level = root;
                    for (let k = 0; k < nKeys - 1; k++) {
                        const v = keyFns[k](row, i, rows);
                        current[k] = v;
                        const h = hashKey(v);
                        let next = level.get(h) as Map<unknown, unknown> | undefined;
                        if (!next) {
                            next = new Map();
                            level.set(h, next);
                        }
                        level = next;
                    }
                    const last = keyFns[nKeys - 1](row, i, rows);
                    current[nKeys - 1] = last;
                    const h = hashKey(last);
                    let found = level.get(h) as Group | undefined;
                    if (!found) {
                        found = newGroup(current.slice());
                        level.set(h, found);
                        groups.push(found);
                    }
                    group = found;
                }
                const accs = group.accumulators;
                for (let a = 0; a < accs.length; a++) accs[a].add(row, i, rows);
            }
            if (nKeys === 0 && groups.length === 0) groups.push(newGroup([]));
            const out: IRow[] = new Array(groups.length);
            for (let g = 0; g < groups.length; g++) {
                const slots: EvalValue[] = new Array(slotCount);
                const accs = groups[g].accumulators;
                for (let a = 0; a < accs.length; a++) accs[a].write(slots, offsets[a]);
                const values = groups[g].keys.slice();
                for (const read of readers) values.push(read(slots));
                out[g] = values;
            }
            return out;
        },
    };
}
