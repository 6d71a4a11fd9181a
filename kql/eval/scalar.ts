/**
 * Compiles scalar expressions of the parser's syntax tree into closures: literals, column and
 * `let` references, dynamic property access, arithmetic, comparisons with Kusto's null rules,
 * logical operators, string predicates, `in`/`between`/`has_any`, `toscalar()` and function calls.
 */
import { kusto } from "../kusto";
import { allPure, map1, map2, strict2 } from "./compose";
import { constant, perRun, type Compiled, type ScalarFn, type ScalarScope } from "./context";
import { SCALAR_FUNCTIONS, type CallSite } from "./functions";
import { accessors } from "./layout";
import { lowerCased, stringTest } from "./strings";
import { child, elements, isTabular, kindName, scalarTypeOf, simpleName, unsupported, type Node } from "./syntax";
import {
    compareValues,
    formatDateTime,
    formatTimespan,
    hashKey,
    isIntegerType,
    parseDateTime,
    parseTimespan,
    stringifier,
    valuesEqual,
    type DynamicValue,
    type EvalValue,
    type KustoType,
} from "./values";

import Syn = Kusto.Language.Syntax;

/** Names of the aggregate functions, so that a call to one outside `summarize` is refused clearly. Filled by the aggregates module. */
export const AGGREGATE_NAMES = new Set<string>();

/** Compiles a scalar expression against `scope`. Throws {@link KqlUnsupportedError} naming the construct for anything the evaluator does not implement. */
export function compileScalar(node: Node, scope: ScalarScope): Compiled {
    const text = scope.query.text;
    const kind = kindName(node);
    switch (kind) {
        case "BooleanLiteralExpression":
        case "IntLiteralExpression":
        case "LongLiteralExpression":
        case "RealLiteralExpression":
        case "DecimalLiteralExpression":
        case "DateTimeLiteralExpression":
        case "TimespanLiteralExpression":
        case "GuidLiteralExpression":
        case "StringLiteralExpression":
        case "CompoundStringLiteralExpression":
            return constant(literalValue(node, text), typeOf(node, text));
        case "DynamicExpression":
            return constant(jsonValue(child((node as Syn.DynamicExpression).Expression, "dynamic value"), text), "dynamic");
        case "ParenthesizedExpression":
            return compileScalar(child((node as Syn.ParenthesizedExpression).Expression, "expression"), scope);
        case "NameReference":
            return nameReference(node, scope);
        case "PathExpression":
            return pathExpression(node as Syn.PathExpression, scope);
        case "ElementExpression":
            return elementExpression(node as Syn.ElementExpression, scope);
        case "UnaryMinusExpression":
        case "UnaryPlusExpression": {
            const operand = compileScalar(child((node as Syn.PrefixUnaryExpression).Expression, "operand"), scope);
            if (kind === "UnaryPlusExpression") return operand;
            return map1(operand, typeOf(node, text), (v) => (v === null ? null : -(v as number)));
        }
        case "InExpression":
        case "InCsExpression":
        case "NotInExpression":
        case "NotInCsExpression":
            return inExpression(node as Syn.InExpression, scope);
        case "BetweenExpression":
        case "NotBetweenExpression":
            return betweenExpression(node as Syn.BetweenExpression, scope, kind === "NotBetweenExpression");
        case "HasAnyExpression":
        case "HasAllExpression":
            return hasAnyAll(node as Syn.HasAnyExpression, scope, kind === "HasAllExpression");
        case "FunctionCallExpression":
            return functionCall(node as Syn.FunctionCallExpression, scope);
        case "ToScalarExpression":
            return toScalar(node as Syn.ToScalarExpression, scope);
        default:
            if (node instanceof kusto().Language.Syntax.BinaryExpression) return binaryExpression(node, scope);
            throw unsupported(text, node, "the evaluator does not implement this expression");
    }
}

