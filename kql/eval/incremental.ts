/**
 * Incremental evaluation (issue 16): when a query runs again and again over a sliding window of one
 * table (an alert rule's 6-hour window every 5 minutes), the per-row parts of the query and its
 * decomposable aggregations are carried from run to run instead of being recomputed over the window.
 *
 * The caller gives the table as a {@link SlidingTable}: it adds the rows that became visible and
 * drops the rows that left the window between runs. Each row has a key, its position in the
 * table's order (the replay's rows sorted by time), so "the rows that left" is every key below a
 * bound. Plans that can follow such changes expose a {@link DeltaSource}:
 * - the table itself;
 * - row-wise operators over a delta source, whose expressions are pure (depend on the row only):
 *   `where`, `extend`, `project`, `project-rename`/`-away`/`-keep`/`-reorder`. A `where` whose
 *   condition is `pure and impure` (`ResultType == "409002" and TimeGenerated < now() - 10m`) keeps
 *   the pure part incrementally and applies the rest to its (small) result at each run.
 * `summarize` over a delta source, with pure keys and invertible aggregates (`count`, `countif`,
 * `dcount`, `dcountif`, `sum`/`avg` of integers, `min`/`max` of scalar types, and none at all),
 * keeps its groups' accumulators and adds and removes rows from them.
 * Every other operator reads its input's whole current rows, as it would without increments.
 *
 * Results are identical to a full evaluation of the same rows, in the same order: row-wise
 * operators keep the table's order (by key), a summarize lists its groups in the order of their
 * earliest row (the order a full evaluation meets them), and only exact aggregates are inverted
 * (integers, counts, sets with multiplicities, extremes over a multiset).
 */
import { KeyedColumns, KeyedRows, Members } from "./incrementalState";
import { KeyIndex } from "./keys";
import type { IRow } from "./layout";
import type { EvalValue } from "./values";

/** A change of a plan's rows from one run to the next, or its whole content (`reset`). */
export interface Delta {
    /** The producer's version after this change; consecutive runs give consecutive versions. */
    readonly version: number;
    /** Whether `rows` is the whole content (the consumer starts over) rather than a change. */
    readonly reset: boolean;
    /** Rows with keys below this left (ignored for a reset). */
    readonly dropBelow: number;
    /** Keys of the rows added, ascending. */
    readonly keys: readonly number[];
    /** The rows added, in key order. */
    readonly rows: readonly IRow[];
}

/** A plan whose rows can be followed by changes. */
export interface DeltaSource {
    /** Whether this run's tables are sliding ones (otherwise the plan runs as usual). */
    active(): boolean;
    /** The change of the current run (brought up to date once per run). */
    latest(): Delta;
    /** The whole content of the current run, as a reset at the current version. */
    snapshot(): Delta;
    /** The table and column its rows' keys ascend with in this run ({@link SlidingTableOptions.ascending}), if the table declares one. */
    ordered(): OrderedBy | undefined;
}

/** A table's column whose values ascend with the rows' keys. */
export interface OrderedBy {
    readonly table: string;
    readonly column: string;
}

/** Options of a {@link SlidingTable}. */
export interface SlidingTableOptions {
    /**
     * A column whose values never decrease as the keys increase, and are never null (the replay's
     * `TimeGenerated`: its keys are positions in the rows sorted by time). A `where` that bounds
     * that column by a value of the run (`TimeGenerated >= now() - 30m`) then finds the rows it
     * keeps by binary search instead of testing each. The order is trusted, not checked. Default:
     * none.
     */
    readonly ascending?: string;
}

/** The change a consumer that last saw version `seen` applies: the latest change, or the whole content when it missed one. */
export function changeSince(source: DeltaSource, seen: number): Delta {
    const d = source.latest();
    if (d.reset || d.version === seen + 1) return d;
    return source.snapshot();
}

/**
 * A table given to {@link CompiledKql.run} as a sliding window: the caller adds rows (with keys
 * above every key dropped so far) and drops every row below a key between runs. Given `rowOf`,
 * the table keeps only the keys and asks `rowOf` again when an operator reads the whole window
 * (so row objects live only as long as the operators' own state needs them); without it, it keeps
 * the row objects, which must stay the same objects while they are in the window.
 */
