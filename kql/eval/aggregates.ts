/**
 * Kusto's aggregate functions for `summarize`: each call compiles to a factory of accumulators,
 * one per group. Nulls are ignored as Kusto ignores them; a group without rows (only possible for
 * `summarize` without `by` on empty input) yields Kusto's defaults (0 for counts and sums, `[]`
 * for `make_*`, null otherwise). `dcount` is exact (Azure's is an estimate, exact only up to about
 * 1,000 distinct values at the default accuracy).
 */
import { constant, type AggregateSink, type Compiled, type ScalarFn, type ScalarScope } from "./context";
import type { KqlUnsupportedError } from "./errors";
import type { InvertibleAccumulator } from "./incremental";
import { Extreme, ValueCounts } from "./incrementalState";
import type { IRow } from "./layout";
import { AGGREGATE_NAMES, compileScalar, typeOf } from "./scalar";
import { child, elements, kindName, symbolColumns, unsupported, type Node } from "./syntax";
import { compareValues, formatDateTime, formatTimespan, hashKey, kustoTypeOf, nullOf, type DynamicValue, type EvalValue, type KustoType } from "./values";

/** Accumulates one aggregate over the rows of one group. */
export interface Accumulator {
    /** Adds the row at `index` of `rows`. */
    add(row: IRow, index: number, rows: readonly IRow[]): void;
    /** Writes the aggregate's value(s) into `out` from `offset` on. */
    write(out: EvalValue[], offset: number): void;
}

/** A compiled aggregate call: how many values it yields and how to make its accumulators. */
export interface AggregateSpec {
    /** Number of values (1, or more for `arg_max`, `arg_min`, `percentiles`). */
    readonly width: number;
    /** Types of the values, in order. */
    readonly types: readonly KustoType[];
    /** A fresh accumulator for one group. */
    create(): Accumulator;
    /**
     * A fresh accumulator that can also take rows back out, for incremental evaluation; present
     * only when the result stays exact (counts, sets with multiplicities, integer sums, extremes)
     * and the arguments depend on the row alone.
     */
    readonly invertible?: () => InvertibleAccumulator;
}

/** One aggregate call being compiled. */
interface AggCall {
    readonly node: Node;
    readonly name: string;
    readonly args: readonly Node[];
    /** The result type (for single-valued aggregates). */
    readonly type: KustoType;
    /** The tuple columns the parser inferred (for `arg_max`, `arg_min`, `percentiles`). */
    readonly tuple: readonly { name: string; type: KustoType }[];
    /** The scope of the summarize input. */
    readonly scope: ScalarScope;
    arg(i: number): Compiled;
    fail(reason: string): KqlUnsupportedError;
}

type Builder = (c: AggCall) => AggregateSpec;

function single(type: KustoType, create: () => Accumulator, invertible?: () => InvertibleAccumulator): AggregateSpec {
    return { width: 1, types: [type], create, invertible };
}

/** Whether the arguments at `indices` depend on the row alone (so a row's contribution can be taken back out). */
function pureArgs(c: AggCall, indices: readonly number[]): boolean {
    return indices.every((i) => c.arg(i).pure === true);
}

/** Argument indices of an aggregate: the value, and the condition of an `*if` form. */
function argIndices(conditionIndex: number | undefined): number[] {
    return conditionIndex === undefined ? [0] : [0, conditionIndex];
}

const NO_ROWS: readonly IRow[] = [];

/** What an invertible aggregate keeps of its non-null values: it takes each in, takes it back out (with its row's key), and writes its result. */
interface ValueState {
    add(v: NonNullable<EvalValue>, key: number): void;
    remove(v: NonNullable<EvalValue>, key: number): void;
    write(out: EvalValue[], offset: number): void;
}

/** An invertible accumulator over the non-null values of `value` (a pure argument), kept by a fresh `state()` each time. */
function invertibleOver(value: ScalarFn, state: () => ValueState): () => InvertibleAccumulator {
    const valueOf = (r: IRow): EvalValue => value(r, 0, NO_ROWS);
    return () => {
        const s = state();
        return {
            valueOf,
            add: (v, key) => {
                if (v !== null) s.add(v, key);
            },
            remove: (v, key) => {
                if (v !== null) s.remove(v, key);
            },
            write: (out, k) => s.write(out, k),
        };
    };
}

