/**
 * The state incremental evaluation (incremental.ts) keeps from run to run: rows in key order that
 * leave from the front, the keys of a group's rows, and multisets of values that can take a value
 * back out (`dcount`), and extremes of a window's values (`min`, `max`). Plain data structures, no KQL.
 */
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

/** Values appended by one call at most: a call's arguments are bounded (by the stack). */
const APPEND_CHUNK = 8192;

/**
 * Appends `from` to `to`: by spreading, chunk by chunk, which V8 copies in one builtin call for
 * whatever kind of elements the arrays hold (unboxed numbers, objects), where a loop of `push`
 * calls over columns of different kinds was polymorphic and was optimized again and again.
 */
function appendAll<T>(to: T[], from: readonly T[]): void {
    if (from.length <= APPEND_CHUNK) {
        to.push(...from);
        return;
    }
    for (let i = 0; i < from.length; i += APPEND_CHUNK) to.push(...from.slice(i, i + APPEND_CHUNK));
}

/**
 * Entries with ascending, distinct keys, each with one value per column (columns of equal length,
 * so an entry costs no object of its own): what a plan holds from run to run. Dropping takes
 * entries from the front; late entries are merged in key order.
 */
export class KeyedColumns {
    protected keys: number[];
    protected columns: unknown[][];
    protected head = 0;

    /** `columns`: the values of each column, in the order of `keys` (ascending). */
    constructor(keys: readonly number[], columns: readonly (readonly unknown[])[]) {
        this.keys = keys.slice();
        this.columns = columns.map((c) => c.slice());
    }

    /** Number of entries held. */
    get size(): number {
        return this.keys.length - this.head;
    }

    /** The smallest key held (`Infinity` when empty). */
    get firstKey(): number {
        return this.head < this.keys.length ? this.keys[this.head] : Infinity;
    }

    /**
     * Removes the entries whose key is below `bound`, calling `onDrop` for each, in key order, with
     * the columns and the entry's position in them (valid during the call only).
     */
    dropEntriesBelow(bound: number, onDrop?: (columns: readonly (readonly unknown[])[], at: number, key: number) => void): void {
        let h = this.head;
        const { keys, columns } = this;
        while (h < keys.length && keys[h] < bound) {
            if (onDrop) onDrop(columns, h, keys[h]);
            // Objects are let go at once; numbers stay (writing over them would turn a column of unboxed doubles into boxed values).
            for (const c of columns) if (typeof c[h] === "object") c[h] = undefined;
            h++;
        }
        this.head = h;
        if (h >= 1024 && h * 2 >= keys.length) {
            this.keys = keys.slice(h);
            this.columns = columns.map((c) => c.slice(h));
            this.head = 0;
        }
    }

    /** Adds entries whose keys (ascending, none held yet) are `keys`, with their values in `columns`. */
    insertEntries(keys: readonly number[], columns: readonly (readonly unknown[])[]): void {
        if (keys.length === 0) return;
        const width = this.columns.length;
        const last = this.keys.length > this.head ? this.keys[this.keys.length - 1] : -Infinity;
        if (keys[0] > last) {
            appendAll(this.keys, keys);
            for (let c = 0; c < width; c++) appendAll(this.columns[c], columns[c].length === keys.length ? columns[c] : Array.from(keys, (_, i) => columns[c][i]));
            return;
        }
        // Late entries: merge them into the tail that follows the first of them.
        const at = lowerBound(this.keys, keys[0], this.head);
        const tailKeys = this.keys.splice(at);
        const tails = this.columns.map((c) => c.splice(at));
        let i = 0;
        let j = 0;
        while (i < tailKeys.length || j < keys.length) {
            if (j >= keys.length || (i < tailKeys.length && tailKeys[i] < keys[j])) {
                this.keys.push(tailKeys[i]);
                for (let c = 0; c < width; c++) this.columns[c].push(tails[c][i]);
                i++;
            } else {
                this.keys.push(keys[j]);
                for (let c = 0; c < width; c++) this.columns[c].push(columns[c][j]);
                j++;
            }
        }
    }

    /** The keys held, ascending (a new array). */
    keyArray(): number[] {
        return this.keys.slice(this.head);
    }
}

/** Rows with ascending, distinct keys: the current content of a plan, in its order. Dropping takes rows from the front. */
export class KeyedRows extends KeyedColumns {
    constructor(keys: readonly number[] = [], rows: readonly IRow[] = []) {
        super(keys, [rows]);
    }

    /** Removes the rows whose key is below `bound`, calling `onDrop` for each, in key order. */
    dropBelow(bound: number, onDrop?: (row: IRow, key: number) => void): void {
        this.dropEntriesBelow(bound, onDrop ? (columns, at, key) => onDrop(columns[0][at], key) : undefined);
    }

    /** Adds rows whose keys (ascending, none held yet) are `keys`. */
    insert(keys: readonly number[], rows: readonly IRow[]): void {
        this.insertEntries(keys, [rows]);
    }

