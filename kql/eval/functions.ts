/**
 * Kusto's scalar functions the evaluator implements, by the parser's function name. Each entry
 * compiles one call site: it picks the conversion for the argument types the parser inferred,
 * folds constant arguments, and returns a closure. Functions not listed here are refused with an
 * error naming them.
 */
import { allPure, map1, map2, mapN, perRunValue, strict1, strict2 } from "./compose";
import { constant, type Compiled, type ScalarScope } from "./context";
import { SourceLayout } from "./layout";
import { datetimeAdd, datetimeDiff, datetimePeriod, dayOfWeek, startOf } from "./datetime";
import type { KqlUnsupportedError } from "./errors";
import { parseJsonCached } from "./json";
import { kustoRegex } from "./strings";
import type { Node } from "./syntax";
import {
    formatDateTime,
    formatTimespan,
    hashKey,
    inDateTimeRange,
    normalizeInput,
    nullOf,
    utcDateTime,
    stringifier,
    toBoolConverter,
    toDateTimeConverter,
    toLongConverter,
    toRealConverter,
    toTimespanConverter,
    valuesEqual,
    type DynamicValue,
    type EvalValue,
    type InputValue,
    type KustoType,
} from "./values";

/** One call of a scalar function being compiled. */
export interface CallSite {
    /** The `FunctionCallExpression` node. */
    readonly node: Node;
    /** The function's name as the parser bound it. */
    readonly name: string;
    /** The argument expressions. */
    readonly args: readonly Node[];
    /** The call's result type as the parser inferred it. */
    readonly type: KustoType;
    /** The scope the call is compiled in. */
    readonly scope: ScalarScope;
    /** Compiles argument `i` in the call's scope (once). */
    arg(i: number): Compiled;
    /** Builds the error naming this call, for arguments the evaluator refuses. */
    fail(reason: string): KqlUnsupportedError;
    /** Compiles an expression in another scope (the window functions compile their argument against the rows around the current one). */
    compileIn(node: Node, scope: ScalarScope): Compiled;
}

/** Compiles one call of a scalar function. */
export type ScalarFunction = (call: CallSite) => Compiled;

function allArgs(c: CallSite): Compiled[] {
    return c.args.map((_, i) => c.arg(i));
}

/** The value of a constant argument, refusing a per-row one (e.g. the period of `datetime_diff`). */
function constantArg(c: CallSite, i: number, what: string): EvalValue {
    const a = c.arg(i);
    if (!a.constant) throw c.fail(`the evaluator needs ${what} (argument ${i + 1}) to be a constant`);
    return a.value ?? null;
}

/** A value as it is stored inside a dynamic array or bag: datetimes and timespans as their text. */
function toDynamic(type: KustoType): (v: EvalValue) => DynamicValue {
    if (type === "datetime") return (v) => (v === null ? null : formatDateTime(v as number));
    if (type === "timespan") return (v) => (v === null ? null : formatTimespan(v as number));
    return (v) => v;
}

/** Rounds half away from zero to `digits` decimal places (negative digits round to tens, hundreds, ...), using decimal text to avoid binary artefacts (2.15 -> 2.2). */
function roundHalfAway(x: number, digits: number): number {
    if (!Number.isFinite(x)) return x;
    const abs = Math.abs(x);
    const text = String(abs);
    let r: number;
    if (text.includes("e")) {
        const f = Math.pow(10, digits);
        r = Math.round(abs * f) / f;
    } else {
        r = Number(`${Math.round(Number(`${text}e${digits}`))}e${-digits}`);
    }
    return x < 0 ? -r : r;
}

function binValue(v: number, size: number): number | null {
    if (!(size > 0)) return null;
    return Math.floor(v / size) * size;
}

function convert(makeConverter: (t: KustoType) => (v: EvalValue) => EvalValue): ScalarFunction {
    return (c) => {
        const a = c.arg(0);
        return map1(a, c.type, makeConverter(a.type));
    };
}

function parseJson(c: CallSite): Compiled {
    const a = c.arg(0);
    if (a.type === "dynamic") return a;
    if (a.type !== "string") return map1(a, "dynamic", toDynamic(a.type));
    return map1(a, "dynamic", (v) => (v === null || v === "" ? null : parseJsonCached(v as string)));
}