/** The scalar type of an expression node; refuses nodes the parser could not type as a scalar the evaluator handles. */
export function typeOf(node: Node, text: string): KustoType {
    const t = scalarTypeOf(node);
    if (!t) throw unsupported(text, node, `the parser types it as "${node.ResultType?.Name ?? "nothing"}", not as a scalar type the evaluator handles`);
    return t;
}

// ---------------------------------------------------------------- literals

function literalValue(node: Node, text: string): EvalValue {
    const lit = node as Syn.LiteralExpression;
    const kind = kindName(node);
    const info = lit.LiteralValueInfo;
    if (kind === "StringLiteralExpression" || kind === "CompoundStringLiteralExpression") {
        const v = info?.Value;
        return typeof v === "string" ? v : (info?.ValueText ?? "");
    }
    const vt = (info?.ValueText ?? "").trim();
    if (vt === "null") return null;
    switch (kind) {
        case "BooleanLiteralExpression":
            return vt.toLowerCase() === "true";
        case "IntLiteralExpression":
        case "LongLiteralExpression": {
            const n = Number(vt);
            if (!Number.isFinite(n)) throw unsupported(text, node, `cannot read the number "${vt}"`);
            return n;
        }
        case "RealLiteralExpression":
        case "DecimalLiteralExpression": {
            const lower = vt.toLowerCase();
            if (lower === "nan") return NaN;
            if (lower === "inf" || lower === "+inf") return Infinity;
            if (lower === "-inf") return -Infinity;
            const n = Number(vt);
            if (Number.isNaN(n)) throw unsupported(text, node, `cannot read the number "${vt}"`);
            return n;
        }
        case "DateTimeLiteralExpression": {
            const ms = parseDateTime(vt);
            if (ms === null) throw unsupported(text, node, `the evaluator reads datetime literals in ISO 8601 form only, not "${vt}"`);
            return ms;
        }
        case "TimespanLiteralExpression": {
            const ms = parseTimespan(vt);
            if (ms === null) throw unsupported(text, node, `cannot read the timespan "${vt}"`);
            return ms;
        }
        default:
            return vt;
    }
}

/** Converts the JSON-like syntax inside `dynamic(...)` to a value; datetimes and timespans inside become their text. */
function jsonValue(node: Node, text: string): DynamicValue {
    const kind = kindName(node);
    switch (kind) {
        case "JsonArrayExpression":
            return elements<Node>((node as Syn.JsonArrayExpression).Values).map((v) => jsonValue(v, text));
        case "JsonObjectExpression": {
            const out: Record<string, DynamicValue> = {};
            for (const pair of elements<Syn.JsonPair>((node as Syn.JsonObjectExpression).Pairs)) {
                const name = child(pair.Name, "property name");
                out[String(name.ValueText ?? name.Text ?? "")] = jsonValue(child(pair.Value, "property value"), text);
            }
            return out;
        }
        case "NullLiteralExpression":
            return null;
        case "DateTimeLiteralExpression": {
            const v = literalValue(node, text);
            return v === null ? null : formatDateTime(v as number);
        }
        case "TimespanLiteralExpression": {
            const v = literalValue(node, text);
            return v === null ? null : formatTimespan(v as number);
        }
        case "UnaryMinusExpression": {
            const v = jsonValue(child((node as Syn.PrefixUnaryExpression).Expression, "operand"), text);
            if (typeof v !== "number") throw unsupported(text, node, "only numbers can be negated inside dynamic()");
            return -v;
        }
        default:
            if (kind.endsWith("LiteralExpression") && kind !== "TokenLiteralExpression") return literalValue(node, text) as DynamicValue;
            throw unsupported(text, node, "the evaluator does not implement this inside dynamic()");
    }
}

// ---------------------------------------------------------------- names and paths

