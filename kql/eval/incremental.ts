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
import { KeyIndex } from "./keys";
import type { IRow } from "./layout";
import { compareValues, hashKey, type EvalValue } from "./values";

/** Index of the first of `keys[from..]` (ascending) that is at least `key`. */
function lowerBound(keys: readonly number[], key: number, from: number): number {
    let lo = from;
    let hi = keys.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/** Rows with ascending, distinct keys: the current content of a plan, in its order. Dropping takes rows from the front. */
export class KeyedRows {
    private keys: number[];
    private rows: IRow[];
    private head = 0;

    constructor(keys: readonly number[] = [], rows: readonly IRow[] = []) {
        this.keys = keys.slice();
        this.rows = rows.slice();
    }

    /** Number of rows held. */
    get size(): number {
        return this.keys.length - this.head;
    }

    /** The smallest key held (`Infinity` when empty). */
    get firstKey(): number {
        return this.head < this.keys.length ? this.keys[this.head] : Infinity;
    }

    /** Removes the rows whose key is below `bound`, calling `onDrop` for each, in key order. */
    dropBelow(bound: number, onDrop?: (row: IRow, key: number) => void): void {
        let h = this.head;
        const { keys, rows } = this;
        while (h < keys.length && keys[h] < bound) {
            if (onDrop) onDrop(rows[h], keys[h]);
            rows[h] = undefined;
            h++;
        }
        this.head = h;
        if (h >= 1024 && h * 2 >= keys.length) {
            this.keys = keys.slice(h);
            this.rows = rows.slice(h);
            this.head = 0;
        }
    }

    /** Adds rows whose keys (ascending, none held yet) are `keys`. */
    insert(keys: readonly number[], rows: readonly IRow[]): void {
        if (keys.length === 0) return;
        const last = this.keys.length > this.head ? this.keys[this.keys.length - 1] : -Infinity;
        if (keys[0] > last) {
            for (let i = 0; i < keys.length; i++) {
                this.keys.push(keys[i]);
                this.rows.push(rows[i]);
            }
            return;
        }
        // Late rows: merge them into the tail that follows the first of them.
        const at = lowerBound(this.keys, keys[0], this.head);
        const tailKeys = this.keys.splice(at);
        const tailRows = this.rows.splice(at);
        let i = 0;
        let j = 0;
        while (i < tailKeys.length || j < keys.length) {
            if (j >= keys.length || (i < tailKeys.length && tailKeys[i] < keys[j])) {
                this.keys.push(tailKeys[i]);
                this.rows.push(tailRows[i++]);
            } else {
                this.keys.push(keys[j]);
                this.rows.push(rows[j++]);
            }
        }
    }

    /** Calls `fn` with each row held and its key, in key order. */
    each(fn: (row: IRow, key: number) => void): void {
        for (let i = this.head; i < this.keys.length; i++) fn(this.rows[i], this.keys[i]);
    }

    /** The rows held, in key order (a new array). */
    rowArray(): IRow[] {
        return this.rows.slice(this.head);
    }

    /** The keys held, ascending (a new array). */
    keyArray(): number[] {
        return this.keys.slice(this.head);
    }
}

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

    constructor(private readonly rowOf?: (key: number) => IRow) {}

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

    constructor(
        private readonly runtime: DeltaRuntime,
        private readonly table: () => unknown,
    ) {}

    active(): boolean {
        return this.table() instanceof SlidingTable;
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

/** An aggregate's accumulator that can also take a row back out. */
export interface InvertibleAccumulator {
    add(row: IRow): void;
    remove(row: IRow): void;
    /** Writes the aggregate's value into `out[offset]`. */
    write(out: EvalValue[], offset: number): void;
}

/** Counts of values, by their grouping key (`hashKey`): a multiset. */
export class ValueCounts {
    private readonly counts = new Map<unknown, number>();

    /** Distinct values held. */
    get size(): number {
        return this.counts.size;
    }

    add(v: EvalValue): void {
        const k = hashKey(v);
        this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    }

    remove(v: EvalValue): void {
        const k = hashKey(v);
        const n = this.counts.get(k);
        if (n === undefined) return;
        if (n <= 1) this.counts.delete(k);
        else this.counts.set(k, n - 1);
    }

    has(v: EvalValue): boolean {
        return this.counts.has(hashKey(v));
    }

    /** Every value held, once per occurrence, for values that are their own grouping key (not dynamic). */
    *occurrences(): Generator<EvalValue> {
        for (const [k, n] of this.counts) for (let i = 0; i < n; i++) yield k as EvalValue;
    }
}

/** The smallest (sign -1) or largest (sign 1) of a multiset of non-null values, with removal: a heap with lazy deletion. */
export class Extreme {
    private readonly heap: EvalValue[] = [];
    private readonly live = new ValueCounts();

    constructor(private readonly sign: 1 | -1) {}

    private before(a: EvalValue, b: EvalValue): boolean {
        return compareValues(a, b) * this.sign > 0;
    }

    add(v: EvalValue): void {
        this.live.add(v);
        this.push(v);
        // Removed values low in the heap are never popped: rebuild it from the live ones when they pile up.
        if (this.heap.length > 4096 && this.heap.length > 4 * this.live.size) {
            const occurrences = [...this.live.occurrences()];
            if (this.heap.length > 2 * occurrences.length) {
                this.heap.length = 0;
                for (const o of occurrences) this.push(o);
            }
        }
    }

    private push(v: EvalValue): void {
        const h = this.heap;
        h.push(v);
        let i = h.length - 1;
        while (i > 0) {
            const p = (i - 1) >> 1;
            if (!this.before(h[i], h[p])) break;
            [h[i], h[p]] = [h[p], h[i]];
            i = p;
        }
    }

    remove(v: EvalValue): void {
        this.live.remove(v);
    }

    private pop(): void {
        const h = this.heap;
        const last = h.pop() as EvalValue;
        if (h.length === 0) return;
        h[0] = last;
        let i = 0;
        for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let best = i;
            if (l < h.length && this.before(h[l], h[best])) best = l;
            if (r < h.length && this.before(h[r], h[best])) best = r;
            if (best === i) break;
            [h[i], h[best]] = [h[best], h[i]];
            i = best;
        }
    }

    /** The extreme value held, or `null` when none. */
    value(): EvalValue {
        // A removed value may still head the heap: pop until the head is live (each value once per copy pushed).
        while (this.heap.length > 0 && !this.live.has(this.heap[0])) this.pop();
        // Duplicates of a removed value whose other copies live stay; the heap may hold more copies than live ones, which only costs memory until popped.
        return this.heap.length > 0 ? this.heap[0] : null;
    }
}

/** Numbers with the smallest first out: a binary min-heap. */
export class MinHeap {
    private readonly items: number[] = [];

    get size(): number {
        return this.items.length;
    }

    /** The smallest number held (`Infinity` when empty). */
    get min(): number {
        return this.items.length > 0 ? this.items[0] : Infinity;
    }

    push(v: number): void {
        const h = this.items;
        h.push(v);
        let i = h.length - 1;
        while (i > 0) {
            const p = (i - 1) >> 1;
            if (h[p] <= v) break;
            h[i] = h[p];
            i = p;
        }
        h[i] = v;
    }

    /** Removes every number below `bound`. */
    dropBelow(bound: number): void {
        const h = this.items;
        while (h.length > 0 && h[0] < bound) {
            const last = h.pop() as number;
            if (h.length === 0) break;
            let i = 0;
            for (;;) {
                const l = 2 * i + 1;
                if (l >= h.length) break;
                const c = l + 1 < h.length && h[l + 1] < h[l] ? l + 1 : l;
                if (h[c] >= last) break;
                h[i] = h[c];
                i = c;
            }
            h[i] = last;
        }
    }
}

/**
 * The keys of one group's rows, smallest first: most groups of a distinct-like summarize hold one
 * row, so the heap is made only for a second one.
 */
export class Members {
    private only = Infinity;
    private heap: MinHeap | undefined;

    get size(): number {
        return this.heap ? this.heap.size : this.only === Infinity ? 0 : 1;
    }

    /** The smallest key held (`Infinity` when empty). */
    get min(): number {
        return this.heap ? this.heap.min : this.only;
    }

    push(key: number): void {
        if (this.heap) this.heap.push(key);
        else if (this.only === Infinity) this.only = key;
        else {
            this.heap = new MinHeap();
            this.heap.push(this.only);
            this.heap.push(key);
        }
    }

    dropBelow(bound: number): void {
        if (this.heap) this.heap.dropBelow(bound);
        else if (this.only < bound) this.only = Infinity;
    }
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
    /** Every row held, by key, with its group: what leaves when the window moves. */
    private rowsByKey = new KeyedRows();
    private output: IRow[] = [];

    constructor(
        private readonly runtime: DeltaRuntime,
        private readonly input: DeltaSource,
        private readonly parts: SummarizeParts,
    ) {
        this.reset();
    }

    private reset(): void {
        const n = this.parts.keyFns.length;
        this.index = n > 0 ? new KeyIndex<Group>(n) : undefined;
        this.single = n > 0 ? undefined : { keys: [], accumulators: this.parts.create(), members: new Members(), out: undefined, listed: -1 };
        this.order = new KeyedRows();
        this.rowsByKey = new KeyedRows();
    }

    private groupOf(row: IRow, current: EvalValue[]): Group {
        if (this.single) return this.single;
        const fns = this.parts.keyFns;
        for (let k = 0; k < fns.length; k++) current[k] = fns[k](row);
        const index = this.index as KeyIndex<Group>;
        let g = index.get(current);
        if (!g || g.members.size === 0) {
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
            this.rowsByKey.dropBelow(bound, (entry) => {
                // Without aggregates only the group is kept (the row is not needed to take it out).
                const { row, group } = entry instanceof GroupEntry ? entry : { row: undefined, group: entry as Group };
                for (const a of group.accumulators) a.remove(row);
                group.members.dropBelow(bound);
                group.out = undefined;
                if (group.members.size > 0) moved.add(group);
            });
            this.order.dropBelow(bound);
        }
        const current: EvalValue[] = new Array(this.parts.keyFns.length);
        const entries: (GroupEntry | Group)[] = new Array(d.rows.length);
        for (let i = 0; i < d.rows.length; i++) {
            const row = d.rows[i];
            const key = d.keys[i];
            const group = this.groupOf(row, current);
            for (const a of group.accumulators) a.add(row);
            if (key < group.members.min) moved.add(group);
            group.members.push(key);
            group.out = undefined;
            entries[i] = group.accumulators.length === 0 ? group : new GroupEntry(row, group);
        }
        this.rowsByKey.insert(d.keys, entries);
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

/** A row held by an incremental summarize, with its group. */
class GroupEntry {
    constructor(
        readonly row: IRow,
        readonly group: Group,
    ) {}
}