function stringFn(f: (s: string) => EvalValue): ScalarFunction {
    return (c) => {
        const a = c.arg(0);
        const s = stringifier(a.type);
        return map1(a, c.type, (v) => f(s(v)));
    };
}

function mathFn(f: (x: number) => number): ScalarFunction {
    return (c) => strict1(c.arg(0), c.type, (x) => {
        const r = f(x as number);
        return Number.isNaN(r) && !Number.isNaN(x as number) ? null : r;
    });
}

function startOfFn(unit: "day" | "week" | "month" | "year"): ScalarFunction {
    return (c) => {
        const offset = c.args.length > 1 ? c.arg(1) : constant(0, "long");
        return strict2(c.arg(0), offset, "datetime", (d, o) => startOf(unit, d as number, o as number));
    };
}

function datePart(f: (d: Date) => number): ScalarFunction {
    return (c) => strict1(c.arg(0), c.type, (v) => f(new Date(v as number)));
}

/** `prev()`/`next()`: the expression's value `offset` rows before/after, on serialized rows only. */
function window(direction: -1 | 1): ScalarFunction {
    return (c) => {
        const w = c.scope.window;
        if (!w) throw c.fail(`${c.name}() is only evaluated in extend, project, where and serialize`);
        if (!w.serialized) throw c.fail(`${c.name}() needs serialized input (after order by, sort, top or serialize); the parser marks these rows as not serialized`);
        const inner = c.compileIn(c.args[0], { layout: w.layout, query: c.scope.query, window: w });
        const offset = c.args.length > 1 ? Number(constantArg(c, 1, "the offset")) : 1;
        const fallback = c.args.length > 2 ? c.arg(2) : constant(nullOf(c.type), c.type);
        const fi = inner.fn;
        const fd = fallback.fn;
        const step = direction * offset;
        return {
            fn: (r, i, rs) => {
                const j = i + step;
                return j >= 0 && j < rs.length ? fi(rs[j], j, rs) : fd(r, i, rs);
            },
            type: c.type,
            constant: false,
        };
    };
}

function rowNumber(c: CallSite): Compiled {
    const w = c.scope.window;
    if (!w || !w.serialized) throw c.fail("row_number() needs serialized input (after order by, sort, top or serialize)");
    if (c.args.length > 1) throw c.fail("row_number() with a restart condition is not implemented");
    const start = c.args.length > 0 ? Number(constantArg(c, 0, "the start")) : 1;
    return { fn: (_r, i) => i + start, type: c.type, constant: false };
}

function iff(c: CallSite): Compiled {
    const [p, a, b] = [c.arg(0), c.arg(1), c.arg(2)];
    if (p.constant) return p.value === true ? a : b;
    const fp = p.fn;
    const fa = a.fn;
    const fb = b.fn;
    return { fn: (r, i, rs) => (fp(r, i, rs) === true ? fa(r, i, rs) : fb(r, i, rs)), type: c.type, constant: false, pure: allPure([p, a, b]) };
}

function caseFn(c: CallSite): Compiled {
    const args = allArgs(c);
    const pairs: Array<[Compiled, Compiled]> = [];
    for (let k = 0; k + 1 < args.length; k += 2) pairs.push([args[k], args[k + 1]]);
    const otherwise = args[args.length - 1];
    return {
        fn: (r, i, rs) => {
            for (const [p, v] of pairs) if (p.fn(r, i, rs) === true) return v.fn(r, i, rs);
            return otherwise.fn(r, i, rs);
        },
        type: c.type,
        constant: false,
        pure: allPure(args),
    };
}

function coalesce(c: CallSite): Compiled {
    const empty = c.type === "string" ? "" : null;
    return mapN(allArgs(c), c.type, (vs) => vs.find((v) => v !== null && v !== empty) ?? empty);
}

function extremeOf(sign: 1 | -1): ScalarFunction {
    return (c) =>
        mapN(allArgs(c), c.type, (vs) => {
            let best: EvalValue = null;
            for (const v of vs) if (v !== null && (best === null || (v as number) * sign > (best as number) * sign)) best = v;
            return best;
        });
}

