/**
 * `parse_json()` with a cache: replay evaluates the same `properties_s` strings at many
 * evaluation times, so each distinct string is parsed once. Parsed values are shared and must
 * never be mutated (the evaluator never does).
 */
import type { DynamicValue } from "./values";

/** Most distinct strings kept; past it the cache starts over (default 250,000). */
const MAX_ENTRIES = 250_000;

const cache = new Map<string, DynamicValue>();

/** Parses JSON text as Kusto's `parse_json()` does: invalid JSON yields the text itself as a dynamic string. */
export function parseJsonCached(text: string): DynamicValue {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    let value: DynamicValue;
    try {
        value = JSON.parse(text) as DynamicValue;
    } catch {
        value = text;
    }
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(text, value);
    return value;
}

/** Empties the `parse_json()` cache (for memory-sensitive callers and tests). */
export function clearParseJsonCache(): void {
    cache.clear();
}