function nameReference(node: Node, scope: ScalarScope): Compiled {
    const text = scope.query.text;
    const K = kusto();
    const symbol = node.ReferencedSymbol;
    if (symbol instanceof K.Language.Symbols.ColumnSymbol) {
        const name = symbol.Name ?? simpleName(node);
        const read = scope.layout.accessor(name);
        if (!read) throw unsupported(text, node, `column "${name}" is not available at this point of the evaluation`);
        return { fn: read, type: typeOf(node, text), constant: false, pure: true };
    }
    if (symbol instanceof K.Language.Symbols.VariableSymbol) {
        const value = scope.query.scalarVariable(symbol);
        if (!value) throw unsupported(text, node, `"${symbol.Name}" is not a scalar let value here`);
        return value;
    }
    throw unsupported(text, node, `references a ${symbol ? kindOfSymbol(symbol) : "name the parser did not bind"}, which the evaluator cannot read as a scalar`);
}

function kindOfSymbol(symbol: Kusto.Language.Symbols.Symbol): string {
    const K = kusto();
    const name = K.Language.Symbols.SymbolKind[symbol.Kind] as string | undefined;
    return `${name ?? "symbol"} "${symbol.Name}"`;
}

/** Reads property `key` of a dynamic object, or `null` when the value is not an object or lacks it. */
function property(v: EvalValue, key: string): EvalValue {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return null;
    return Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, EvalValue>)[key] : null;
}

/** Reads element `index` of a dynamic array (negative counts from the end), or `null`. */
function element(v: EvalValue, index: number): EvalValue {
    if (!Array.isArray(v)) return null;
    const arr = v as readonly EvalValue[];
    const i = index < 0 ? arr.length + index : index;
    return i >= 0 && i < arr.length ? arr[i] : null;
}

function pathExpression(node: Syn.PathExpression, scope: ScalarScope): Compiled {
    const text = scope.query.text;
    const baseNode = child(node.Expression, "path base");
    const base = compileScalar(baseNode, scope);
    if (base.type !== "dynamic") throw unsupported(text, node, `property access on a ${base.type} value`);
    const selector = child(node.Selector, "path selector");
    const key = simpleName(selector);
    if (!key) throw unsupported(text, selector, "the evaluator reads properties by plain or bracketed names only");
    return map1(base, "dynamic", (v) => property(v, key));
}

function elementExpression(node: Syn.ElementExpression, scope: ScalarScope): Compiled {
    const text = scope.query.text;
    const base = compileScalar(child(node.Expression, "element base"), scope);
    if (base.type !== "dynamic") throw unsupported(text, node, `indexing a ${base.type} value`);
    const bracket = child(node.Selector, "element selector") as Syn.BracketedExpression;
    const index = compileScalar(child(bracket.Expression, "index"), scope);
    return map2(base, index, "dynamic", (v, k) => {
        if (typeof k === "string") return property(v, k);
        if (typeof k === "number") return element(v, Math.trunc(k));
        return null;
    });
}

// ---------------------------------------------------------------- binary operators

function binaryExpression(node: Syn.BinaryExpression, scope: ScalarScope): Compiled {
    const text = scope.query.text;
    const op = child(node.Operator, "operator").Text ?? "";
    const left = compileScalar(child(node.Left, "left operand"), scope);
    const right = compileScalar(child(node.Right, "right operand"), scope);
    const type = typeOf(node, text);
    switch (op) {
        case "+":
            return strict2(left, right, type, decimalExact(type, (a, b) => a + b));
        case "-":
            return strict2(left, right, type, decimalExact(type, (a, b) => a - b));
        case "*":
            return strict2(left, right, type, decimalExact(type, (a, b) => a * b));
        case "/":
            if (isIntegerType(type)) return strict2(left, right, type, (a, b) => (b === 0 ? null : Math.trunc((a as number) / (b as number))));
            return strict2(left, right, type, (a, b) => (a as number) / (b as number));
        case "%":
            // Kusto's modulo is never negative (-5 % 3 is 1), unlike JavaScript's remainder.
            if (isIntegerType(type)) return strict2(left, right, type, (a, b) => (b === 0 ? null : nonNegativeModulo(a as number, b as number)));
            return strict2(left, right, type, (a, b) => nonNegativeModulo(a as number, b as number));
        case "<":
            return strict2(left, right, "bool", (a, b) => compareValues(a, b) < 0);
        case "<=":
            return strict2(left, right, "bool", (a, b) => compareValues(a, b) <= 0);
        case ">":
            return strict2(left, right, "bool", (a, b) => compareValues(a, b) > 0);
        case ">=":
            return strict2(left, right, "bool", (a, b) => compareValues(a, b) >= 0);
        case "and":
            return logical(left, right, true);
        case "or":
            return logical(left, right, false);
        case "==":
        case "!=":
            if (left.type !== "string" || right.type !== "string") return equality(left, right, op === "!=");
            // Strings are never null: plain comparison, with a constant side fixed.
            return op === "==" ? map2(left, right, "bool", (a, b) => a === b) : map2(left, right, "bool", (a, b) => a !== b);
    }
    const test = stringTest(caseFree(op, right));
    if (!test) throw unsupported(text, node, `the evaluator does not implement the operator "${op}"`);
    const ls = stringifier(left.type);
    const rs = stringifier(right.type);
    return map2(left, right, "bool", (a, b) => test(ls(a), rs(b)));
}

