/**
 * Indexes keyed by several values (summarize groups, join keys, distinct rows) without building a
 * key string per row: one `Map` level per key, so grouping by low-cardinality keys (hub, bin)
 * allocates nothing per row. Values are compared as Kusto's grouping compares them: nulls equal
 * each other, dynamic values by their JSON.
 */
import { hashKey, type EvalValue } from "./values";

/** A map from value tuples of a fixed length to `V`. */
export class KeyIndex<V> {
    private readonly root = new Map<unknown, unknown>();
    private count = 0;

    /** @param width the number of values in a key (at least 1). */
    constructor(private readonly width: number) {
        if (width < 1) throw new Error("KeyIndex needs at least one key column");
    }

    /** The value stored under `keys`, or `undefined`. */
    get(keys: readonly EvalValue[]): V | undefined {
        let level: Map<unknown, unknown> | undefined = this.root;
        for (let k = 0; k < this.width - 1; k++) {
            level = level.get(hashKey(keys[k])) as Map<unknown, unknown> | undefined;
            if (!level) return undefined;
        }
        return level.get(hashKey(keys[this.width - 1])) as V | undefined;
    }

    /** Stores `value` under `keys`. */
    set(keys: readonly EvalValue[], value: V): void {
        let level = this.root;
        for (let k = 0; k < this.width - 1; k++) {
            const h = hashKey(keys[k]);
            let next = level.get(h) as Map<unknown, unknown> | undefined;
            if (!next) {
                next = new Map();
                level.set(h, next);
            }
            level = next;
        }
        const last = hashKey(keys[this.width - 1]);
        if (!level.has(last)) this.count++;
        level.set(last, value);
    }

    /** Whether no value is stored (and no inner map is left). */
    get isEmpty(): boolean {
        return this.root.size === 0;
    }

    /** Values stored. */
    get size(): number {
        return this.count;
    }

    /** Removes the value stored under `keys`, and the inner maps it leaves empty. */
    delete(keys: readonly EvalValue[]): void {
        const path: Map<unknown, unknown>[] = [this.root];
        for (let k = 0; k < this.width - 1; k++) {
            const next = path[k].get(hashKey(keys[k])) as Map<unknown, unknown> | undefined;
            if (!next) return;
            path.push(next);
        }
        if (path[this.width - 1].delete(hashKey(keys[this.width - 1]))) this.count--;
        for (let k = this.width - 1; k > 0 && path[k].size === 0; k--) path[k - 1].delete(hashKey(keys[k - 1]));
    }
}