function binFn(c: CallSite): Compiled {
    return strict2(c.arg(0), c.arg(1), c.type, (v, size) => binValue(v as number, size as number));
}

function round(c: CallSite): Compiled {
    const digits = c.args.length > 1 ? c.arg(1) : constant(0, "long");
    return strict2(c.arg(0), digits, c.type, (x, d) => roundHalfAway(x as number, d as number));
}

function datetimeDiffFn(c: CallSite): Compiled {
    const period = datetimePeriod(String(constantArg(c, 0, "the period")));
    if (!period) throw c.fail("unknown datetime_diff period");
    if (period === "microsecond" || period === "nanosecond") {
        // Times are JS numbers of milliseconds: at today's dates about 0.24 µs apart, so the 100 ns
        // ticks Kusto counts are lost and a count of µs/ns boundaries could be off.
        throw c.fail(`datetime_diff by ${period}: the evaluator holds times as milliseconds and cannot count ${period} boundaries exactly`);
    }
    return strict2(c.arg(1), c.arg(2), "long", (a, b) => datetimeDiff(period, a as number, b as number));
}

function datetimeAddFn(c: CallSite): Compiled {
    const period = datetimePeriod(String(constantArg(c, 0, "the period")));
    if (!period) throw c.fail("unknown datetime_add period");
    return strict2(c.arg(1), c.arg(2), "datetime", (n, d) => datetimeAdd(period, n as number, d as number));
}

/**
 * `make_datetime(year, month, day[, hour, minute, second])`: null when any part is null or out of
 * its calendar range (month 1-12, a day of that month, hour 0-23, minute 0-59, second 0 to below 60).
 */
function makeDateTime(c: CallSite): Compiled {
    return mapN(allArgs(c), "datetime", (vs) => {
        if (vs.some((v) => typeof v !== "number" || !Number.isFinite(v))) return null;
        const [year, month, day, hour = 0, minute = 0, second = 0] = vs as number[];
        if (![year, month, day, hour, minute].every(Number.isInteger)) return null;
        if (year < 1 || year > 9999 || month < 1 || month > 12 || hour > 23 || minute > 59 || hour < 0 || minute < 0 || second < 0 || second >= 60) return null;
        const lastDay = new Date(utcDateTime(year, month, 0)).getUTCDate();
        if (day < 1 || day > lastDay) return null;
        return utcDateTime(year, month - 1, day, hour, minute) + second * 1000;
    });
}

function strcat(c: CallSite): Compiled {
    const args = allArgs(c);
    const s = args.map((a) => stringifier(a.type));
    if (args.length === 2) {
        const [s0, s1] = s;
        return map2(args[0], args[1], "string", (a, b) => s0(a) + s1(b));
    }
    return mapN(args, "string", (vs) => vs.map((v, k) => s[k](v)).join(""));
}

function strcatDelim(c: CallSite): Compiled {
    const args = allArgs(c);
    const s = args.map((a) => stringifier(a.type));
    return mapN(args, "string", (vs) => vs.slice(1).map((v, k) => s[k + 1](v)).join(s[0](vs[0])));
}

function split(c: CallSite): Compiled {
    const args = allArgs(c);
    const s0 = stringifier(args[0].type);
    const s1 = stringifier(args[1].type);
    return mapN(args, "dynamic", ([text, delim, index]) => {
        const parts = s0(text).split(s1(delim));
        if (args.length < 3) return parts;
        if (index === null) return null;
        const k = Number(index);
        return k >= 0 && k < parts.length ? [parts[k]] : [];
    });
}

function substring(c: CallSite): Compiled {
    const args = allArgs(c);
    const s0 = stringifier(args[0].type);
    return mapN(args, "string", ([text, start, length]) => {
        const s = s0(text);
        const from = Math.max(0, Number(start ?? 0));
        if (args.length < 3) return s.slice(from);
        return length === null ? s.slice(from) : s.substr(from, Math.max(0, Number(length)));
    });
}