/** A test function for `*if` aggregates: argument `i` must be true. */
function condition(c: AggCall, i: number): ScalarFn {
    const p = c.arg(i);
    if (p.constant) {
        const v = p.value === true;
        return () => v;
    }
    return p.fn;
}

/** The aggregated value of a row: argument 0, or null when the `*if` condition (argument `conditionIndex`) is not true; aggregates skip nulls. */
function counted(c: AggCall, conditionIndex: number | undefined): ScalarFn {
    const value = c.arg(0).fn;
    if (conditionIndex === undefined) return value;
    const when = condition(c, conditionIndex);
    return (r, i, rs) => (when(r, i, rs) === true ? value(r, i, rs) : null);
}

function toDynamic(type: KustoType): (v: EvalValue) => DynamicValue {
    if (type === "datetime") return (v) => (v === null ? null : formatDateTime(v as number));
    if (type === "timespan") return (v) => (v === null ? null : formatTimespan(v as number));
    return (v) => v;
}

function count(c: AggCall): AggregateSpec {
    const when = c.name === "countif" ? condition(c, 0) : undefined;
    // The value taken of a row: whether countif's condition holds (count takes nothing).
    const valueOf = when ? (r: IRow): EvalValue => when(r, 0, NO_ROWS) === true : (): EvalValue => null;
    const invertible = pureArgs(c, when ? [0] : [])
        ? (): InvertibleAccumulator => {
              let n = 0;
              return {
                  valueOf,
                  add: when ? (v) => { if (v === true) n++; } : () => { n++; },
                  remove: when ? (v) => { if (v === true) n--; } : () => { n--; },
                  write: (out, k) => { out[k] = n; },
              };
          }
        : undefined;
    return single("long", () => {
        let n = 0;
        return {
            add: when ? (r, i, rs) => { if (when(r, i, rs) === true) n++; } : () => { n++; },
            write: (out, k) => { out[k] = n; },
        };
    }, invertible);
}

function dcount(c: AggCall): AggregateSpec {
    const conditionIndex = c.name.endsWith("if") ? 1 : undefined;
    const value = counted(c, conditionIndex);
    const invertible = pureArgs(c, argIndices(conditionIndex))
        ? invertibleOver(value, () => {
              const seen = new ValueCounts();
              return { add: (v) => seen.add(v), remove: (v) => seen.remove(v), write: (out, k) => { out[k] = seen.size; } };
          })
        : undefined;
    return single("long", () => {
        const seen = new Set<unknown>();
        return {
            add: (r, i, rs) => {
                const v = value(r, i, rs);
                if (v !== null) seen.add(hashKey(v));
            },
            write: (out, k) => { out[k] = seen.size; },
        };
    }, invertible);
}

/** Types whose sums are exact in a double (up to 2^53), so taking a value back out restores the sum exactly. */
const EXACT_SUM_TYPES: ReadonlySet<KustoType> = new Set<KustoType>(["long", "int"]);
/** Types whose equal values are the same value, so the extreme of a multiset is the one a scan finds. */
const EXACT_EXTREME_TYPES: ReadonlySet<KustoType> = new Set<KustoType>(["long", "int", "datetime", "timespan", "string", "bool"]);
/** Of those, the types whose non-null values are numbers (compared with `<`). */
const NUMERIC_TYPES: ReadonlySet<KustoType> = new Set<KustoType>(["long", "int", "datetime", "timespan"]);

function sum(c: AggCall): AggregateSpec {
    const conditionIndex = c.name === "sumif" ? 1 : undefined;
    const value = counted(c, conditionIndex);
    const invertible = EXACT_SUM_TYPES.has(c.arg(0).type) && pureArgs(c, argIndices(conditionIndex))
        ? invertibleOver(value, () => {
              let total = 0;
              return { add: (v) => { total += v as number; }, remove: (v) => { total -= v as number; }, write: (out, k) => { out[k] = total; } };
          })
        : undefined;
    return single(c.type, () => {
        let total = 0;
        return {
            add: (r, i, rs) => {
                const v = value(r, i, rs);
                if (v !== null) total += v as number;
            },
            write: (out, k) => { out[k] = total; },
        };
    }, invertible);
}

