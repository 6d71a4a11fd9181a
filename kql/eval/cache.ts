/**
 * A cache that forgets what a sliding window no longer uses: new entries go to a young map; when it
 * is full it becomes the old map (the previous old map is dropped) and a hit in the old map is moved
 * back to the young one. So the entries of a window stay while those that left it are dropped, and
 * at most twice the generation size is held.
 */
export class GenerationalCache<K, V> {
    private young = new Map<K, V>();
    private old = new Map<K, V>();

    /** @param generationSize entries per generation. */
    constructor(private readonly generationSize: number) {}

    /** The value cached under `key`, else `compute()`'s, which is cached. */
    get(key: K, compute: (key: K) => V): V {
        const hit = this.young.get(key);
        if (hit !== undefined) return hit;
        let value = this.old.get(key);
        if (value === undefined) value = compute(key);
        if (this.young.size >= this.generationSize) {
            this.old = this.young;
            this.young = new Map();
        }
        this.young.set(key, value);
        return value;
    }

    /** Empties the cache. */
    clear(): void {
        this.young = new Map();
        this.old = new Map();
    }
}