/** Where `indexof`/`array_index_of` start searching: a negative `start` counts back from the end (`-3` of 7 is 4), clamped to 0. */
function searchStart(start: number, length: number): number {
    const k = Math.trunc(start);
    return k < 0 ? Math.max(0, length + k) : k;
}

/**
 * `indexof(string, match[, start[, length[, occurrence]]])`. Each search examines `length`
 * characters (-1: to the end) from its start, and the match must lie within them; the search for
 * the next occurrence starts one character after the previous match with the same `length` (this
 * reproduces all nine results of Microsoft's page, e.g. `indexof("abcdefgabcdefg", "cde", 1, 10, 2)`
 * is 9). Null when `length` < -1 or `occurrence` < 0; an occurrence of 0 is read as 1.
 */
function indexOf(c: CallSite): Compiled {
    const args = allArgs(c);
    const s0 = stringifier(args[0].type);
    const s1 = stringifier(args[1].type);
    return mapN(args, "long", ([text, lookup, start, length, occurrence]) => {
        const t = s0(text);
        const m = s1(lookup);
        const len = length === undefined || length === null ? -1 : Math.trunc(Number(length));
        const occ = occurrence === undefined || occurrence === null ? 1 : Math.max(1, Math.trunc(Number(occurrence)));
        if (len < -1 || (occurrence !== undefined && occurrence !== null && Number(occurrence) < 0)) return null;
        let from = searchStart(Number(start ?? 0), t.length);
        let found = -1;
        for (let k = 0; k < occ; k++) {
            const end = len === -1 ? t.length : Math.min(t.length, from + len);
            found = t.indexOf(m, from);
            if (found < 0 || found + m.length > end) return -1;
            from = found + 1;
        }
        return found;
    });
}

/** How `extract(regex, group, source, typeof(T))` converts the captured text to the call's type. */
const EXTRACT_CONVERTERS: Partial<Record<KustoType, (v: EvalValue) => EvalValue>> = {
    int: toLongConverter("string"),
    long: toLongConverter("string"),
    real: toRealConverter("string"),
    bool: toBoolConverter("string"),
    datetime: toDateTimeConverter("string"),
    timespan: toTimespanConverter("string"),
};

/** `extract(regex, group, source[, typeof(T)])`: the captured text, `""` without a match; with a type, the text converted to it (null when it does not convert or nothing matched). */
function extract(c: CallSite): Compiled {
    if (c.args.length < 4 || c.type === "string") return extractText(c);
    const typed = EXTRACT_CONVERTERS[c.type];
    if (!typed) throw c.fail(`extract() to ${c.type} is not implemented`);
    return map1(extractText(c), c.type, (v) => (v === "" ? null : typed(v)));
}

function extractText(c: CallSite): Compiled {
    const pattern = kustoRegex(String(constantArg(c, 0, "the regular expression")));
    const group = Number(constantArg(c, 1, "the capture group"));
    const source = c.arg(2);
    const s = stringifier(source.type);
    return map1(source, "string", (v) => {
        const m = pattern.exec(s(v));
        return m ? (m[group] ?? "") : "";
    });
}

function trimFn(where: "both" | "start" | "end"): ScalarFunction {
    return (c) => {
        const re = kustoRegex(String(constantArg(c, 0, "the regular expression")));
        const start = new RegExp(`^(?:${re.source})+`, re.flags);
        const end = new RegExp(`(?:${re.source})+$`, re.flags);
        const source = c.arg(1);
        const s = stringifier(source.type);
        return map1(source, "string", (v) => {
            let t = s(v);
            if (where !== "end") t = t.replace(start, "");
            if (where !== "start") t = t.replace(end, "");
            return t;
        });
    };
}

function replaceString(c: CallSite): Compiled {
    const args = allArgs(c);
    const s = args.map((a) => stringifier(a.type));
    return mapN(args, "string", ([text, lookup, rewrite]) => {
        const l = s[1](lookup);
        return l === "" ? s[0](text) : s[0](text).split(l).join(s[2](rewrite));
    });
}

function packArray(c: CallSite): Compiled {
    const args = allArgs(c);
    const d = args.map((a) => toDynamic(a.type));
    return mapN(args, "dynamic", (vs) => vs.map((v, k) => d[k](v)));
}

