/**
 * `npm run kql:check [file.kql ...]`: checks KQL files with Microsoft's parser the way the alert
 * rules need them, and prints each problem as `file:line:col: message`.
 *
 * Without arguments it checks every `.kql` file in `queries/` and `queries/workbook/`; a directory
 * argument stands for its `.kql` files. A file of the detection catalog is rendered for every
 * environment profile and checked with its catalog entry (parse errors, the operators Azure forbids,
 * result columns, rule size); a file of the workbook catalog is rendered with its workbook tokens and
 * checked as the workbook test checks it (`checkWorkbookQuery`); any other file is checked for parse
 * errors and the rules of a 1-minute alert (the strictest). Exits 1 when there is any problem, 0 otherwise.
 */
import * as fs from "fs";
import * as path from "path";
import { checkQuery, type KqlProblem } from "../kql/check";
import { checkDetection } from "../queries/checkDetection";
import { DETECTIONS, detectionForFile, WORKBOOK_QUERIES, workbookQueryForFile } from "../queries/catalog";
import { ENVIRONMENT_PROFILES } from "../queries/detection";
import type { WorkbookQueryDefinition } from "../queries/workbook/items";
import { parseCliCommand, runCli } from "./cli";
import { whyUnreadable } from "../program/fileErrors";
import { checkWorkbookQuery } from "../queries/workbook/render";

const QUERIES_DIR = path.join(__dirname, "..", "queries");
const WORKBOOK_DIR = path.join(QUERIES_DIR, "workbook");

/** The workbook catalog's entry for a file in `queries/workbook/`, if it is one. */
function workbookEntry(file: string): WorkbookQueryDefinition | undefined {
    return path.resolve(path.dirname(file)) === WORKBOOK_DIR ? workbookQueryForFile(path.basename(file)) : undefined;
}

/** The problems of one file, each once (a catalog file is checked once per profile). */
function checkFile(file: string): KqlProblem[] {
    let text: string;
    try {
        // Checked before reading: reading a named pipe waits for a writer, for ever.
        if (!fs.statSync(file).isFile()) throw new Error("not a file");
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        return [{ line: 1, column: 1, code: "io", message: `cannot read the file (${whyUnreadable(e)})` }];
    }
    if (text.trim() === "") return [{ line: 1, column: 1, code: "empty", message: "the file is empty; a .kql file holds one query" }];
    const statements = text
        .replace(/\/\/[^\n]*/g, "")
        .split(";")
        .map((x) => x.trim())
        .filter((x) => x !== "");
    if (statements.length === 0) return [{ line: 1, column: 1, code: "empty", message: "the file holds only comments; a .kql file holds one query" }];
    if (/^let\s/.test(statements[statements.length - 1])) return [{ line: 1, column: 1, code: "empty", message: "the file holds only let statements; a .kql file ends with the query they feed" }];
    const def = detectionForFile(path.basename(file));
    const item = def ? undefined : workbookEntry(file);
    const problems = def
        ? ENVIRONMENT_PROFILES.flatMap((profile) => checkDetection(def, profile, { text }))
        : item
          ? checkWorkbookQuery(item, text)
          : checkQuery(text, { evaluationFrequency: "PT1M" });
    const seen = new Set<string>();
    return problems.filter((p) => {
        const key = `${p.line}:${p.column}:${p.code}:${p.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

/** A directory named on the command line stands for the `.kql` files in it; anything else is checked as given. */
function expandDirectory(arg: string): string[] {
    if (!fs.existsSync(arg) || !fs.statSync(arg).isDirectory()) return [arg];
    return fs
        .readdirSync(arg)
        .filter((f) => f.endsWith(".kql"))
        .sort()
        .map((f) => path.join(arg, f));
}

function main(args: readonly string[]): number {
    const defaultRun = args.length === 0;
    const files = (defaultRun ? [QUERIES_DIR, WORKBOOK_DIR] : args).flatMap(expandDirectory).map((f) => (defaultRun ? path.relative(process.cwd(), f) : f));
    let count = 0;
    for (const arg of defaultRun ? [] : args) {
        if (fs.existsSync(arg) && fs.statSync(arg).isDirectory() && expandDirectory(arg).length === 0) {
            console.log(`${arg}:1:1: the folder holds no .kql files; nothing to check [empty]`);
            count++;
        }
    }
    for (const file of files) {
        for (const p of checkFile(file)) {
            console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.code}]`);
            count++;
        }
    }
    if (defaultRun) {
        const entries = [
            ...DETECTIONS.map((d) => ({ file: path.join(QUERIES_DIR, d.file), entry: `catalog entry "${d.id}"` })),
            ...WORKBOOK_QUERIES.map((q) => ({ file: path.join(WORKBOOK_DIR, q.file), entry: `workbook catalog entry "${q.id}"` })),
        ];
        for (const { file, entry } of entries) {
            if (!fs.existsSync(file)) {
                console.log(`${path.relative(process.cwd(), file)}:1:1: ${entry} names this file, which does not exist [catalog]`);
                count++;
            }
        }
    }
    const catalogFiles = files.filter((f) => detectionForFile(path.basename(f))).length;
    const workbookFiles = files.filter((f) => !detectionForFile(path.basename(f)) && workbookEntry(f)).length;
    if (count > 0) {
        console.error(`kql-check: ${count} problem(s) in ${files.length} file(s)`);
        return 1;
    }
    console.log(
        `kql-check: ${files.length} file(s) checked (${catalogFiles} from the catalog, each for ${ENVIRONMENT_PROFILES.join(", ")}; ${workbookFiles} from the workbook catalog, with its tokens): no problems`,
    );
    return 0;
}

const USAGE = "usage: npm run kql:check [-- <file.kql|folder> ...]   (default: queries/ and queries/workbook/)";

runCli(USAGE, () => {
    process.exitCode = main(parseCliCommand(process.argv.slice(2), { strings: [], positionals: true }, USAGE).positionals);
});
