/**
 * Holds the evaluator to Microsoft's documented answers (issue 16): every self-contained example
 * of the reference pages of the constructs it claims (test/fixtures/kusto-docs/corpus.json,
 * vendored by scripts/vendor-kusto-docs.ts) must be answered as the page documents it, or refused
 * with an error naming the construct. A different answer fails. A claimed construct whose page has
 * a usable example must have at least one answered, unless listed in NOT_ANSWERED with a reason.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { aggregateNames, evaluateKql, KqlQueryError, KqlUnsupportedError, SCALAR_FUNCTIONS } from "../kql/eval";
import { CONSTRUCT_PAGES, constructNames, constructPattern, KUSTO_DOCS_DIR } from "../scripts/kusto-docs-pages";
import type { KustoDocsCase, KustoDocsCorpus } from "../scripts/vendor-kusto-docs";
import { compareWithDocs, queryFixesOrder } from "./support/kustoDocsCompare";

const corpus = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "kusto-docs", "corpus.json"), "utf8")) as KustoDocsCorpus;

/**
 * Documented outputs that are wrong on the page itself (checked by reading the query): the case is
 * compared with the corrected table instead. Keyed by case id.
 */
const DOC_ERRATA: Readonly<Record<string, { readonly reason: string; readonly columns?: string[]; readonly rows?: string[][] }>> = {
    "bin-function#2": { reason: "the page prints 14 days as 14:00:00:00; Kusto writes 14.00:00:00", rows: [["14.00:00:00"]] },
    "join-rightanti#1": { reason: "a rightanti join returns the right side's columns (Key, Value2), as the page's own text says; the header says Value1", columns: ["Key", "Value2"] },
    "max-of-function#2": { reason: "the query names no column: the parser's name is Column1, the page's header says result", columns: ["Column1"] },
    "min-of-function#2": { reason: "the query names no column: the parser's name is Column1, the page's header says result", columns: ["Column1"] },
    "split-function#1": { reason: "the fifth column of print is print_4; the header says print4", columns: ["print_0", "print_1", "print_2", "print_3", "print_4"] },
    "strlen-function#3": { reason: "the query names no column: print's name is print_0, the page's header says length", columns: ["print_0"] },
    "replace-string-function#2": {
        reason: "x is a long (range from 1 step 1, printed 1 in the first column) and tostring() of the long 1 is 1; the page shows 1.000000, the text of a real",
        rows: [1, 2, 3, 4, 5].map((x) => [String(x), `Number is ${x}`, `Number was ${x}`]),
    },
    "variancep-aggregation-function#1": { reason: "the aggregate's column is named variancep_x; the header says variance_x", columns: ["list_x", "variancep_x"] },
    "strcat-function#2": { reason: "the page shows the three lines as a numbered list in one cell; the value is the lines joined by newlines", rows: [["Line 1\nLine 2\nLine 3"]] },
};

/** Claimed constructs whose pages have usable examples none of which is answered, and why that is accepted. */
const NOT_ANSWERED: Readonly<Record<string, string>> = {
    "function:datetime_diff":
        "the page's one example also counts microseconds and nanoseconds, which the evaluator refuses (times are held as milliseconds); its other periods are tests in test/eval-scalar.test.ts",
    "function:dayofmonth": "the page's one example is a bare scalar expression, not a tabular query (refused); dayofmonth() itself is tested in test/eval-functions.test.ts",
};

type Outcome = { kind: "answered" } | { kind: "refused"; message: string } | { kind: "wrong"; message: string };

const NOW = Date.parse("2026-11-22T12:00:00Z");

