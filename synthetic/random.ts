/**
 * A small seeded pseudo-random generator (sfc32) so that synthetic fleets are deterministic: the
 * same seed always yields the same rows. Independent streams are derived from a seed and names
 * (hub, device), so changing one hub's scenario does not change another hub's rows.
 */

/** Hashes text to 32 bits (FNV-1a), for deriving seeds from names. */
export function hash32(text: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}

/** A deterministic random stream. */
export class Random {
    private a: number;
    private b: number;
    private c: number;
    private d: number;

    /** Seeds the stream from a number and any names (e.g. `new Random(42, "hub-a", "device-7")`). */
    constructor(seed: number, ...names: readonly string[]) {
        const base = hash32(`${seed >>> 0}:${Math.floor(seed / 2 ** 32)}:${names.join("/")}`);
        this.a = base;
        this.b = hash32(`b${base}`);
        this.c = hash32(`c${base}`);
        this.d = 1;
        for (let i = 0; i < 12; i++) this.next();
    }

    /** A uniform number in [0, 1). */
    next(): number {
        const t = (((this.a + this.b) | 0) + this.d) | 0;
        this.d = (this.d + 1) | 0;
        this.a = this.b ^ (this.b >>> 9);
        this.b = (this.c + (this.c << 3)) | 0;
        this.c = (this.c << 21) | (this.c >>> 11);
        this.c = (this.c + t) | 0;
        return (t >>> 0) / 4294967296;
    }

    /** A uniform number in [min, max). */
    uniform(min: number, max: number): number {
        return min + (max - min) * this.next();
    }

    /** A uniform integer in [min, max] (both inclusive). */
    int(min: number, max: number): number {
        return min + Math.floor(this.next() * (max - min + 1));
    }

    /** True with probability `p`. */
    chance(p: number): boolean {
        return this.next() < p;
    }

    /** An exponentially distributed value with the given mean (time between Poisson events). */
    exponential(mean: number): number {
        return -Math.log(1 - this.next()) * mean;
    }

    /** One element of a non-empty list. */
    pick<T>(items: readonly T[]): T {
        return items[Math.floor(this.next() * items.length)];
    }

    /** A key drawn with probability proportional to its weight (weights must not all be zero). */
    weighted<K extends string>(weights: Readonly<Partial<Record<K, number>>>): K {
        const entries = Object.entries(weights) as Array<[K, number]>;
        const total = entries.reduce((s, [, w]) => s + w, 0);
        let r = this.next() * total;
        for (const [k, w] of entries) {
            r -= w;
            if (r < 0) return k;
        }
        return entries[entries.length - 1][0];
    }
}