const CASE_SENSITIVE_FORMS: Readonly<Record<string, string>> = { "=~": "==", "!~": "!=" };

/**
 * A case-insensitive operator against a constant without letters (`startswith "500"`) gives the
 * same answers as its case-sensitive form, which is much cheaper: use that form.
 */
function caseFree(op: string, right: Compiled): string {
    if (!right.constant || typeof right.value !== "string" || right.value.toLowerCase() !== right.value.toUpperCase()) return op;
    if (op in CASE_SENSITIVE_FORMS) return CASE_SENSITIVE_FORMS[op];
    if (op.endsWith("_cs") || op === "matches regex" || op === "==" || op === "!=") return op;
    const sensitive = `${op}_cs`;
    return stringTest(sensitive) ? sensitive : op;
}

/** `==` and `!=` with Kusto's null rules: two nulls give null; one null gives false for `==` and true for `!=`. */
function equality(left: Compiled, right: Compiled, negate: boolean): Compiled {
    return map2(left, right, "bool", (a, b) => {
        if (a === null || b === null) return a === null && b === null ? null : negate;
        return valuesEqual(a, b) !== negate;
    });
}

/** `and` / `or` with three-valued logic (null is unknown), short-circuiting on the left operand. */
function logical(left: Compiled, right: Compiled, isAnd: boolean): Compiled {
    const decisive = !isAnd;
    const combine = (a: EvalValue, b: EvalValue): EvalValue => {
        if (a === decisive || b === decisive) return decisive;
        if (a === null || b === null) return null;
        return !decisive;
    };
    if (left.constant && right.constant) return constant(combine(left.value ?? null, right.value ?? null), "bool");
    const fl = left.fn;
    const fr = right.fn;
    return {
        fn: (r, i, rs) => {
            const a = fl(r, i, rs);
            if (a === decisive) return decisive;
            return combine(a, fr(r, i, rs));
        },
        type: "bool",
        constant: false,
        pure: allPure([left, right]),
    };
}

// ---------------------------------------------------------------- in, between, has_any

/** The values an `in` list stands for, per run: scalars, flattened dynamic arrays, and the first column of subqueries. */
function listValues(listNode: Syn.ExpressionList, scope: ScalarScope): { read: (r: unknown, i: number, rs: readonly unknown[]) => EvalValue[]; fixed: boolean; constantOnly: boolean } {
    const parts: Array<{ kind: "scalar"; c: Compiled } | { kind: "table"; read: () => EvalValue[] }> = [];
    for (const e of elements<Node>(listNode.Expressions)) {
        if (isTabular(e)) {
            const plan = scope.query.tabular(e);
            const first = plan.layout.columns[0];
            if (!first) throw unsupported(scope.query.text, e, "the subquery has no columns");
            const read = accessors(plan.layout)[0];
            parts.push({ kind: "table", read: perRun(scope.query.runtime, () => plan.run().map(read)) });
        } else {
            parts.push({ kind: "scalar", c: compileScalar(e, scope) });
        }
    }
    const expand = (c: Compiled, v: EvalValue, out: EvalValue[]): void => {
        if (c.type === "dynamic" && Array.isArray(v)) out.push(...(v as readonly EvalValue[]));
        else out.push(v);
    };
    const allConstant = parts.every((p) => p.kind === "scalar" && p.c.constant);
    if (allConstant) {
        const values: EvalValue[] = [];
        for (const p of parts) if (p.kind === "scalar") expand(p.c, p.c.value ?? null, values);
        return { read: () => values, fixed: true, constantOnly: true };
    }
    return {
        read: (r, i, rs) => {
            const out: EvalValue[] = [];
            for (const p of parts) {
                if (p.kind === "table") out.push(...p.read());
                else expand(p.c, p.c.fn(r, i, rs), out);
            }
            return out;
        },
        fixed: parts.every((p) => p.kind === "table" || p.c.constant),
        constantOnly: false,
    };
}

