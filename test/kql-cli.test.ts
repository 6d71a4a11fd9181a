import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kql-check-"));

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs `npx tsx scripts/kql-check.ts <args>` in the package root. */
function kqlCheck(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const run = spawnSync("npx", ["tsx", "scripts/kql-check.ts", ...args], { cwd: ROOT, encoding: "utf8" });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("npm run kql:check", () => {
    it("exits non-zero on a file with a misspelled column and names its file, line and column", () => {
        const bad = path.join(tmp, "bad.kql");
        fs.writeFileSync(bad, ["AzureDiagnostics", '| where Category == "Connections"', '| where ResultTyp == "404104"', "| count"].join("\n"));
        const run = kqlCheck(bad);
        expect(run.status).toBe(1);
        expect(run.stdout).toContain(`${bad}:3:9: The name 'ResultTyp' does not refer to any known column`);
        expect(run.stderr).toContain("1 problem(s) in 1 file(s)");
    });

    it("holds a file outside the catalog to the 1-minute rules and the rules of every alert", () => {
        const file = path.join(tmp, "forbidden.kql");
        fs.writeFileSync(file, ["AzureDiagnostics", "| take 10", "| extend p = parse_json(properties_s)", "| evaluate bag_unpack(p)"].join("\n"));
        const run = kqlCheck(file);
        expect(run.status).toBe(1);
        expect(run.stdout.trim().split("\n")).toEqual([
            `${file}:2:3: take/limit is not allowed in a rule evaluated every minute [forbidden-in-1-minute-rule]`,
            `${file}:4:12: bag_unpack is not allowed in a log search alert rule (its result columns are not known before it runs) [forbidden-in-alert-rule]`,
        ]);
    });

    it("checks the .kql files of a directory named on the command line", () => {
        const dir = path.join(tmp, "dir");
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, "ok.kql"), "AzureDiagnostics\n| summarize Rows = count() by _ResourceId");
        fs.writeFileSync(path.join(dir, "typo.kql"), "AzureDiagnostics\n| summarize Rows = count() by _ResourceID");
        fs.writeFileSync(path.join(dir, "notes.txt"), "not KQL");
        const run = kqlCheck(dir);
        expect(run.status).toBe(1);
        const lines = run.stdout.trim().split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`${path.join(dir, "typo.kql")}:2:31: The name '_ResourceID' does not refer to any known column`);
        expect(run.stderr).toContain("in 2 file(s)");
    });

    it("reports a file it cannot read", () => {
        const missing = path.join(tmp, "missing.kql");
        const run = kqlCheck(missing);
        expect(run.status).toBe(1);
        expect(run.stdout).toContain(`${missing}:1:1: cannot read the file`);
    });

    it("checks every query of queries/ and queries/workbook/ by default, each with its own catalog entry, and exits 0", async () => {
        const { DETECTIONS, WORKBOOK_QUERIES } = await import("../queries/catalog");
        const run = kqlCheck();
        const all = DETECTIONS.length + WORKBOOK_QUERIES.length;
        expect(run.stdout).toContain(`kql-check: ${all} file(s) checked (${DETECTIONS.length} from the catalog, each for dev, staging, prod; ${WORKBOOK_QUERIES.length} from the workbook catalog, with its tokens): no problems`);
        expect(run.status).toBe(0);
    });
});
