/**
 * `npm run kusto-docs:vendor -- --git-dir <git-dir> [--commit <commit>]`: vendors the self-contained
 * examples of Microsoft's KQL reference pages, with their documented outputs, into
 * `test/fixtures/kusto-docs/corpus.json` (read by `test/kusto-docs-corpus.test.ts`).
 *
 * `--git-dir` is a clone (or bare mirror) of MicrosoftDocs/dataexplorer-docs; `--commit` defaults to
 * its HEAD. The pages read are those of `scripts/kusto-docs-pages.ts` (the constructs the evaluator
 * claims). An example is self-contained when it reads no table, function or cluster outside the
 * query (the parser finds no unknown table or function in it): `print`, `datatable`, `range` and
 * `let`-bound values. Self-contained examples become cases when a markdown table documents their
 * output; otherwise, and when the query is nondeterministic (`now()`, `rand()`, ...), they are
 * listed under `skipped` with the reason. Examples that read other tables are only counted.
 * Running the script twice on the same commit gives the same file.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { analyzeKql } from "../kql/kusto";
import { pageExamples, type MarkdownTable } from "./kusto-docs-markdown";
import { CONSTRUCT_PAGES, KUSTO_DOCS_DIR } from "./kusto-docs-pages";
import { parseCliArgs, runCli, UsageError, writeFileAtomically } from "./cli";

const REPO = "MicrosoftDocs/dataexplorer-docs";
const OUT = path.join(__dirname, "..", "test", "fixtures", "kusto-docs", "corpus.json");

/** Where a case comes from. */
export interface KustoDocsSource {
    readonly repo: string;
    readonly path: string;
    readonly commit: string;
}

/** An example with a documented output table. */
export interface KustoDocsCase {
    /** `<page name>#<n>`: the n-th ```kusto block of the page. */
    readonly id: string;
    /** The claimed constructs whose reference page holds the example. */
    readonly constructs: string[];
    readonly source: KustoDocsSource;
    readonly query: string;
    /** The documented output: header cells and rows of cells, as the page prints them. */
    readonly expected: MarkdownTable;
    /** Other outputs the page documents for the same query (shown as equally correct, e.g. innerunique's choice of row). */
    readonly alternatives?: MarkdownTable[];
}

/** A self-contained example that is not a case, and why. */
export interface KustoDocsSkipped {
    readonly id: string;
    readonly constructs: string[];
    readonly source: KustoDocsSource;
    readonly query: string;
    readonly reason: string;
}

/** One page read. */
export interface KustoDocsPage {
    readonly path: string;
    /** SHA-256 of the page's text at `commit`. */
    readonly sha256: string;
    readonly constructs: string[];
    /** ```kusto blocks on the page. */
    readonly examples: number;
    /** Blocks that read tables, functions or clusters outside the query (StormEvents, ...). */
    readonly notSelfContained: number;
}

/** The vendored file. */
export interface KustoDocsCorpus {
    readonly description: string;
    readonly repo: string;
    readonly commit: string;
    /** SHA-256 of the lines `<sha256>  <path>` of all pages read, sorted by path. */
    readonly sha256: string;
    readonly generatedBy: string;
    readonly constructs: Readonly<Record<string, readonly string[]>>;
    readonly pages: KustoDocsPage[];
    readonly cases: KustoDocsCase[];
    readonly skipped: KustoDocsSkipped[];
}

