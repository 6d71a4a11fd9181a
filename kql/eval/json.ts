/**
 * `parse_json()` with a cache: replay evaluates the same `properties_s` strings at many
 * evaluation times, so each distinct string is parsed once. Parsed values are shared and must
 * never be mutated (the evaluator never does).
 *
 * The cache has two generations: new entries go to the young map; when it is full it becomes the
 * old map (the previous old map is dropped) and a hit in the old map is moved back to the young
 * one. So the strings of a sliding window stay cached while those that left it are dropped, and at
 * most twice the generation size is held.
 */
import type { DynamicValue } from "./values";

/** Entries per generation (default 300,000: a 2-day window of a 10,000-device fleet fits in two). */
const GENERATION_SIZE = 300_000;

let young = new Map<string, DynamicValue>();
let old = new Map<string, DynamicValue>();

/** Parses JSON text as Kusto's `parse_json()` does: invalid JSON yields the text itself as a dynamic string. */
export function parseJsonCached(text: string): DynamicValue {
    const hit = young.get(text);
    if (hit !== undefined) return hit;
    let value = old.get(text);
    if (value === undefined) {
        try {
            value = JSON.parse(text) as DynamicValue;
        } catch {
            value = text;
        }
    }
    if (young.size >= GENERATION_SIZE) {
        old = young;
        young = new Map();
    }
    young.set(text, value);
    return value;
}

/** Empties the `parse_json()` cache (for memory-sensitive callers and tests). */
export function clearParseJsonCache(): void {
    young = new Map();
    old = new Map();
}