function bagPack(c: CallSite): Compiled {
    const args = allArgs(c);
    const d = args.map((a) => toDynamic(a.type));
    return mapN(args, "dynamic", (vs) => {
        const out: Record<string, DynamicValue> = {};
        for (let k = 0; k + 1 < vs.length; k += 2) out[String(vs[k])] = d[k + 1](vs[k + 1]);
        return out;
    });
}

/**
 * `array_index_of(array, value [, start [, length [, occurrence]]])`: the index of the
 * `occurrence`-th element equal to `value` among the `length` elements from `start` (a negative
 * start counts back from the end, length -1 is to the end), -1 when there is none; null when the
 * array is not an array or for occurrence < 0 or length < -1 (Kusto's "irrelevant inputs").
 */
function arrayIndexOf(c: CallSite): Compiled {
    const value = c.arg(1);
    const d = toDynamic(value.type);
    const find = (arr: EvalValue, v: EvalValue, start: number, length: number, occurrence: number): EvalValue => {
        if (!Array.isArray(arr)) return null;
        if (occurrence < 0 || length < -1) return null;
        const items = arr as readonly EvalValue[];
        const from = searchStart(start, items.length);
        const to = length === -1 ? items.length : Math.min(items.length, from + length);
        const key = hashKey(d(v));
        let seen = 0;
        for (let k = from; k < to; k++) if (hashKey(items[k]) === key && ++seen >= Math.max(1, occurrence)) return k;
        return -1;
    };
    if (c.args.length === 2) return map2(c.arg(0), value, c.type, (arr, v) => find(arr, v, 0, -1, 1));
    return mapN(allArgs(c), c.type, ([arr, v, start, length, occurrence]) => {
        if (start === null || (c.args.length > 3 && length === null) || (c.args.length > 4 && occurrence === null)) return null;
        return find(arr, v, Number(start), c.args.length > 3 ? Math.trunc(Number(length)) : -1, c.args.length > 4 ? Math.trunc(Number(occurrence)) : 1);
    });
}

function setHasElement(c: CallSite): Compiled {
    const value = c.arg(1);
    const d = toDynamic(value.type);
    return map2(c.arg(0), value, "bool", (arr, v) => {
        if (!Array.isArray(arr)) return null;
        const x = d(v);
        return (arr as readonly EvalValue[]).some((e) => e !== null && x !== null && valuesEqual(e, x));
    });
}

function nowFn(c: CallSite): Compiled {
    const runtime = c.scope.query.runtime;
    if (c.args.length === 0) return perRunValue("datetime", () => runtime.now);
    const offset = c.arg(0);
    return { fn: (r, i, rs) => runtime.now + ((offset.fn(r, i, rs) as number | null) ?? 0), type: "datetime", constant: false };
}

function ago(c: CallSite): Compiled {
    const runtime = c.scope.query.runtime;
    const span = c.arg(0);
    if (span.constant) {
        const v = span.value as number | null;
        return perRunValue("datetime", () => (v === null ? null : runtime.now - v));
    }
    const f = span.fn;
    return {
        fn: (r, i, rs) => {
            const v = f(r, i, rs) as number | null;
            return v === null ? null : runtime.now - v;
        },
        type: "datetime",
        constant: false,
    };
}

/**
 * The key under which an input row carries the time it was ingested, which `ingestion_time()` returns:
 * Kusto's name of the hidden column. Rows without it have a null ingestion time.
 */
export const INGESTION_TIME_KEY = "$IngestionTime";

/** `ingestion_time()`: the ingestion time of a table's own row; refused once operators have reshaped the rows (Kusto has the hidden column only there). */
function ingestionTime(c: CallSite): Compiled {
    if (!(c.scope.layout instanceof SourceLayout)) throw c.fail("ingestion_time() is evaluated only on a table's own rows, before any extend, project, summarize or join");
    return { fn: (r) => normalizeInput((r as Readonly<Record<string, InputValue>>)[INGESTION_TIME_KEY], "datetime"), type: "datetime", constant: false, pure: true };
}