function avg(c: AggCall): AggregateSpec {
    const conditionIndex = c.name === "avgif" ? 1 : undefined;
    const value = counted(c, conditionIndex);
    const invertible = EXACT_SUM_TYPES.has(c.arg(0).type) && pureArgs(c, argIndices(conditionIndex))
        ? invertibleOver(value, () => {
              let total = 0;
              let n = 0;
              const step = (v: NonNullable<EvalValue>, sign: 1 | -1): void => {
                  total += sign * (v as number);
                  n += sign;
              };
              return { add: (v) => step(v, 1), remove: (v) => step(v, -1), write: (out, k) => { out[k] = n === 0 ? null : total / n; } };
          })
        : undefined;
    return single(c.type, () => {
        let total = 0;
        let n = 0;
        return {
            add: (r, i, rs) => {
                const v = value(r, i, rs);
                if (v !== null) {
                    total += v as number;
                    n++;
                }
            },
            write: (out, k) => { out[k] = n === 0 ? null : total / n; },
        };
    }, invertible);
}

function extreme(c: AggCall): AggregateSpec {
    const conditionIndex = c.name.endsWith("if") ? 1 : undefined;
    const value = counted(c, conditionIndex);
    const sign = c.name.startsWith("max") ? 1 : -1;
    const empty = nullOf(c.type);
    const invertible = EXACT_EXTREME_TYPES.has(c.arg(0).type) && pureArgs(c, argIndices(conditionIndex))
        ? invertibleOver(value, () => {
              const values = new Extreme(sign, NUMERIC_TYPES.has(c.arg(0).type));
              return {
                  add: (v, key) => values.add(v, key),
                  remove: (v, key) => values.remove(v, key),
                  write: (out, k) => {
                      const best = values.value();
                      out[k] = best === null ? empty : best;
                  },
              };
          })
        : undefined;
    return single(c.type, () => {
        let best: EvalValue = null;
        return {
            add: (r, i, rs) => {
                const v = value(r, i, rs);
                if (v !== null && (best === null || compareValues(v, best) * sign > 0)) best = v;
            },
            write: (out, k) => { out[k] = best === null ? empty : best; },
        };
    }, invertible);
}

function takeAny(c: AggCall): AggregateSpec {
    const conditional = c.name.endsWith("if");
    if (c.args.length !== (conditional ? 2 : 1)) throw c.fail(`${c.name}() with several columns or * is not implemented`);
    const value = counted(c, conditional ? 1 : undefined);
    const empty = nullOf(c.type);
    return single(c.type, () => {
        let chosen: EvalValue = null;
        return {
            add: (r, i, rs) => {
                if (chosen !== null && chosen !== empty) return;
                const v = value(r, i, rs);
                if (v !== null) chosen = v;
            },
            write: (out, k) => { out[k] = chosen === null ? empty : chosen; },
        };
    });
}

function makeCollection(c: AggCall): AggregateSpec {
    const isSet = c.name.startsWith("make_set");
    const conditional = c.name.endsWith("_if");
    const value = counted(c, conditional ? 1 : undefined);
    const dyn = toDynamic(c.arg(0).type);
    const maxIndex = conditional ? 2 : 1;
    const max = c.args.length > maxIndex ? Number(c.arg(maxIndex).value ?? 1_048_576) : 1_048_576;
    return single("dynamic", () => {
        const items: DynamicValue[] = [];
        const seen = isSet ? new Set<unknown>() : undefined;
        return {
            add: (r, i, rs) => {
                if (items.length >= max) return;
                const v = value(r, i, rs);
                if (v === null) return;
                if (seen) {
                    // make_set over arrays collects their elements (Kusto's documentation: the set of the values in the arrays).
                    for (const element of Array.isArray(v) ? (v as EvalValue[]) : [v]) {
                        if (items.length >= max) return;
                        const key = hashKey(element);
                        if (seen.has(key)) continue;
                        seen.add(key);
                        items.push(Array.isArray(v) ? (element as DynamicValue) : dyn(element));
                    }
                    return;
                }
                items.push(dyn(v));
            },
            write: (out, k) => { out[k] = items.slice(); },
        };
    });
}

