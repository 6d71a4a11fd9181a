/**
 * `parse_json()` with a cache: replay evaluates the same `properties_s` strings at many
 * evaluation times, so each distinct string is parsed once. Parsed values are shared and must
 * never be mutated (the evaluator never does). The cache keeps two generations of strings
 * ({@link GenerationalCache}), so the strings of a sliding window stay cached.
 */
import { GenerationalCache } from "./cache";
import type { DynamicValue } from "./values";

/** Entries per generation (default 300,000: a 2-day window of a 10,000-device fleet fits in two). */
const GENERATION_SIZE = 300_000;

const cache = new GenerationalCache<string, DynamicValue>(GENERATION_SIZE);

function parse(text: string): DynamicValue {
    try {
        return JSON.parse(text) as DynamicValue;
    } catch {
        return text;
    }
}

/** Parses JSON text as Kusto's `parse_json()` does: invalid JSON yields the text itself as a dynamic string. */
export function parseJsonCached(text: string): DynamicValue {
    return cache.get(text, parse);
}

/** Empties the `parse_json()` cache (for memory-sensitive callers and tests). */
export function clearParseJsonCache(): void {
    cache.clear();
}
