/**
 * The vendored Learn pages and issue threads under `test/fixtures/azure-docs/`, as their
 * `SOURCES.json` lists them: what the limits table's and the query API's tests read their quotes from.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./runStack";

/** The folder of the vendored pages. */
export const AZURE_DOCS = path.join(ROOT, "test", "fixtures", "azure-docs");

/** One vendored file as `SOURCES.json` records it: a page of a repository at a commit, or an issue thread. */
export interface DocSource {
    readonly repo: string;
    readonly path?: string;
    readonly issue?: number;
    readonly commit?: string;
    readonly quotes: readonly string[];
    readonly sha256: string;
}

/** Every vendored file, as recorded. */
export const DOC_SOURCES: readonly DocSource[] = JSON.parse(fs.readFileSync(path.join(AZURE_DOCS, "SOURCES.json"), "utf8"));

/** Text with every run of white space as one space, so a quote matches across the page's line breaks. */
export const collapse = (text: string): string => text.replace(/\s+/g, " ");

/** The vendored file of a source. */
export function docFile(s: Pick<DocSource, "repo" | "path" | "issue">): string {
    return s.issue === undefined ? path.join(AZURE_DOCS, s.repo, s.path ?? "") : path.join(AZURE_DOCS, "issues", `${s.repo.replace("/", "-")}-${s.issue}.md`);
}