function outcome(c: KustoDocsCase): Outcome {
    const erratum = DOC_ERRATA[c.id];
    const expected = { columns: erratum?.columns ?? c.expected.columns, rows: erratum?.rows ?? c.expected.rows };
    try {
        const result = evaluateKql(c.query, {}, { now: NOW });
        const ordered = queryFixesOrder(c.query);
        const difference = compareWithDocs(result, expected, ordered);
        if (difference === undefined || (c.alternatives ?? []).some((alt) => compareWithDocs(result, alt, ordered) === undefined)) return { kind: "answered" };
        return { kind: "wrong", message: difference };
    } catch (e) {
        if (e instanceof KqlUnsupportedError || e instanceof KqlQueryError) return { kind: "refused", message: e.message };
        return { kind: "wrong", message: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
    }
}

const outcomes = new Map(corpus.cases.map((c) => [c.id, outcome(c)]));

describe("the vendored corpus of Microsoft's KQL examples", () => {
    it("comes from the pages of every claimed construct, at one commit", () => {
        expect(corpus.repo).toBe("MicrosoftDocs/dataexplorer-docs");
        expect(corpus.commit).toMatch(/^[0-9a-f]{40}$/);
        expect(corpus.constructs).toEqual(CONSTRUCT_PAGES);
        const pages = new Set(corpus.pages.map((p) => p.path));
        for (const files of Object.values(CONSTRUCT_PAGES)) for (const f of files) expect(pages).toContain(`${KUSTO_DOCS_DIR}/${f}`);
        for (const c of [...corpus.cases, ...corpus.skipped]) expect(c.source.commit).toBe(corpus.commit);
        expect(corpus.cases.length).toBeGreaterThan(100);
    });

    it("lists a reference page for every scalar function and aggregate the evaluator implements", () => {
        const listed = new Set(Object.keys(CONSTRUCT_PAGES).filter((k) => /^(function|aggregate):/.test(k)).flatMap(constructNames));
        const missing = [...Object.keys(SCALAR_FUNCTIONS), ...aggregateNames()].filter((n) => !listed.has(n));
        expect(missing).toEqual([]);
    });

    it("skips only with a reason", () => {
        for (const s of corpus.skipped) expect(s.reason).toMatch(/\w/);
    });
});

describe("Microsoft's documented answers", () => {
    it.each(corpus.cases.map((c) => [c.id, c] as const))("%s is answered as documented or refused", (_id, c) => {
        const o = outcomes.get(c.id);
        if (o?.kind === "wrong") expect.fail(`${c.id} answers differently from ${c.source.path}: ${o.message}\n${c.query}`);
        if (o?.kind === "refused") expect(o.message).toMatch(/unsupported KQL \w+ "|the KQL parser reports/);
    });

    it("answers at least one example of every claimed construct that has a usable one", () => {
        const table = summary();
        const unanswered = table.filter((r) => r.cases > 0 && r.answered === 0 && !(r.construct in NOT_ANSWERED)).map((r) => r.construct);
        expect(unanswered).toEqual([]);
        for (const construct of Object.keys(NOT_ANSWERED)) expect(table.find((r) => r.construct === construct)?.answered).toBe(0);
    });

    it("prints the count per construct", () => {
        const rows = summary();
        const total = { cases: corpus.cases.length, answered: 0, refused: 0, skipped: corpus.skipped.length };
        for (const o of outcomes.values()) if (o.kind !== "wrong") total[o.kind]++;
        const lines = rows.map((r) => `| \`${r.construct}\` | ${r.answered} | ${r.refused} | ${r.skipped} | ${r.notSelfContained} | ${r.usedInAnswered ?? "-"} |`);
        // The report for the README: per construct, its pages' cases answered, refused, skipped, the
        // examples that read other tables, and the answered cases of any page that use it.
        process.stdout.write(`| construct | answered | refused | skipped | not self-contained | used in answered cases |\n| --- | --- | --- | --- | --- | --- |\n${lines.join("\n")}\ntotal: ${JSON.stringify(total)}\n`);
        expect(total.answered + total.refused).toBe(total.cases);
    });
});

interface ConstructRow {
    construct: string;
    cases: number;
    answered: number;
    refused: number;
    skipped: number;
    notSelfContained: number;
    /** Answered cases of any page whose query uses the construct (textually); undefined when text cannot tell. */
    usedInAnswered?: number;
}

function summary(): ConstructRow[] {
    return Object.keys(CONSTRUCT_PAGES).map((construct) => {
        const row: ConstructRow = { construct, cases: 0, answered: 0, refused: 0, skipped: 0, notSelfContained: 0 };
        for (const c of corpus.cases) {
            if (!c.constructs.includes(construct)) continue;
            row.cases++;
            const o = outcomes.get(c.id);
            if (o?.kind === "answered") row.answered++;
            if (o?.kind === "refused") row.refused++;
        }
        row.skipped = corpus.skipped.filter((s) => s.constructs.includes(construct)).length;
        const pattern = constructPattern(construct);
        if (pattern) row.usedInAnswered = corpus.cases.filter((c) => outcomes.get(c.id)?.kind === "answered" && pattern.test(c.query)).length;
        row.notSelfContained = corpus.pages.filter((p) => p.constructs.includes(construct)).reduce((n, p) => n + p.notSelfContained, 0);
        return row;
    });
}
