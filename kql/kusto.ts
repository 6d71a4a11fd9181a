/// <reference types="@kusto/language-service-next" />
/**
 * Loads Microsoft's KQL parser and semantic analyzer (`@kusto/language-service-next`) once per
 * process and analyzes query text against the checked-in `AzureDiagnostics` schema.
 *
 * The parser ships as two Bridge.NET scripts that install the globals `Bridge` and `Kusto`;
 * `bridge.js` must be loaded before `Kusto.Language.Bridge.js`.
 */
import { AZURE_DIAGNOSTICS_TABLE, azureDiagnosticsSchemaText } from "./schema";

let globalsCache: Kusto.Language.GlobalState | undefined;

/** Returns the `Kusto` namespace, loading the parser scripts on first use. */
export function kusto(): typeof Kusto {
    const g = globalThis as unknown as { Kusto?: typeof Kusto };
    if (!g.Kusto) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("@kusto/language-service-next/bridge.min.js");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
    }
    if (!g.Kusto) {
        throw new Error("@kusto/language-service-next did not install the Kusto global");
    }
    return g.Kusto;
}

/** The parser's global state with one database (`law`) holding the `AzureDiagnostics` table. */
export function logAnalyticsGlobals(): Kusto.Language.GlobalState {
    if (!globalsCache) {
        const K = kusto();
        const table = new K.Language.Symbols.TableSymbol.$ctor7(AZURE_DIAGNOSTICS_TABLE, azureDiagnosticsSchemaText(), null);
        // The bridge accepts a plain array where its typings ask for a .NET IEnumerable.
        const tables = [table] as unknown as System.Collections.Generic.IEnumerable$1<Kusto.Language.Symbols.Symbol>;
        const db = new K.Language.Symbols.DatabaseSymbol.$ctor1("law", tables, false);
        const state = K.Language.GlobalState.Default?.WithDatabase(db);
        if (!state) throw new Error("the KQL parser has no default global state");
        globalsCache = state;
    }
    return globalsCache;
}

/** One diagnostic of the parser, with a 1-based line and column computed from its offset. */
export interface KqlDiagnostic {
    /** `Error`, `Warning`, `Suggestion` or `Information`, as the parser reports it. */
    readonly severity: string;
    /** The parser's code, e.g. `KS142` (unknown name). */
    readonly code: string;
    readonly message: string;
    /** Offset of the problem in the query text (0-based). */
    readonly start: number;
    readonly length: number;
    /** 1-based line of `start`. */
    readonly line: number;
    /** 1-based column of `start`. */
    readonly column: number;
}

/** A result column the parser inferred: its name and Kusto scalar type (`long`, `real`, `string`, `datetime`, ...). */
export interface KqlColumn {
    readonly name: string;
    readonly type: string;
}

/** What the parser made of one query: the code tree, its diagnostics and the result columns. */
export interface AnalyzedQuery {
    readonly text: string;
    readonly code: Kusto.Language.KustoCode;
    readonly diagnostics: readonly KqlDiagnostic[];
    /** Columns of the query's result when it is tabular, otherwise empty. */
    readonly columns: readonly KqlColumn[];
}

/** Converts the parser's list type (plain array when empty, `Count`/`getItem` otherwise) to an array. */
export function toArray<T>(list: unknown): T[] {
    if (list === null || list === undefined) return [];
    if (Array.isArray(list)) return list as T[];
    const l = list as { Count: number; getItem(i: number): T };
    const out: T[] = [];
    for (let i = 0; i < l.Count; i++) out.push(l.getItem(i));
    return out;
}

/** Returns 1-based line and column of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
    let line = 1;
    let lastBreak = -1;
    for (let i = 0; i < offset && i < text.length; i++) {
        if (text.charCodeAt(i) === 10) {
            line++;
            lastBreak = i;
        }
    }
    return { line, column: offset - lastBreak };
}

/**
 * What `QueryGrammar.From` returns while {@link analyzeKql} parses: a grammar without parsers. The
 * parser's `KustoCode` keeps the grammar only for completion, which nothing here asks for.
 */
const NO_COMPLETION_GRAMMAR = { QueryBlock: null } as unknown as Kusto.Language.Parsing.QueryGrammar;

/**
 * `KustoCode.ParseAndAnalyze` without the query grammar. The parser parses queries with its
 * hand-written `QueryParser`, yet builds the combinator grammar of the whole language (its
 * `QueryGrammar`, used only for completion) into every `KustoCode` it makes: the first time in a
 * thread that costs about 0.4 s, and 0.6 s of CPU time with the compiler threads, against 50 ms
 * for the rest of the first analysis. Every replay worker, test file and command that analyzes KQL
 * pays it. So `QueryGrammar.From` is swapped for one that returns an empty grammar for the
 * duration of the call (synchronous, so nothing else runs meanwhile) and put back after it, also
 * when the call throws. Parsing and analysis are the parser's own; the resulting code has no
 * grammar, so it cannot offer completion. Only queries take this way: a control command (text
 * starting with `.`) is parsed by the command grammar, whose construction reads the query
 * grammar's parsers, so it is analyzed with the grammar as the parser does. Held against the
 * parser's own `ParseAndAnalyze` in the tests (test/kql-parser.test.ts): the same tree,
 * diagnostics and result type.
 */
function parseAndAnalyzeWithoutGrammar(K: typeof Kusto, text: string, globals: Kusto.Language.GlobalState): Kusto.Language.KustoCode | null {
    // Only a query, parsed by the default (hand-written) parser, is analyzed without the grammar.
    if (K.Language.KustoCode.GetKind(text) !== K.Language.Editor.CodeKinds.Query || globals.ParseOptions?.ParserKind !== K.Language.ParserKind.Default) {
        return K.Language.KustoCode.ParseAndAnalyze(text, globals);
    }
    const grammar = K.Language.Parsing.QueryGrammar;
    const from = grammar.From;
    grammar.From = () => NO_COMPLETION_GRAMMAR;
    try {
        return K.Language.KustoCode.ParseAndAnalyze(text, globals);
    } finally {
        grammar.From = from;
    }
}

/** Parses and binds `text` against the `AzureDiagnostics` schema (without the completion grammar: {@link parseAndAnalyzeWithoutGrammar}). */
export function analyzeKql(text: string): AnalyzedQuery {
    const K = kusto();
    const code = parseAndAnalyzeWithoutGrammar(K, text, logAnalyticsGlobals());
    if (!code) throw new Error("the KQL parser returned no result");
    const diagnostics = toArray<Kusto.Language.Diagnostic>(code.GetDiagnostics()).map((d) => {
        const { line, column } = lineAndColumn(text, d.Start);
        return {
            severity: String(d.Severity),
            code: String(d.Code),
            message: String(d.Message),
            start: d.Start,
            length: d.Length,
            line,
            column,
        };
    });
    const resultType = code.ResultType;
    const columns: KqlColumn[] = [];
    if (resultType instanceof K.Language.Symbols.TableSymbol) {
        for (const c of toArray<Kusto.Language.Symbols.ColumnSymbol>(resultType.Columns)) {
            columns.push({ name: c.Name ?? "", type: c.Type?.Name ?? "unknown" });
        }
    }
    return { text, code, diagnostics, columns };
}