    /** Calls `fn` with each row held and its key, in key order. */
    each(fn: (row: IRow, key: number) => void): void {
        const rows = this.columns[0];
        for (let i = this.head; i < this.keys.length; i++) fn(rows[i], this.keys[i]);
    }

    /** The rows held, in key order (a new array). */
    rowArray(): IRow[] {
        return this.columns[0].slice(this.head);
    }
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
}

/** A binary heap: the item that comes `before` every other is on top. */
class Heap<T> {
    private readonly items: T[] = [];

    constructor(private readonly before: (a: T, b: T) => boolean) {}

    get size(): number {
        return this.items.length;
    }

    /** The top item, or `undefined` when empty. */
    get top(): T | undefined {
        return this.items[0];
    }

    push(v: T): void {
        const h = this.items;
        h.push(v);
        let i = h.length - 1;
        while (i > 0) {
            const p = (i - 1) >> 1;
            if (!this.before(v, h[p])) break;
            h[i] = h[p];
            i = p;
        }
        h[i] = v;
    }

    /** Removes the top item. */
    pop(): void {
        const h = this.items;
        const last = h.pop() as T;
        if (h.length === 0) return;
        let i = 0;
        for (;;) {
            const l = 2 * i + 1;
            if (l >= h.length) break;
            const c = l + 1 < h.length && this.before(h[l + 1], h[l]) ? l + 1 : l;
            if (!this.before(h[c], last)) break;
            h[i] = h[c];
            i = c;
        }
        h[i] = last;
    }

    /** Empties the heap. */
    clear(): void {
        this.items.length = 0;
    }
}

/**
 * The smallest (sign -1) or largest (sign 1) of the values of a sliding window's rows, each added
 * with its row's key and taken out by key in ascending order (the window drops every row below a
 * bound, and adds rows only above every key dropped): a heap with lazy deletion, where an entry is
 * gone once its key is at or below the last key taken out. Entries are kept in two arrays (values
 * and keys, by the order they came) and the heap holds their positions, so adding and taking out
 * allocate no object and keep no count per value.
 */
export class Extreme {
    private values: EvalValue[] = [];
    private keys: number[] = [];
    private readonly heap: Heap<number>;
    /** The last key taken out: entries at or below it are gone. */
    private removedThrough = -Infinity;
    private live = 0;

    /** `numeric`: every value is a number (long, int, datetime, timespan), compared with `<` (NaN first, as {@link compareValues} orders it). */
    constructor(sign: 1 | -1, numeric = false) {
        const before: (a: EvalValue, b: EvalValue) => boolean = numeric
            ? sign < 0
                ? (a, b) => (a as number) < (b as number) || (a !== a && b === b)
                : (a, b) => (a as number) > (b as number) || (b !== b && a === a)
            : (a, b) => compareValues(a, b) * sign > 0;
        this.heap = new Heap((a, b) => before(this.values[a], this.values[b]));
    }

    /** Adds `v`, the value of the row with key `key` (above every key taken out so far). */
    add(v: EvalValue, key: number): void {
        if (key <= this.removedThrough) throw new Error(`Extreme.add: key ${key} is not above the last key taken out (${this.removedThrough})`);
        this.live++;
        this.values.push(v);
        this.keys.push(key);
        this.heap.push(this.values.length - 1);
        // Entries taken out low in the heap are never popped: keep only the live ones when they pile up.
        if (this.values.length > 4096 && this.values.length > 2 * this.live) this.compact();
    }

    /** Takes out the row with key `key` (keys are taken out in ascending order). */
    remove(_v: EvalValue, key: number): void {
        if (key < this.removedThrough) throw new Error(`Extreme.remove: key ${key} comes after key ${this.removedThrough} was taken out`);
        this.removedThrough = key;
        this.live--;
    }

    /** The extreme value held, or `null` when none. */
    value(): EvalValue {
        const heap = this.heap;
        while (heap.size > 0 && this.keys[heap.top as number] <= this.removedThrough) heap.pop();
        return heap.size > 0 ? this.values[heap.top as number] : null;
    }

    private compact(): void {
        const values = this.values;
        const keys = this.keys;
        this.values = [];
        this.keys = [];
        this.heap.clear();
        for (let i = 0; i < keys.length; i++) {
            if (keys[i] <= this.removedThrough) continue;
            this.values.push(values[i]);
            this.keys.push(keys[i]);
            this.heap.push(this.values.length - 1);
        }
    }
}

/** Numbers with the smallest first out. */
export class MinHeap {
    private readonly heap = new Heap<number>((a, b) => a < b);

    get size(): number {
        return this.heap.size;
    }

    /** The smallest number held (`Infinity` when empty). */
    get min(): number {
        return this.heap.top ?? Infinity;
    }

    push(v: number): void {
        this.heap.push(v);
    }

    /** Removes every number below `bound`. */
    dropBelow(bound: number): void {
        while (this.heap.size > 0 && (this.heap.top as number) < bound) this.heap.pop();
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