function inExpression(node: Syn.InExpression, scope: ScalarScope): Compiled {
    const text = scope.query.text;
    const op = child(node.Operator, "operator").Text ?? "";
    if (!["in", "in~", "!in", "!in~"].includes(op)) throw unsupported(text, node, `the evaluator does not implement "${op}"`);
    const negate = op.startsWith("!");
    const caseless = op.endsWith("~");
    const left = compileScalar(child(node.Left, "left operand"), scope);
    const list = listValues(child(node.Right, "list"), scope);
    const toKey = (v: EvalValue): string | number | boolean | null => (caseless && typeof v === "string" ? lowerCased(v) : hashKey(v));
    const fl = left.fn;
    const test = (set: ReadonlySet<unknown>, v: EvalValue): EvalValue => (v === null ? negate : set.has(toKey(v)) !== negate);
    if (list.fixed) {
        const makeSet = perRun(scope.query.runtime, () => new Set(list.read(null, 0, []).map(toKey)));
        // A list of constants only (no subquery) is the same in every run.
        const pure = list.constantOnly && left.pure === true;
        if (left.constant) {
            const v = left.value ?? null;
            return { fn: () => test(makeSet(), v), type: "bool", constant: false, pure };
        }
        return { fn: (r, i, rs) => test(makeSet(), fl(r, i, rs)), type: "bool", constant: false, pure };
    }
    return { fn: (r, i, rs) => test(new Set(list.read(r, i, rs).map(toKey)), fl(r, i, rs)), type: "bool", constant: false };
}

function betweenExpression(node: Syn.BetweenExpression, scope: ScalarScope, negate: boolean): Compiled {
    const left = compileScalar(child(node.Left, "left operand"), scope);
    const couple = child(node.Right, "range");
    const low = compileScalar(child(couple.First, "lower bound"), scope);
    let high = compileScalar(child(couple.Second, "upper bound"), scope);
    if (low.type === "datetime" && high.type === "timespan") high = strict2(low, high, "datetime", (a, b) => (a as number) + (b as number));
    const fl = left.fn;
    const fa = low.fn;
    const fb = high.fn;
    return {
        fn: (r, i, rs) => {
            const v = fl(r, i, rs);
            const a = fa(r, i, rs);
            const b = fb(r, i, rs);
            if (v === null || a === null || b === null) return null;
            return (compareValues(v, a) >= 0 && compareValues(v, b) <= 0) !== negate;
        },
        type: "bool",
        constant: false,
        pure: allPure([left, low, high]),
    };
}

function hasAnyAll(node: Syn.HasAnyExpression, scope: ScalarScope, all: boolean): Compiled {
    const left = compileScalar(child(node.Left, "left operand"), scope);
    const list = listValues(child(node.Right, "list"), scope);
    const ls = stringifier(left.type);
    const tests = new Map<string, (s: string) => boolean>();
    const termTest = (term: string): ((s: string) => boolean) => {
        let t = tests.get(term);
        if (!t) {
            const own = stringTest("has");
            if (!own) throw new Error("KQL evaluator: the has test is missing");
            t = (s: string) => own(s, term);
            tests.set(term, t);
        }
        return t;
    };
    const toTerm = stringifier("dynamic");
    const fl = left.fn;
    return {
        fn: (r, i, rs) => {
            const s = ls(fl(r, i, rs));
            const terms = list.read(r, i, rs).map(toTerm);
            return all ? terms.every((t) => termTest(t)(s)) : terms.some((t) => termTest(t)(s));
        },
        type: "bool",
        constant: false,
    };
}

