/**
 * `extend` (and `serialize name = expr`): adds or replaces columns. Each output row is one array:
 * the input row at index 0, then the computed values.
 *
 * Two things keep replay cheap, where the same query runs over overlapping windows of the same row
 * objects:
 * - When every expression depends only on its row (no `now()`, run-dependent `let`, subquery or
 *   window function), the extended row of an input row is kept (in a WeakMap, so it goes when the
 *   input row goes) and handed back in later runs: no recomputation, no allocation. A cursor over
 *   the previous run's input finds most rows by a pointer comparison; the map is consulted only
 *   where the windows do not line up. Where the input rows are new objects at each run (a join's
 *   output), nothing kept comes again: after three runs that found under a tenth of their rows
 *   kept, the extend stops keeping (the kept rows only made the garbage collector work; on the
 *   10,000-device day the random- and periodic-disconnect rules did about a fifth less work).
 * - Consecutive pure extends are fused into one array, so reading an input column costs one hop
 *   however many extends were chained.
 * - Incrementally, a pure extend whose values all depend on one input column computes them once per
 *   distinct value of that column (computeByInput), not once per row.
 */
import { kusto } from "../kusto";
import type { Compiled, QueryContext, Runtime, ScalarFn, TabularPlan } from "./context";
import { RowwiseDelta } from "./incremental";
import { ExtendLayout, type IRow } from "./layout";
import { compileScalar } from "./scalar";
import { GenerationalCache } from "./cache";
import { columnsReadBy, kindName, resultColumns, simpleName, symbolColumns, unsupported, valueOf, type Node } from "./syntax";
import type { EvalValue } from "./values";

import Syn = Kusto.Language.Syntax;

/** The expressions one `extend` added, in order. */
interface Stage {
    readonly names: readonly string[];
    readonly fns: readonly ScalarFn[];
}

/** A plan of one or more fused extends over a base plan. */
interface ExtendPlan extends TabularPlan {
    readonly extend: {
        readonly base: TabularPlan;
        readonly stages: readonly Stage[];
        readonly names: readonly string[];
        readonly pure: boolean;
        /** The base columns each computed column depends on (through earlier fused stages), or `undefined` when some expression reads the row otherwise. */
        readonly dependsOn: ReadonlyMap<string, ReadonlySet<string>> | undefined;
    };
}

function isExtendPlan(plan: TabularPlan): plan is ExtendPlan {
    return (plan as Partial<ExtendPlan>).extend !== undefined;
}

/**
 * The output column an unnamed expression produces, as the parser names it: the name Kusto derives
 * from the expression (`tostring(x)` -> `x`, `parse_json(p).id` -> `p_id`), or the generated
 * `ColumnN` the parser recorded with the expression as the column's source.
 */
function generatedName(value: Node, outNode: Node, q: QueryContext): string {
    const columns = symbolColumns(outNode.ResultType);
    const bySource = columns.find((c) => c.Source === value);
    if (bySource?.Name) return bySource.Name;
    const derived = kusto().Language.KustoFacts.GetExpressionResultName(value, null, null);
    if (derived && columns.some((c) => c.Name === derived)) return derived;
    throw unsupported(q.text, value, "cannot tell which output column the parser named for this expression; name it (Name = ...)");
}

/** Compiles `extend` (or the expressions of `serialize`); `serialized` says whether the input rows are serialized (for window functions). */
export function compileExtend(exprs: readonly Node[], input: TabularPlan, serialized: boolean, outNode: Node, q: QueryContext): TabularPlan {
    const names: string[] = [];
    const compiled: Compiled[] = [];
    const reads: (Set<string> | undefined)[] = [];
    // As the parser binds them, all expressions of one extend read the input columns (not each other's results).
    const scope = { layout: input.layout, query: q, window: { layout: input.layout, serialized } };
    for (const e of exprs) {
        if (kindName(e) === "CompoundNamedExpression") throw unsupported(q.text, e, "extend (a, b) = ... is not implemented");
        const value = valueOf(e);
        names.push(kindName(e) === "SimpleNamedExpression" ? simpleName((e as Syn.SimpleNamedExpression).Name) : generatedName(value, outNode, q));
        compiled.push(compileScalar(value, scope));
        reads.push(columnsReadBy(value));
    }
    const pure = compiled.every((c) => c.pure === true);
    const stage: Stage = { names, fns: compiled.map((c) => c.fn) };
    // A pure extend over a pure extend: one array holds both (its later expressions read the
    // earlier values at the same positions the earlier layout gave them).
    const fused = pure && isExtendPlan(input) && input.extend.pure;
    // What each computed column depends on among the base's columns: a column an earlier fused stage computed stands for what it depends on.
    const earlier = fused ? input.extend.dependsOn : new Map<string, ReadonlySet<string>>();
    const dependsOn: Map<string, ReadonlySet<string>> | undefined = earlier && reads.every((r) => r !== undefined) ? new Map(earlier) : undefined;
    reads.forEach((r, i) => {
        const on = new Set<string>();
        for (const name of r ?? []) for (const d of earlier?.get(name) ?? [name]) on.add(d);
        dependsOn?.set(names[i], on);
    });
    const base = fused ? input.extend.base : input;
    const stages = fused ? [...input.extend.stages, stage] : [stage];
    const allNames = fused ? [...input.extend.names, ...names] : names;
    return makePlan(base, stages, allNames, pure, dependsOn, resultColumns(q.text, outNode), q.runtime);
}

