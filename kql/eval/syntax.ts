/**
 * Helpers over the syntax trees and symbols of Microsoft's KQL parser (`@kusto/language-service-next`):
 * kind names, list conversion, node text and the result types the parser inferred.
 */
import { kusto, lineAndColumn, toArray } from "../kusto";
import { KqlUnsupportedError } from "./errors";
import { kustoTypeOf, type EvalColumn, type KustoType } from "./values";

/** An expression node of the parser (scalar and tabular expressions, query operators); carries the parser's `ResultType`. */
export type Node = Kusto.Language.Syntax.Expression;

let kindNames: Map<number, string> | undefined;

/** The parser's name of a node's syntax kind, e.g. `PipeExpression`, `EqualExpression`. */
export function kindName(node: Kusto.Language.Syntax.SyntaxElement): string {
    if (!kindNames) {
        kindNames = new Map();
        for (const [name, value] of Object.entries(kusto().Language.Syntax.SyntaxKind)) {
            if (typeof value === "number") kindNames.set(value, name);
        }
    }
    return kindNames.get(node.Kind) ?? `SyntaxKind${node.Kind}`;
}

/** The nodes of a parser list: the elements of a separated list (`a, b, c`, without the separators) or the items of a plain list (operator parameters). */
export function elements<T extends Kusto.Language.Syntax.SyntaxNode>(list: unknown): T[] {
    return toArray<Kusto.Language.Syntax.SyntaxNode>(list).map((item) => {
        if (kindName(item) !== "SeparatedElement") return item as T;
        const e = (item as unknown as { Element: T | null }).Element;
        if (!e) throw new Error("the KQL parser returned a list element without a node");
        return e;
    });
}

/** Reads a node's child property, failing clearly when the parser left it empty (it does so only for broken syntax, which is refused before). */
export function child<T>(value: T | null | undefined, what: string): T {
    if (value === null || value === undefined) throw new Error(`the KQL parser returned no ${what}`);
    return value;
}

/** The query text a node spans. */
export function nodeText(text: string, node: Kusto.Language.Syntax.SyntaxElement): string {
    return text.slice(node.TextStart, node.End);
}

/** Builds the error for a construct the evaluator does not implement, naming its kind and text. */
export function unsupported(text: string, node: Kusto.Language.Syntax.SyntaxElement, reason: string): KqlUnsupportedError {
    const raw = nodeText(text, node).replace(/\s+/g, " ").trim();
    const shown = raw.length > 120 ? raw.slice(0, 117) + "..." : raw;
    const { line, column } = lineAndColumn(text, node.TextStart);
    return new KqlUnsupportedError(kindName(node), shown, { start: node.TextStart, length: node.End - node.TextStart, line, column }, reason);
}

/** The scalar type the parser inferred for an expression node, or `undefined` when it is not a scalar (a table, a tuple, unknown). */
export function scalarTypeOf(node: Node): KustoType | undefined {
    const t = node.ResultType;
    if (!t || t.IsTabular) return undefined;
    return kustoTypeOf(t.Name);
}

/** Whether the parser typed the node as a table. */
export function isTabular(node: Node): boolean {
    return node.ResultType?.IsTabular === true;
}

/** Columns of a parser table or tuple symbol; `undefined` columns types are refused by the caller. */
export function symbolColumns(symbol: Kusto.Language.Symbols.Symbol | null | undefined): Kusto.Language.Symbols.ColumnSymbol[] {
    const s = symbol as { Columns?: unknown } | null | undefined;
    return s && s.Columns !== undefined ? toArray<Kusto.Language.Symbols.ColumnSymbol>(s.Columns) : [];
}

/** The result columns of a tabular node as the parser inferred them; throws naming the node when a column has a type the evaluator does not handle. */
export function resultColumns(text: string, node: Node): EvalColumn[] {
    return symbolColumns(node.ResultType).map((c) => {
        const type = kustoTypeOf(c.Type?.Name);
        if (!type) throw unsupported(text, node, `column "${c.Name}" has type "${c.Type?.Name}", which the evaluator does not handle`);
        return { name: c.Name ?? "", type };
    });
}

/** Whether the rows a tabular node produces are serialized (ordered) in the parser's model: after `order by`, `sort`, `top`, `serialize`, and operators that keep that. */
export function isSerialized(node: Node): boolean {
    const t = node.ResultType as { IsSerialized?: boolean; IsSorted?: boolean } | null;
    return !!t && (t.IsSerialized === true || t.IsSorted === true);
}

/** The name a name-bearing node carries (`NameReference`, `NameDeclaration`), without brackets or quotes. */
export function simpleName(node: Node | null | undefined): string {
    const n = node as { SimpleName?: string | null } | null | undefined;
    return n?.SimpleName ?? "";
}

/** The value expression of a possibly named expression (`Name = expr`, `(a, b) = expr`). */
export function valueOf(node: Node): Node {
    const kind = kindName(node);
    if (kind === "SimpleNamedExpression") return child((node as Kusto.Language.Syntax.SimpleNamedExpression).Expression, "named value");
    if (kind === "CompoundNamedExpression") return child((node as Kusto.Language.Syntax.CompoundNamedExpression).Expression, "named value");
    return node;
}

/** Returns an operator's named parameters in `allowed` by name; execution hints (`hint.*`, which change no result) are skipped; any other parameter is refused. */
export function checkHintsOnly(text: string, parameters: unknown, allowed: readonly string[] = []): Map<string, Kusto.Language.Syntax.NamedParameter> {
    const found = new Map<string, Kusto.Language.Syntax.NamedParameter>();
    for (const p of elements<Kusto.Language.Syntax.NamedParameter>(parameters)) {
        const name = simpleName(p.Name);
        if (name.startsWith("hint.")) continue;
        if (!allowed.includes(name)) throw unsupported(text, p, `the parameter ${name} is not implemented`);
        found.set(name, p);
    }
    return found;
}

/** Functions that read the row without naming a column. */
const ROW_FUNCTIONS: ReadonlySet<string> = new Set(["ingestion_time", "prev", "next", "row_number"]);

/**
 * The names of the columns an expression reads (every column name it references, subqueries'
 * included, which only adds names), or `undefined` when it reads the row some other way
 * (`ingestion_time()`, window functions). An empty set: its value is the same for every row of a run.
 */
export function columnsReadBy(node: Kusto.Language.Syntax.SyntaxNode): Set<string> | undefined {
    const K = kusto();
    const names = new Set<string>();
    const visit = (n: Kusto.Language.Syntax.SyntaxNode): boolean => {
        const kind = kindName(n);
        if (kind === "NameReference" && (n as Node).ReferencedSymbol instanceof K.Language.Symbols.ColumnSymbol) names.add(simpleName(n as Node));
        if (kind === "FunctionCallExpression" && ROW_FUNCTIONS.has(simpleName((n as Kusto.Language.Syntax.FunctionCallExpression).Name))) return false;
        for (let i = 0; i < n.ChildCount; i++) {
            const c = n.GetChild(i);
            if (c instanceof K.Language.Syntax.SyntaxNode && !visit(c)) return false;
        }
        return true;
    };
    return visit(node) ? names : undefined;
}