// ---------------------------------------------------------------- calls

function functionCall(node: Syn.FunctionCallExpression, scope: ScalarScope): Compiled {
    const text = scope.query.text;
    const symbol = node.ReferencedSymbol;
    const name = symbol?.Name ?? simpleName(node.Name);
    if (AGGREGATE_NAMES.has(name)) {
        if (!scope.aggregates) throw unsupported(text, node, `the aggregate function ${name}() is only evaluated inside summarize`);
        return scope.aggregates.register(node, scope);
    }
    const impl = Object.prototype.hasOwnProperty.call(SCALAR_FUNCTIONS, name) ? SCALAR_FUNCTIONS[name] : undefined;
    if (!impl) throw unsupported(text, node, `the evaluator does not implement the function ${name}()`);
    const args = elements<Node>(child(node.ArgumentList, "argument list").Expressions);
    const compiled = new Map<number, Compiled>();
    const site: CallSite = {
        node,
        name,
        args,
        type: typeOf(node, text),
        scope,
        arg(i) {
            let c = compiled.get(i);
            if (!c) {
                const a = args[i];
                if (!a) throw unsupported(text, node, `${name}() needs argument ${i + 1}`);
                c = compileScalar(a, scope);
                compiled.set(i, c);
            }
            return c;
        },
        fail(reason) {
            return unsupported(text, node, reason);
        },
        compileIn: compileScalar,
    };
    return impl(site);
}

function toScalar(node: Syn.ToScalarExpression, scope: ScalarScope): Compiled {
    const text = scope.query.text;
    if (node.KindParameter) throw unsupported(text, node, "toscalar(kind=...) is not implemented");
    const plan = scope.query.tabular(child(node.Expression, "subquery"));
    const type = typeOf(node, text);
    if (plan.layout.columns.length === 0) throw unsupported(text, node, "the subquery has no columns");
    const read = accessors(plan.layout)[0];
    const value = perRun(scope.query.runtime, () => {
        const rows = plan.run();
        return rows.length > 0 ? read(rows[0]) : null;
    });
    return { fn: () => value(), type, constant: false };
}

/** Compiles each expression of a list against `scope`. */
export function compileAll(nodes: readonly Node[], scope: ScalarScope): Compiled[] {
    return nodes.map((n) => compileScalar(n, scope));
}

/** A scalar function that evaluates `c` and treats anything but `true` as false (as `where` does). */
export function predicate(c: Compiled): (r: unknown, i: number, rs: readonly unknown[]) => boolean {
    if (c.constant) {
        const v = c.value === true;
        return () => v;
    }
    const f: ScalarFn = c.fn;
    return (r, i, rs) => f(r, i, rs) === true;
}

/** `a % b` made non-negative, as Kusto's modulo is: the remainder plus |b| when it is below zero. */
function nonNegativeModulo(a: number, b: number): number {
    const r = a % b;
    // -6 % 3 is -0 in JavaScript; Kusto prints 0.
    return r < 0 ? r + Math.abs(b) : r === 0 ? 0 : r;
}

/**
 * The arithmetic `f` on two numbers; for `decimal` results, rounded to 15 significant digits, so
 * `decimal(1.1) + decimal(2.2)` is 3.3 as Kusto's decimal gives it, not binary floating point's
 * 3.3000000000000003 (the evaluator holds decimals as JavaScript numbers).
 */
function decimalExact(type: string, f: (a: number, b: number) => number): (a: unknown, b: unknown) => number {
    if (type !== "decimal") return (a, b) => f(a as number, b as number);
    return (a, b) => Number(f(a as number, b as number).toPrecision(15));
}