export class SlidingTable {
    private readonly content = new KeyedRows();
    private changeVersion = 0;
    private lastDrop = -Infinity;
    private lastKeys: number[] = [];
    private lastRows: IRow[] = [];

    /** The column the keys ascend with ({@link SlidingTableOptions.ascending}), if any. */
    readonly ascending: string | undefined;

    constructor(
        private readonly rowOf?: (key: number) => IRow,
        options: SlidingTableOptions = {},
    ) {
        this.ascending = options.ascending;
    }

    /** Incremented by every {@link advance}. */
    get version(): number {
        return this.changeVersion;
    }

    /** Drops the rows with keys below `dropBelow`, then adds `rows` with their `keys` (ascending). */
    advance(dropBelow: number, keys: readonly number[], rows: readonly IRow[]): void {
        this.content.dropBelow(dropBelow);
        this.content.insert(keys, this.rowOf ? new Array<IRow>(keys.length) : rows);
        this.lastDrop = dropBelow;
        this.lastKeys = keys.slice();
        this.lastRows = rows.slice();
        this.changeVersion++;
    }

    /** The last change: what {@link advance} was given. */
    lastChange(): { dropBelow: number; keys: readonly number[]; rows: readonly IRow[] } {
        return { dropBelow: this.lastDrop, keys: this.lastKeys, rows: this.lastRows };
    }

    /** The rows in the window, in key order. */
    rows(): IRow[] {
        const rowOf = this.rowOf;
        return rowOf ? this.content.keyArray().map((k) => rowOf(k)) : this.content.rowArray();
    }

    /** The keys of the rows in the window, ascending. */
    keys(): number[] {
        return this.content.keyArray();
    }
}

/** Per-run state shared by delta nodes: the generation of the current run. */
export interface DeltaRuntime {
    readonly generation: number;
}

/** The table reference as a delta source: follows a {@link SlidingTable} from run to run. */
export class TableDelta implements DeltaSource {
    private generation = -1;
    private version = 0;
    private current: Delta = { version: 0, reset: true, dropBelow: -Infinity, keys: [], rows: [] };
    private lastTable: SlidingTable | undefined;
    private lastTableVersion = -1;

    /** `name`: the table's name in the query. */
    constructor(
        private readonly runtime: DeltaRuntime,
        private readonly table: () => unknown,
        private readonly name = "",
    ) {}

    active(): boolean {
        return this.table() instanceof SlidingTable;
    }

    ordered(): OrderedBy | undefined {
        const t = this.table();
        return t instanceof SlidingTable && t.ascending !== undefined ? { table: this.name, column: t.ascending } : undefined;
    }

    latest(): Delta {
        if (this.generation === this.runtime.generation) return this.current;
        this.generation = this.runtime.generation;
        const t = this.table() as SlidingTable;
        if (t === this.lastTable && t.version === this.lastTableVersion + 1) {
            const c = t.lastChange();
            this.current = { version: ++this.version, reset: false, dropBelow: c.dropBelow, keys: c.keys, rows: c.rows };
        } else if (t === this.lastTable && t.version === this.lastTableVersion) {
            this.current = { version: ++this.version, reset: false, dropBelow: -Infinity, keys: [], rows: [] };
        } else {
            this.current = { version: ++this.version, reset: true, dropBelow: -Infinity, keys: t.keys(), rows: t.rows() };
        }
        this.lastTable = t;
        this.lastTableVersion = t.version;
        return this.current;
    }

    snapshot(): Delta {
        this.latest();
        const t = this.table() as SlidingTable;
        return { version: this.version, reset: true, dropBelow: -Infinity, keys: t.keys(), rows: t.rows() };
    }
}

/**
 * A row-wise operator over a delta source: `map` gives each input row's output row, or `undefined`
 * to leave it out (a filter). The whole content is kept only once something asks for it
 * ({@link rows}); until then changes pass through.
 */
export class RowwiseDelta implements DeltaSource {
    private generation = -1;
    private version = 0;
    private seen = 0;
    private current: Delta = { version: 0, reset: true, dropBelow: -Infinity, keys: [], rows: [] };
    private state: KeyedRows | undefined;

    constructor(
        private readonly runtime: DeltaRuntime,
        private readonly input: DeltaSource,
        private readonly map: (row: IRow) => IRow | undefined,
    ) {}

