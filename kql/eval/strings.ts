/**
 * Kusto's string predicates (`has`, `contains`, `startswith`, `=~`, `matches regex`, ... and their
 * `_cs` and `!` forms) as JS tests, built once per call site.
 *
 * `has` matches whole terms: Kusto breaks a string into maximal runs of alphanumeric characters
 * and `has "x"` is true when `x` is one of them (case-insensitive); a search text that itself holds
 * separators matches where it is bounded by non-alphanumeric characters. The underscore counts as
 * a separator here (the Kusto docs define terms by "alphanumeric characters").
 */

/** A string test: the left operand, and the right operand's text. */
export type StringTest = (left: string, right: string) => boolean;

const ALNUM = /[\p{L}\p{N}]/u;

const lowerCache = new Map<string, string>();

/** `text.toLowerCase()`, cached: the case-insensitive operators meet the same few values (hub ids, codes) on every row. */
export function lowerCased(text: string): string {
    let lower = lowerCache.get(text);
    if (lower === undefined) {
        lower = text.toLowerCase();
        if (lowerCache.size >= 10_000) lowerCache.clear();
        lowerCache.set(text, lower);
    }
    return lower;
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The pattern of a whole-term match of `term`: bounded by non-alphanumeric characters on each side where the term itself starts or ends with one. */
function termPattern(term: string, prefixOnly: boolean, suffixOnly: boolean): string {
    const before = term.length > 0 && ALNUM.test(term[0]) && !suffixOnly ? "(?<![\\p{L}\\p{N}])" : "";
    const after = term.length > 0 && ALNUM.test(term[term.length - 1]) && !prefixOnly ? "(?![\\p{L}\\p{N}])" : "";
    return before + escapeRegExp(term) + after;
}

/** Builds a test whose right operand is fixed, from a pattern builder; with a varying right operand the last pattern is reused while the text repeats. */
function regexTest(build: (right: string) => RegExp): StringTest {
    let lastRight: string | undefined;
    let lastRegex: RegExp | undefined;
    return (left, right) => {
        if (right !== lastRight || !lastRegex) {
            lastRegex = build(right);
            lastRight = right;
        }
        return lastRegex.test(left);
    };
}

/** Converts a .NET-style regular expression to a JS one: a leading `(?i)` becomes the `i` flag; everything else is taken as JS syntax (see README). */
export function kustoRegex(pattern: string): RegExp {
    let flags = "u";
    let body = pattern;
    const inline = /^\(\?([imsx]+)\)/.exec(body);
    if (inline) {
        if (inline[1].includes("x")) throw new Error(`regular expression option (?x) is not supported: ${pattern}`);
        flags += inline[1].replace(/[^ims]/g, "");
        body = body.slice(inline[0].length);
    }
    return new RegExp(body, flags);
}

/** Builds the positive tests, each with its own pattern cache so call sites do not evict each other's compiled patterns. */
function buildTests(): Record<string, StringTest> {
    return {
        "==": (l, r) => l === r,
        "=~": (l, r) => l.length === r.length && lowerCased(l) === lowerCased(r),
        has: regexTest((r) => new RegExp(termPattern(r, false, false), "iu")),
        has_cs: regexTest((r) => new RegExp(termPattern(r, false, false), "u")),
        hasprefix: regexTest((r) => new RegExp(termPattern(r, true, false), "iu")),
        hasprefix_cs: regexTest((r) => new RegExp(termPattern(r, true, false), "u")),
        hassuffix: regexTest((r) => new RegExp(termPattern(r, false, true), "iu")),
        hassuffix_cs: regexTest((r) => new RegExp(termPattern(r, false, true), "u")),
        contains: regexTest((r) => new RegExp(escapeRegExp(r), "iu")),
        contains_cs: (l, r) => l.includes(r),
        startswith: regexTest((r) => new RegExp("^" + escapeRegExp(r), "iu")),
        startswith_cs: (l, r) => l.startsWith(r),
        endswith: regexTest((r) => new RegExp(escapeRegExp(r) + "$", "iu")),
        endswith_cs: (l, r) => l.endsWith(r),
        "matches regex": regexTest(kustoRegex),
    };
}

/** The operator texts this module implements (each also with a leading `!` where Kusto has one, and `!=`, `!~`). */
export function stringOperatorNames(): string[] {
    return Object.keys(buildTests());
}

/**
 * Returns the test for a string operator as written in the query (`has`, `!contains_cs`, `=~`,
 * `!~`, `!=`, `matches regex`, ...), or `undefined` when the operator is not a string predicate.
 * Each call returns a fresh test (with its own pattern cache).
 */
export function stringTest(operator: string): StringTest | undefined {
    const op = operator.replace(/\s+/g, " ");
    const table = buildTests();
    if (op === "!=") return (l, r) => l !== r;
    if (op === "!~") {
        const eq = table["=~"];
        return (l, r) => !eq(l, r);
    }
    if (op in table) return table[op];
    if (op.startsWith("!") && op.slice(1) in table) {
        const positive = table[op.slice(1)];
        return (l, r) => !positive(l, r);
    }
    return undefined;
}