/** Parser codes of names the query does not define: an unknown table (KS204), cluster (KS207) or function (KS211). */
const OUTSIDE_NAME_CODES = new Set(["KS204", "KS207", "KS211"]);
const OUTSIDE_SOURCE = /\b(cluster|database|external_table|materialized_view|stored_query_result|table)\s*\(|\bexternaldata\b|\bevaluate\b/;
const NONDETERMINISTIC = /\b(now|ago|rand|new_guid|ingestion_time|current_cluster_endpoint|current_database|current_principal\w*|extent_id|extent_tags|cursor_current)\s*\(|\bsample(-distinct)?\b/;

/** Why a query is not self-contained, or undefined when it is. */
function outsideReference(query: string): string | undefined {
    if (query.startsWith(".")) return "a management command, not a query";
    if (OUTSIDE_SOURCE.test(query)) return "reads a cluster, database or external source";
    const outside = analyzeKql(query).diagnostics.find((d) => OUTSIDE_NAME_CODES.has(d.code));
    return outside ? `${outside.code}: ${outside.message}` : undefined;
}

function git(gitDir: string, args: string[]): string {
    return execFileSync("git", [`--git-dir=${gitDir}`, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

function sha256(text: string): string {
    return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Builds the corpus from the pages at `commit` of the repository in `gitDir`. */
export function buildCorpus(gitDir: string, commit: string): KustoDocsCorpus {
    const pageConstructs = new Map<string, string[]>();
    for (const [construct, pages] of Object.entries(CONSTRUCT_PAGES)) {
        for (const page of pages) pageConstructs.set(page, [...(pageConstructs.get(page) ?? []), construct]);
    }
    const pages: KustoDocsPage[] = [];
    const cases: KustoDocsCase[] = [];
    const skipped: KustoDocsSkipped[] = [];
    for (const page of [...pageConstructs.keys()].sort()) {
        const file = `${KUSTO_DOCS_DIR}/${page}`;
        const text = git(gitDir, ["show", `${commit}:${file}`]);
        const constructs = pageConstructs.get(page) ?? [];
        const source = { repo: REPO, path: file, commit };
        const examples = pageExamples(text);
        let notSelfContained = 0;
        // The page's last case: a query repeated right after it with another output is an alternative answer.
        let previous: { query: string; alternatives?: MarkdownTable[] } | undefined;
        for (const example of examples) {
            if (outsideReference(example.query)) {
                notSelfContained++;
                continue;
            }
            const id = `${page.replace(/\.md$/, "")}#${example.index}`;
            const base = { id, constructs, source, query: example.query };
            const nondeterministic = NONDETERMINISTIC.exec(example.query);
            if (nondeterministic) skipped.push({ ...base, reason: `nondeterministic: uses ${nondeterministic[0].replace(/\s*\($/, "()")}` });
            else if (example.output && previous?.query === example.query) previous.alternatives = [...(previous.alternatives ?? []), example.output];
            else if (example.output) {
                const added: KustoDocsCase & { alternatives?: MarkdownTable[] } = { ...base, expected: example.output };
                cases.push(added);
                previous = added;
            }
            else skipped.push({ ...base, reason: example.problem ?? "no documented output" });
        }
        pages.push({ path: file, sha256: sha256(text), constructs, examples: examples.length, notSelfContained });
    }
    const digest = sha256(pages.map((p) => `${p.sha256}  ${p.path}\n`).join(""));
    return {
        description:
            "Self-contained examples of Microsoft's KQL reference pages with their documented outputs, for the constructs kql/eval claims. Generated by scripts/vendor-kusto-docs.ts; checked by test/kusto-docs-corpus.test.ts.",
        repo: REPO,
        commit,
        sha256: digest,
        generatedBy: "npm run kusto-docs:vendor -- --git-dir <git dir of MicrosoftDocs/dataexplorer-docs> --commit <commit>",
        constructs: CONSTRUCT_PAGES,
        pages,
        cases,
        skipped,
    };
}

const USAGE = "usage: npm run kusto-docs:vendor -- --git-dir <git dir of MicrosoftDocs/dataexplorer-docs> [--commit <commit>]";

if (require.main === module) {
    runCli(USAGE, () => {
        const a = parseCliArgs(process.argv.slice(2), ["git-dir", "commit"], USAGE);
        const gitDir = a["git-dir"];
        if (!gitDir) throw new UsageError(`--git-dir is required; ${USAGE}`);
        let commit: string;
        try {
            commit = git(gitDir, ["rev-parse", "--verify", `${a.commit ?? "HEAD"}^{commit}`]).trim();
        } catch (e) {
            const why = String((e as { stderr?: unknown }).stderr ?? (e as Error).message).trim().split("\n")[0];
            throw new UsageError(`--git-dir "${gitDir}"${a.commit ? ` --commit "${a.commit}"` : ""}: not a commit of a git directory (git: ${why})`);
        }
        const corpus = buildCorpus(gitDir, commit);
        if (corpus.cases.length === 0) throw new UsageError(`${gitDir} at ${commit}: no self-contained example with a documented output found; is it ${REPO}? Nothing written`);
        fs.mkdirSync(path.dirname(OUT), { recursive: true });
        writeFileAtomically(OUT, (temp) => fs.writeFileSync(temp, JSON.stringify(corpus, null, 2) + "\n"));
        process.stdout.write(
            `${OUT}: ${corpus.cases.length} cases, ${corpus.skipped.length} skipped, ${corpus.pages.reduce((n, p) => n + p.notSelfContained, 0)} examples not self-contained, from ${corpus.pages.length} pages at ${commit}\n`,
        );
    });
}