    active(): boolean {
        return this.input.active();
    }

    /** The input's order: a row-wise operator keeps its rows' keys (a column it replaces is a new column, which the parser tells apart). */
    ordered(): OrderedBy | undefined {
        return this.input.ordered();
    }

    private apply(d: Delta): { keys: number[]; rows: IRow[] } {
        const keys: number[] = [];
        const rows: IRow[] = [];
        for (let i = 0; i < d.rows.length; i++) {
            const out = this.map(d.rows[i]);
            if (out !== undefined) {
                keys.push(d.keys[i]);
                rows.push(out);
            }
        }
        return { keys, rows };
    }

    latest(): Delta {
        if (this.generation === this.runtime.generation) return this.current;
        this.generation = this.runtime.generation;
        const d = changeSince(this.input, this.seen);
        this.seen = d.version;
        const { keys, rows } = this.apply(d);
        this.current = { version: ++this.version, reset: d.reset, dropBelow: d.dropBelow, keys, rows };
        if (this.state) {
            if (d.reset) this.state = new KeyedRows(keys, rows);
            else {
                this.state.dropBelow(d.dropBelow);
                this.state.insert(keys, rows);
            }
        }
        return this.current;
    }

    snapshot(): Delta {
        this.latest();
        if (this.state) return { version: this.version, reset: true, dropBelow: -Infinity, keys: this.state.keyArray(), rows: this.state.rowArray() };
        const { keys, rows } = this.apply(this.input.snapshot());
        return { version: this.version, reset: true, dropBelow: -Infinity, keys, rows };
    }

    /** The whole current content, in key order; from the first call on, the content is kept and updated by each change. */
    rows(): IRow[] {
        this.latest();
        if (!this.state) {
            const s = this.snapshot();
            this.state = new KeyedRows(s.keys, s.rows);
        }
        return this.state.rowArray();
    }
}

/**
 * An aggregate's accumulator that can also take a row back out. It reads what it needs of a row
 * once ({@link valueOf}, when the row comes) and takes that value in and, later, back out: the
 * summarize keeps the value, not the row. Each value comes with its row's key; rows are taken out
 * in ascending key order, and added only with keys above every key taken out.
 */
export interface InvertibleAccumulator {
    /** What the aggregate takes of a row (the same function for every group). */
    readonly valueOf: (row: IRow) => EvalValue;
    add(value: EvalValue, key: number): void;
    remove(value: EvalValue, key: number): void;
    /** Writes the aggregate's value into `out[offset]`. */
    write(out: EvalValue[], offset: number): void;
}

/** One group of an incremental summarize. */
interface Group {
    readonly keys: EvalValue[];
    readonly accumulators: InvertibleAccumulator[];
    /** Keys of the group's rows (its earliest row orders the output). */
    readonly members: Members;
    /** Its output row of the last run, kept while no row came or went (rows are never changed in place). */
    out: IRow | undefined;
    /** The run that last listed it (a group may have a stale entry under the same key as its current one). */
    listed: number;
}

/** What an incremental summarize needs of its compiled form. */
export interface SummarizeParts {
    /** The `by` expressions (pure); none for a summarize without `by`. */
    readonly keyFns: readonly ((row: IRow) => EvalValue)[];
    /** Fresh invertible accumulators of the aggregates, in slot order. */
    readonly create: () => InvertibleAccumulator[];
    /** Turns a group's key values (not to be changed) and accumulators into its output row. */
    readonly output: (keys: EvalValue[], accumulators: readonly InvertibleAccumulator[]) => IRow;
}

/**
 * `summarize` kept across runs: each row added goes into its group's accumulators, each row that
 * left is taken out of them; the output lists the groups that hold rows, in the order of their
 * earliest row, kept in order from run to run rather than sorted (a group's output row is reused
 * while none of its rows came or went). Without `by`, the one group is listed even when empty
 * (Kusto's defaults).
 */
export class SummarizeDelta {
    private generation = -1;
    private seen = 0;
    private index: KeyIndex<Group> | undefined;
    private single: Group | undefined;
    /** Live groups under the key of their earliest row; an entry whose key is no longer its group's earliest is stale and skipped. */
    private order = new KeyedRows();
    /** Every row held, by key: its group, then the value each aggregate took of it (to take it out again); what leaves when the window moves. */
    private rowsByKey: KeyedColumns;
    private output: IRow[] = [];
    /** Aggregates of each group. */
    private readonly aggregates: number;

