/**
 * The evaluator refuses what it does not implement, naming the construct, and refuses queries the
 * parser reports errors in; it never answers approximately.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { compileKql, evaluateKql, KqlEvalError, KqlQueryError, KqlRuntimeError, KqlUnsupportedError } from "../kql/eval";

function refusal(query: string): KqlUnsupportedError {
    try {
        compileKql(query);
    } catch (e) {
        if (e instanceof KqlUnsupportedError) return e;
        throw e;
    }
    throw new Error(`expected the evaluator to refuse: ${query}`);
}

describe("refusals", () => {
    it("names an unsupported operator with its kind, text and position", () => {
        const e = refusal("AzureDiagnostics\n| mv-expand x = pack_array(1, 2)");
        expect(e.construct).toBe("MvExpandOperator");
        expect(e.text).toBe("mv-expand x = pack_array(1, 2)");
        expect(e.span.line).toBe(2);
        expect(e.span.column).toBe(3);
        expect(e.message).toMatch(/unsupported KQL MvExpandOperator "mv-expand x = pack_array\(1, 2\)" at line 2, column 3/);
    });

    it("names an unsupported scalar function", () => {
        const e = refusal("AzureDiagnostics | extend h = hash(ResultType)");
        expect(e.construct).toBe("FunctionCallExpression");
        expect(e.message).toMatch(/does not implement the function hash\(\)/);
    });

    it("names an unsupported aggregate", () => {
        expect(refusal("AzureDiagnostics | summarize hll(ResultType)").message).toMatch(/hll\(\)/);
    });

    it("refuses prev() on rows the parser marks as not serialized", () => {
        const e = refusal("AzureDiagnostics | summarize by Level | extend p = prev(Level)");
        expect(e.message).toMatch(/prev\(\) needs serialized input/);
        expect(() => compileKql("AzureDiagnostics | order by TimeGenerated asc | extend p = prev(Level)")).not.toThrow();
        expect(refusal("AzureDiagnostics | order by TimeGenerated asc | summarize by Level | extend p = next(Level)").message).toMatch(/next\(\) needs serialized input/);
    });

    it("refuses aggregates outside summarize, user functions, union and other statements", () => {
        expect(() => compileKql("AzureDiagnostics | extend c = count()")).toThrow(KqlQueryError);
        expect(refusal("let f = (x: long) { x + 1 }; print f(1)").construct).toBe("FunctionDeclaration");
        expect(refusal("union AzureDiagnostics, AzureDiagnostics").construct).toBe("UnionOperator");
        expect(refusal("AzureDiagnostics | lookup (AzureDiagnostics | take 1) on Level").construct).toBe("LookupOperator");
        expect(() => compileKql("AzureDiagnostics | join kind=inner (AzureDiagnostics) on $left.Level < $right.Level")).toThrow(KqlEvalError);
    });

    it("refuses a datetime literal in a format it does not read rather than guessing", () => {
        expect(refusal("print datetime(11/22/2026)").construct).toBe("DateTimeLiteralExpression");
    });

    it("refuses queries with parser errors, listing the parser's diagnostics", () => {
        let error: unknown;
        try {
            compileKql("AzureDiagnostics | where NoSuchColumn == 1");
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(KqlQueryError);
        expect((error as KqlQueryError).diagnostics[0].code).toBe("KS142");
    });

    it("fails at run time when a table the query reads is not given", () => {
        expect(() => evaluateKql("AzureDiagnostics | count", {}, { now: 0 })).toThrow(KqlRuntimeError);
    });
});

describe("the detections", () => {
    const dir = path.join(__dirname, "..", "queries");
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".kql"));

    it.each(files)("%s compiles with the evaluator and keeps the parser's result columns", (file) => {
        const compiled = compileKql(fs.readFileSync(path.join(dir, file), "utf8"));
        expect(compiled.columns.length).toBeGreaterThan(0);
        expect(compiled.columns.map((c) => c.name)).toContain("_ResourceId");
        expect(compiled.run({ AzureDiagnostics: [] }, { now: 0 }).rows).toEqual([]);
    });
});
