/**
 * analyzeKql (kql/kusto.ts) analyzes without the parser's completion grammar: held here against the
 * parser's own `KustoCode.ParseAndAnalyze`, grammar and all, on every detection's query and every
 * query of the vendored Kusto corpus (the erroneous ones included).
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { analyzeKql, kusto, logAnalyticsGlobals, toArray } from "../kql/kusto";
import { DETECTIONS } from "../queries/catalog";
import { ENVIRONMENT_PROFILES, MONITORED_HUBS_PARAMETER, renderDetectionQuery } from "../queries/detection";

const CORPUS = path.join(__dirname, "fixtures", "kusto-docs", "corpus.json");
const HUB = "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/iot-prod/providers/microsoft.devices/iothubs/plant-7";

/** A type as text: its name, and a table's columns with theirs. */
function typeText(type: Kusto.Language.Symbols.TypeSymbol | null): string {
    if (!type) return "";
    if (!(type instanceof kusto().Language.Symbols.TableSymbol)) return type.Name ?? "";
    return `(${toArray<Kusto.Language.Symbols.ColumnSymbol>(type.Columns).map((c) => `${c.Name}:${c.Type?.Name}`).join(", ")})`;
}

/** The parser's analysis as data: each element of the tree (kind, place, type, referenced symbol), the diagnostics and the result type. */
function describeCode(code: Kusto.Language.KustoCode): { tree: string[]; diagnostics: string[]; result: string } {
    const tree: string[] = [];
    code.Syntax?.WalkElements((e) => {
        const node = e as Kusto.Language.Syntax.SyntaxNode;
        const expression = e as Kusto.Language.Syntax.Expression;
        tree.push(`${e.Kind} ${e.TextStart}+${e.Width} ${typeText(expression.ResultType)} ${node.ReferencedSymbol?.Name ?? ""}`);
    });
    const diagnostics = toArray<Kusto.Language.Diagnostic>(code.GetDiagnostics()).map((d) => `${d.Code} ${d.Start}+${d.Length} ${d.Message}`);
    return { tree, diagnostics, result: typeText(code.ResultType) };
}

function withGrammar(text: string): Kusto.Language.KustoCode {
    const code = kusto().Language.KustoCode.ParseAndAnalyze(text, logAnalyticsGlobals());
    if (!code) throw new Error("no code");
    return code;
}

const corpus = (JSON.parse(fs.readFileSync(CORPUS, "utf8")) as { cases: { id: string; query: string }[] }).cases;
const queries: [string, string][] = [
    ...DETECTIONS.flatMap((d) => ENVIRONMENT_PROFILES.map((p): [string, string] => [`${d.id} (${p})`, renderDetectionQuery(d, { [MONITORED_HUBS_PARAMETER]: [HUB] }, p)])),
    ...corpus.map((c): [string, string] => [c.id, c.query]),
    ["an unknown column", "AzureDiagnostics | where NoSuchColumn > 1"],
    ["a syntax error", "AzureDiagnostics | summarize count() by"],
    ["a control command", ".show tables"],
    ["a control command after a directive", "#connect cluster('help').database('Samples')\n.show tables"],
];

describe("analyzeKql without the completion grammar", () => {
    // First in the file: the command grammar, which reads the query grammar's parsers, is built by this analysis.
    it("analyzes a control command with the grammar, as the parser does", () => {
        const command = ".show tables";
        const ours = analyzeKql(command);
        expect(describeCode(ours.code)).toEqual(describeCode(withGrammar(command)));
        expect(ours.code.Syntax?.ToString(kusto().Language.Syntax.IncludeTrivia.All)).toBe(command);
    });

    it.each(queries)("gives the parser's own tree, types, diagnostics and result for %s", (_name, text) => {
        const ours = analyzeKql(text);
        const theirs = withGrammar(text);
        const described = describeCode(ours.code);
        expect(described.tree.length).toBeGreaterThan(2);
        expect(described).toEqual(describeCode(theirs));
        expect(ours.code.Syntax?.ToString(kusto().Language.Syntax.IncludeTrivia.All)).toBe(text);
    });

    it("does not build the grammar, and puts QueryGrammar.From back", () => {
        const grammar = kusto().Language.Parsing.QueryGrammar;
        const from = grammar.From;
        let built = 0;
        const counting = (globals: Kusto.Language.GlobalState | null): Kusto.Language.Parsing.QueryGrammar | null => {
            built++;
            return from(globals);
        };
        grammar.From = counting;
        try {
            expect(analyzeKql("AzureDiagnostics | take 1").diagnostics).toEqual([]);
            expect(built).toBe(0);
            expect(grammar.From).toBe(counting);
            // The parser's own entry point still builds it.
            withGrammar("AzureDiagnostics | take 1");
            expect(built).toBe(1);
        } finally {
            grammar.From = from;
        }
    });

    it("puts QueryGrammar.From back when the parser throws", () => {
        const K = kusto();
        const grammar = K.Language.Parsing.QueryGrammar;
        const from = grammar.From;
        const parse = K.Language.KustoCode.ParseAndAnalyze;
        K.Language.KustoCode.ParseAndAnalyze = () => {
            throw new Error("the parser failed");
        };
        try {
            expect(() => analyzeKql("AzureDiagnostics")).toThrow("the parser failed");
            expect(grammar.From).toBe(from);
        } finally {
            K.Language.KustoCode.ParseAndAnalyze = parse;
        }
    });
});