const NO_ROWS: readonly IRow[] = [];

/** Distinct input values whose extended values a pure extend keeps, per generation ({@link GenerationalCache}). */
const VALUES_PER_GENERATION = 300_000;

/**
 * For a pure extend whose values all depend on one column of its input (`DeviceId =
 * tostring(parse_json(properties_s).deviceId)`, or a chain of such extends): extends a row with the
 * values computed for the first row that had the same value in that column, so the expressions run
 * once per distinct value (a fleet's `properties_s` has about one text per device) rather than once
 * per row. `undefined` when the values depend on more, or on nothing, of the row.
 */
function computeByInput(
    base: TabularPlan,
    dependsOn: ReadonlyMap<string, ReadonlySet<string>> | undefined,
    width: number,
    compute: (row: IRow, i: number, rows: readonly IRow[]) => unknown[],
): ((row: IRow) => IRow) | undefined {
    if (!dependsOn) return undefined;
    const inputs = new Set([...dependsOn.values()].flatMap((on) => [...on]));
    if (inputs.size !== 1) return undefined;
    const read = base.layout.accessor([...inputs][0]);
    if (!read) return undefined;
    const values = new GenerationalCache<EvalValue, unknown[]>(VALUES_PER_GENERATION);
    return (row) => {
        const computed = values.get(read(row), () => compute(row, 0, NO_ROWS));
        const extended: unknown[] = new Array(width + 2);
        extended[0] = row;
        for (let k = 1; k <= width; k++) extended[k] = computed[k];
        return extended;
    };
}

/** Consecutive runs in which under a tenth of the input rows were kept from an earlier run, after which an extend stops keeping rows. */
const KEEP_AFTER_MISSED_RUNS = 3;

function makePlan(
    base: TabularPlan,
    stages: readonly Stage[],
    names: readonly string[],
    pure: boolean,
    dependsOn: ReadonlyMap<string, ReadonlySet<string>> | undefined,
    columns: ReturnType<typeof resultColumns>,
    runtime: Runtime,
): ExtendPlan {
    const width = names.length;
    const fns = stages.flatMap((s) => s.fns);
    const firstStage = stages[0].fns.length;
    const compute = (row: IRow, i: number, rows: readonly IRow[]): unknown[] => {
        const extended: unknown[] = new Array(width + (pure ? 2 : 1));
        extended[0] = row;
        // The first stage reads the input row; later (pure) stages read the array being filled.
        for (let k = 0; k < firstStage; k++) extended[k + 1] = fns[k](row, i, rows);
        for (let k = firstStage; k < width; k++) extended[k + 1] = fns[k](extended, i, rows);
        return extended;
    };
    const layout = new ExtendLayout(base.layout, names, columns);
    const info = { base, stages, names, pure, dependsOn };
    const planOf = (map: (rows: readonly IRow[]) => IRow[]): ExtendPlan => ({ layout, extend: info, run: () => map(base.run()) });
    if (!pure) return planOf((rows) => rows.map((r, i) => compute(r, i, rows)));
    // Incrementally, each row is extended once, when it enters the window (incremental.ts), and when
    // every value depends on one column of the row, once per value of that column (computeByInput).
    const source = base.delta;
    const node = source ? new RowwiseDelta(runtime, source, computeByInput(base, dependsOn, width, compute) ?? ((row) => compute(row, 0, NO_ROWS))) : undefined;
    const incremental = (plan: ExtendPlan): ExtendPlan =>
        source && node ? { ...plan, run: () => (source.active() ? node.rows() : plan.run()), delta: node } : plan;
    // Slot `width + 1` of each kept array holds the row's position in the run that last saw it,
    // so a map hit puts the cursor back in step with the previous run's input.
    const position = width + 1;
    let kept = new WeakMap<object, unknown[]>();
    let previousInput: readonly IRow[] = [];
    let previousOutput: readonly IRow[] = [];
    // Rows that are new objects at every run (a join's output) never come again: after a few runs
    // that found almost none kept, the extend stops keeping them (each kept row costs the garbage
    // collector work for as long as it lives).
    let missedRuns = 0;
    return incremental(planOf((rows) => {
        if (missedRuns >= KEEP_AFTER_MISSED_RUNS) return rows.map((r, i) => compute(r, i, rows));
        const out: IRow[] = new Array(rows.length);
        let j = 0;
        let found = 0;
        for (let i = 0; i < rows.length; i++) {
            const row = rows[i];
            let extended: unknown[] | undefined;
            if (j < previousInput.length && previousInput[j] === row) {
                extended = previousOutput[j] as unknown[];
                j++;
                found++;
            } else {
                extended = kept.get(row as object);
                if (extended) {
                    j = (extended[position] as number) + 1;
                    found++;
                } else {
                    extended = compute(row, i, rows);
                    kept.set(row as object, extended);
                }
            }
            extended[position] = i;
            out[i] = extended;
        }
        missedRuns = rows.length > 0 && found * 10 < rows.length ? missedRuns + 1 : 0;
        if (missedRuns >= KEEP_AFTER_MISSED_RUNS) {
            kept = new WeakMap();
            previousInput = previousOutput = [];
        } else {
            previousInput = rows;
            previousOutput = out;
        }
        return out;
    }));
}