    constructor(
        private readonly runtime: DeltaRuntime,
        private readonly input: DeltaSource,
        private readonly parts: SummarizeParts,
    ) {
        this.aggregates = parts.create().length;
        this.rowsByKey = this.heldRows();
        this.reset();
    }

    private heldRows(): KeyedColumns {
        return new KeyedColumns([], Array.from({ length: 1 + this.aggregates }, () => []));
    }

    /** Groups held: those with rows in the window (a measure of the state, for tests). */
    get groupCount(): number {
        return this.index ? this.index.size : 1;
    }

    private reset(): void {
        const n = this.parts.keyFns.length;
        this.index = n > 0 ? new KeyIndex<Group>(n) : undefined;
        this.single = n > 0 ? undefined : { keys: [], accumulators: this.parts.create(), members: new Members(), out: undefined, listed: -1 };
        this.order = new KeyedRows();
        this.rowsByKey = this.heldRows();
    }

    private groupOf(row: IRow, current: EvalValue[]): Group {
        if (this.single) return this.single;
        const fns = this.parts.keyFns;
        for (let k = 0; k < fns.length; k++) current[k] = fns[k](row);
        const index = this.index as KeyIndex<Group>;
        let g = index.get(current);
        if (!g) {
            g = { keys: current.slice(), accumulators: this.parts.create(), members: new Members(), out: undefined, listed: -1 };
            index.set(current, g);
        }
        return g;
    }

    /** The output rows of the current run. */
    rows(): IRow[] {
        if (this.generation === this.runtime.generation) return this.output;
        this.generation = this.runtime.generation;
        const d = changeSince(this.input, this.seen);
        this.seen = d.version;
        if (d.reset) this.reset();
        // Groups whose earliest row changed: entered again in the order under their new earliest key.
        const moved = new Set<Group>();
        if (!d.reset) {
            const bound = d.dropBelow;
            this.rowsByKey.dropEntriesBelow(bound, (columns, at, key) => {
                const group = columns[0][at] as Group;
                const accumulators = group.accumulators;
                for (let a = 0; a < accumulators.length; a++) accumulators[a].remove(columns[a + 1][at] as EvalValue, key);
                group.members.dropBelow(bound);
                group.out = undefined;
                if (group.members.size > 0) moved.add(group);
                // An emptied group goes (its entries in the order are all below the bound too), so the state follows the window.
                else if (group !== this.single) {
                    moved.delete(group);
                    this.index?.delete(group.keys);
                }
            });
            this.order.dropBelow(bound);
        }
        const current: EvalValue[] = new Array(this.parts.keyFns.length);
        const n = d.rows.length;
        const groups: Group[] = new Array(n);
        // The values the aggregates took are kept, one column per aggregate, to take the row out again; the row itself is not kept.
        const values: EvalValue[][] = Array.from({ length: this.aggregates }, () => new Array(n));
        for (let i = 0; i < n; i++) {
            const row = d.rows[i];
            const key = d.keys[i];
            const group = this.groupOf(row, current);
            const accumulators = group.accumulators;
            if (key < group.members.min) moved.add(group);
            group.members.push(key);
            group.out = undefined;
            groups[i] = group;
            for (let a = 0; a < accumulators.length; a++) {
                const v = accumulators[a].valueOf(row);
                accumulators[a].add(v, key);
                values[a][i] = v;
            }
        }
        this.rowsByKey.insertEntries(d.keys, [groups, ...values]);
        if (!this.single && moved.size > 0) {
            const again = [...moved].sort((a, b) => a.members.min - b.members.min);
            this.order.insert(
                again.map((g) => g.members.min),
                again,
            );
        }
        const output = (g: Group): IRow => (g.out ??= this.parts.output(g.keys, g.accumulators));
        if (this.single) this.output = [output(this.single)];
        else {
            const out: IRow[] = [];
            const run = this.generation;
            this.order.each((entry, key) => {
                const g = entry as Group;
                if (g.members.size > 0 && g.members.min === key && g.listed !== run) {
                    g.listed = run;
                    out.push(output(g));
                }
            });
            this.output = out;
        }
        return this.output;
    }
}
