/**
 * Reads the examples of one KQL reference page (MicrosoftDocs/dataexplorer-docs): each ```kusto
 * block and what the page shows after it up to the next example: its documented output table, or
 * why there is none that can be used. Pure text work; `scripts/vendor-kusto-docs.ts` decides which
 * examples are self-contained and writes the corpus.
 */

/** A markdown table: header cells and data rows, cells trimmed, `\|` unescaped. */
export interface MarkdownTable {
    readonly columns: string[];
    readonly rows: string[][];
}

/** One ```kusto block of a page and what follows it. */
export interface PageExample {
    /** 1-based index of the block among the page's ```kusto blocks. */
    readonly index: number;
    readonly query: string;
    /** The first table after the block, if one comes before the next example. */
    readonly output?: MarkdownTable;
    /** Why the output cannot be used (set when `output` is absent or only partly shown). */
    readonly problem?: string;
}

type Item =
    | { kind: "fence"; lang: string; text: string }
    | { kind: "table"; lines: string[] }
    | { kind: "heading"; level: number; text: string }
    | { kind: "text"; text: string };

/** Splits a page into fenced blocks, tables, headings and other lines. */
function items(page: string): Item[] {
    const lines = page.replace(/\r\n?/g, "\n").split("\n");
    const out: Item[] = [];
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        const fence = /^(\s*)(`{3,})\s*([\w-]*)/.exec(line);
        if (fence) {
            const indent = fence[1].length;
            const ticks = fence[2];
            const body: string[] = [];
            i++;
            while (i < lines.length && !new RegExp(`^\\s*${ticks}\\s*$`).test(lines[i])) {
                body.push(lines[i].slice(Math.min(indent, lines[i].length - lines[i].trimStart().length)));
                i++;
            }
            out.push({ kind: "fence", lang: fence[3].toLowerCase(), text: body.join("\n") });
            continue;
        }
        if (/^\s*\|/.test(line)) {
            const rows: string[] = [];
            while (i < lines.length && /^\s*\|/.test(lines[i])) rows.push(lines[i++].trim());
            i--;
            out.push({ kind: "table", lines: rows });
            continue;
        }
        const heading = /^(#{1,6})\s+(.*)$/.exec(line);
        if (heading) {
            out.push({ kind: "heading", level: heading[1].length, text: heading[2].trim() });
            continue;
        }
        if (line.trim() !== "") out.push({ kind: "text", text: line.trim() });
    }
    return out;
}

/** The cells of one table line: split on unescaped `|`, trimmed, `\|` unescaped. */
export function tableCells(line: string): string[] {
    let body = line.trim();
    if (body.startsWith("|")) body = body.slice(1);
    if (body.endsWith("|") && !body.endsWith("\\|")) body = body.slice(0, -1);
    const cells: string[] = [];
    let current = "";
    for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c === "\\" && body[i + 1] === "|") {
            current += "|";
            i++;
        } else if (c === "|") {
            cells.push(current.trim());
            current = "";
        } else {
            current += c;
        }
    }
    cells.push(current.trim());
    return cells;
}

/** Reads a table's lines (header, separator, rows); undefined when the second line is not a separator. */
function parseTable(lines: readonly string[]): MarkdownTable | undefined {
    if (lines.length < 2 || !/^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(lines[1])) return undefined;
    return { columns: tableCells(lines[0]), rows: lines.slice(2).map(tableCells) };
}

const PARTIAL_OUTPUT = /(only the first|first \d+ rows|shows? (only )?(a )?(partial|part of|some of)|truncated|sample of the (output|result))/i;
const ELLIPSIS = /^(\.{3}|…)$/;

/** The page's ```kusto examples with the output each is followed by. */
export function pageExamples(page: string): PageExample[] {
    const all = items(page);
    const examples: PageExample[] = [];
    let index = 0;
    for (let i = 0; i < all.length; i++) {
        const item = all[i];
        if (item.kind !== "fence" || item.lang !== "kusto") continue;
        index++;
        let output: MarkdownTable | undefined;
        let problem: string | undefined;
        let partial = false;
        for (let j = i + 1; j < all.length; j++) {
            const next = all[j];
            if (next.kind === "fence") {
                if (next.lang !== "kusto") problem = `the output is a \`\`\`${next.lang || "text"} block, not a table`;
                break;
            }
            if (next.kind === "heading" && (next.level <= 2 || !/output|result/i.test(next.text))) break;
            if (next.kind === "text" && PARTIAL_OUTPUT.test(next.text)) partial = true;
            if (next.kind === "table") {
                output = parseTable(next.lines);
                if (!output) problem = "the table after the query has no header separator";
                break;
            }
        }
        if (output) {
            const width = output.columns.length;
            if (partial || output.rows.some((r) => r.some((c) => ELLIPSIS.test(c)))) problem = "the documented output shows only part of the result";
            else if (output.rows.some((r) => r.length !== width)) problem = "a row of the output table has a different number of cells than its header";
        } else if (!problem) {
            problem = "no documented output follows the query";
        }
        const query = item.text.split("\n").map((l) => l.trimEnd()).join("\n").trim();
        examples.push({ index, query, output: problem ? undefined : output, problem });
    }
    return examples;
}