function isEmpty(negate: boolean): ScalarFunction {
    return (c) => map1(c.arg(0), "bool", (v) => (v === null || v === "") !== negate);
}

function isNull(negate: boolean): ScalarFunction {
    return (c) => map1(c.arg(0), "bool", (v) => (v === null) !== negate);
}

/** The implemented scalar functions, by the parser's function name. */
export const SCALAR_FUNCTIONS: Readonly<Record<string, ScalarFunction>> = {
    // conversions
    tostring: (c) => {
        const a = c.arg(0);
        return map1(a, "string", stringifier(a.type));
    },
    todouble: convert(toRealConverter),
    toreal: convert(toRealConverter),
    toint: convert(toLongConverter),
    tolong: convert(toLongConverter),
    tobool: convert(toBoolConverter),
    toboolean: convert(toBoolConverter),
    todatetime: convert(toDateTimeConverter),
    totimespan: convert(toTimespanConverter),
    totime: convert(toTimespanConverter),
    parse_json: parseJson,
    todynamic: parseJson,
    // strings
    strcat,
    strcat_delim: strcatDelim,
    strlen: stringFn((s) => Array.from(s).length),
    tolower: stringFn((s) => s.toLowerCase()),
    toupper: stringFn((s) => s.toUpperCase()),
    substring,
    split,
    indexof: indexOf,
    extract,
    trim: trimFn("both"),
    trim_start: trimFn("start"),
    trim_end: trimFn("end"),
    replace_string: replaceString,
    isempty: isEmpty(false),
    isnotempty: isEmpty(true),
    isnull: isNull(false),
    isnotnull: isNull(true),
    coalesce,
    // logic
    iff,
    iif: iff,
    case: caseFn,
    not: (c) => map1(c.arg(0), "bool", (v) => (v === null ? null : !v)),
    // numbers
    abs: mathFn(Math.abs),
    sqrt: mathFn(Math.sqrt),
    exp: mathFn(Math.exp),
    log: mathFn(Math.log),
    log10: mathFn(Math.log10),
    log2: mathFn(Math.log2),
    ceiling: mathFn(Math.ceil),
    sign: mathFn(Math.sign),
    pow: (c) => strict2(c.arg(0), c.arg(1), c.type, (a, b) => Math.pow(a as number, b as number)),
    round,
    bin: binFn,
    floor: binFn,
    bin_at: (c) => mapN(allArgs(c), c.type, ([v, size, at]) => (v === null || size === null || at === null ? null : (binValue((v as number) - (at as number), size as number) ?? NaN) + (at as number))),
    max_of: extremeOf(1),
    min_of: extremeOf(-1),
    // datetimes
    now: nowFn,
    ingestion_time: ingestionTime,
    ago,
    datetime_diff: datetimeDiffFn,
    datetime_add: datetimeAddFn,
    startofday: startOfFn("day"),
    startofweek: startOfFn("week"),
    startofmonth: startOfFn("month"),
    startofyear: startOfFn("year"),
    dayofweek: (c) => strict1(c.arg(0), "timespan", (v) => dayOfWeek(v as number)),
    hourofday: datePart((d) => d.getUTCHours()),
    dayofmonth: datePart((d) => d.getUTCDate()),
    getmonth: datePart((d) => d.getUTCMonth() + 1),
    monthofyear: datePart((d) => d.getUTCMonth() + 1),
    getyear: datePart((d) => d.getUTCFullYear()),
    make_datetime: makeDateTime,
    unixtime_seconds_todatetime: (c) => strict1(c.arg(0), "datetime", (v) => inDateTimeRange((v as number) * 1000)),
    unixtime_milliseconds_todatetime: (c) => strict1(c.arg(0), "datetime", (v) => inDateTimeRange(v as number)),
    // dynamic
    array_length: (c) => map1(c.arg(0), "long", (v) => (Array.isArray(v) ? v.length : null)),
    pack_array: packArray,
    bag_pack: bagPack,
    pack: bagPack,
    array_index_of: arrayIndexOf,
    set_has_element: setHasElement,
    // window
    prev: window(-1),
    next: window(1),
    row_number: rowNumber,
};