function variance(c: AggCall): AggregateSpec {
    const value = counted(c, c.name.endsWith("if") ? 1 : undefined);
    const population = c.name.endsWith("p");
    const root = c.name.startsWith("stdev");
    return single("real", () => {
        let n = 0;
        let mean = 0;
        let m2 = 0;
        return {
            add: (r, i, rs) => {
                const v = value(r, i, rs);
                if (v === null) return;
                n++;
                const delta = (v as number) - mean;
                mean += delta / n;
                m2 += delta * ((v as number) - mean);
            },
            write: (out, k) => {
                const divisor = population ? n : n - 1;
                const v = divisor > 0 ? m2 / divisor : 0;
                out[k] = root ? Math.sqrt(v) : v;
            },
        };
    });
}

/** Nearest-rank percentile of sorted values: the value at rank ceil(p/100 * n), the smallest for p = 0. */
function nearestRank(sorted: readonly EvalValue[], p: number): EvalValue {
    if (sorted.length === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return sorted[Math.min(sorted.length, rank) - 1];
}

function percentiles(c: AggCall): AggregateSpec {
    const value = c.arg(0).fn;
    const ps: number[] = [];
    for (let k = 1; k < c.args.length; k++) {
        const p = c.arg(k);
        if (!p.constant || typeof p.value !== "number") throw c.fail("percentile values must be constant numbers");
        ps.push(p.value);
    }
    const types = c.name === "percentile" ? [c.type] : c.tuple.map((t) => t.type);
    if (types.length !== ps.length) throw c.fail("the parser's result columns do not match the percentiles asked for");
    return {
        width: ps.length,
        types,
        create: () => {
            const values: EvalValue[] = [];
            return {
                add: (r, i, rs) => {
                    const v = value(r, i, rs);
                    if (v !== null) values.push(v);
                },
                write: (out, k) => {
                    const sorted = values.slice().sort(compareValues);
                    ps.forEach((p, j) => { out[k + j] = nearestRank(sorted, p); });
                },
            };
        },
    };
}

/**
 * `arg_max(expr, cols...)` / `arg_min`: the row with the largest/smallest non-null `expr` (the first
 * such row on ties); its `expr` and columns. When every `expr` of the group is null, the expression
 * is null and the columns come from the group's first row.
 */
function argExtreme(c: AggCall): AggregateSpec {
    const sign = c.name === "arg_max" ? 1 : -1;
    const key = c.arg(0).fn;
    if (c.tuple.length === 0) throw c.fail("the parser inferred no result columns for this call");
    const extraArgs = c.args.slice(1);
    const star = extraArgs.some((a) => kindName(a) === "StarExpression");
    const extras: ScalarFn[] = [];
    if (star) {
        if (extraArgs.length !== 1) throw c.fail("arg_max/arg_min with * and other columns is not implemented");
        for (const col of c.tuple.slice(1)) {
            const read = c.scope.layout.accessor(col.name);
            if (!read) throw c.fail(`column "${col.name}" of * is not in the input`);
            extras.push((r) => read(r));
        }
    } else {
        if (extraArgs.length !== c.tuple.length - 1) throw c.fail("the parser's result columns do not match the arguments");
        extraArgs.forEach((_, k) => extras.push(c.arg(k + 1).fn));
    }
    const types = c.tuple.map((t) => t.type);
    const empties = types.map(nullOf);
    return {
        width: types.length,
        types,
        create: () => {
            let best: EvalValue = null;
            let bestRow: IRow = null;
            let bestIndex = -1;
            let bestRows: readonly IRow[] = [];
            let firstRow: IRow = null;
            let firstIndex = -1;
            let firstRows: readonly IRow[] = [];
            return {
                add: (r, i, rs) => {
                    if (firstIndex < 0) {
                        firstRow = r;
                        firstIndex = i;
                        firstRows = rs;
                    }
                    const v = key(r, i, rs);
                    if (v === null) return;
                    if (best === null || compareValues(v, best) * sign > 0) {
                        best = v;
                        bestRow = r;
                        bestIndex = i;
                        bestRows = rs;
                    }
                },
                write: (out, k) => {
                    if (bestIndex < 0) {
                        if (firstIndex < 0) {
                            empties.forEach((e, j) => { out[k + j] = e; });
                            return;
                        }
                        // Every value of the group is null: the expression is null and the other columns come from a row of the group (Kusto's documentation).
                        out[k] = empties[0];
                        extras.forEach((f, j) => { out[k + 1 + j] = f(firstRow, firstIndex, firstRows); });
                        return;
                    }
                    out[k] = best;
                    extras.forEach((f, j) => { out[k + 1 + j] = f(bestRow, bestIndex, bestRows); });
                },
            };
        },
    };
}

const BUILDERS: Readonly<Record<string, Builder>> = {
    count,
    countif: count,
    dcount,
    dcountif: dcount,
    count_distinct: dcount,
    count_distinctif: dcount,
    sum,
    sumif: sum,
    avg,
    avgif: avg,
    min: extreme,
    max: extreme,
    minif: extreme,
    maxif: extreme,
    take_any: takeAny,
    any: takeAny,
    take_anyif: takeAny,
    anyif: takeAny,
    make_set: makeCollection,
    make_set_if: makeCollection,
    make_list: makeCollection,
    make_list_if: makeCollection,
    stdev: variance,
    stdevif: variance,
    stdevp: variance,
    variance,
    varianceif: variance,
    variancep: variance,
    percentile: percentiles,
    percentiles,
    arg_max: argExtreme,
    arg_min: argExtreme,
};

for (const name of Object.keys(BUILDERS)) AGGREGATE_NAMES.add(name);

/** The names of the implemented aggregate functions. */
export function aggregateNames(): string[] {
    return Object.keys(BUILDERS);
}

/**
 * Collects the aggregate calls of one `summarize` and assigns each its slots in the group's
 * slot row. Expressions over aggregates (`todouble(countif(p)) / count()`) read the slots.
 */
export class AggregateCollector implements AggregateSink {
    /** The compiled aggregate calls, in slot order. */
    readonly specs: AggregateSpec[] = [];
    private width = 0;

    /** @param input the scope of the summarize input: aggregate arguments are compiled in it. */
    constructor(private readonly input: ScalarScope) {}

    /** Number of slots assigned so far. */
    get slotCount(): number {
        return this.width;
    }

    /** Compiles an aggregate call and returns the index of its first slot and its spec. */
    add(call: Node): { offset: number; spec: AggregateSpec } {
        const text = this.input.query.text;
        const fc = call as Kusto.Language.Syntax.FunctionCallExpression;
        const name = call.ReferencedSymbol?.Name ?? "";
        const builder = Object.prototype.hasOwnProperty.call(BUILDERS, name) ? BUILDERS[name] : undefined;
        if (!builder) throw unsupported(text, call, `the evaluator does not implement the aggregate ${name}()`);
        const args = elements<Node>(child(fc.ArgumentList, "argument list").Expressions);
        const compiled = new Map<number, Compiled>();
        const tuple = symbolColumns(call.ResultType).map((col) => {
            const type = kustoTypeOf(col.Type?.Name);
            if (!type) throw unsupported(text, call, `result column "${col.Name}" has a type the evaluator does not handle`);
            return { name: col.Name ?? "", type };
        });
        const spec = builder({
            node: call,
            name,
            args,
            type: tuple.length > 0 ? tuple[0].type : typeOf(call, text),
            tuple,
            scope: this.input,
            arg: (i) => {
                let c = compiled.get(i);
                if (!c) {
                    const a = args[i];
                    if (!a) throw unsupported(text, call, `${name}() needs argument ${i + 1}`);
                    c = kindName(a) === "StarExpression" ? constant(null, "dynamic") : compileScalar(a, this.input);
                    compiled.set(i, c);
                }
                return c;
            },
            fail: (reason) => unsupported(text, call, reason),
        });
        const offset = this.width;
        this.specs.push(spec);
        this.width += spec.width;
        return { offset, spec };
    }

    /** Registers an aggregate used inside a larger expression; it must yield one value. */
    register(call: Node): Compiled {
        const { offset, spec } = this.add(call);
        if (spec.width !== 1) throw unsupported(this.input.query.text, call, "an aggregate with several result columns must stand alone in summarize");
        return { fn: (slots) => (slots as EvalValue[])[offset], type: spec.types[0], constant: false };
    }
}
