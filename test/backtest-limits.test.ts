/**
 * The query API's facts the backtest relies on (azure/queryApi.ts) against Azure's published word:
 * every quote is in the vendored Learn or Kusto source file at the recorded commit (listed in
 * test/fixtures/azure-docs/SOURCES.json, whose own test checks the bytes), the numbers are the ones
 * the quotes state, and the README names the role and the defaults the code uses.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { PARTIAL_FAILURE_TEXTS, QUERY_API, QUERY_API_SOURCES, QUERY_ROLE } from "../azure/queryApi";
import { ROOT } from "./support/runStack";
import { collapse, docFile, DOC_SOURCES } from "./support/vendoredDocs";


describe("the query API's facts", () => {
    it.each(QUERY_API_SOURCES.map((f) => [f.id, f] as const))("%s: its quotes are in the vendored file at the recorded commit, and listed there", (_, f) => {
        const entry = DOC_SOURCES.find((s) => s.repo === f.source.repo && s.path === f.source.path);
        expect(entry, `${f.source.repo} ${f.source.path} is not in SOURCES.json`).toBeDefined();
        expect(entry?.commit).toBe(f.source.commit);
        const text = collapse(fs.readFileSync(docFile(f.source), "utf8"));
        for (const q of f.source.quotes) {
            expect(text, q).toContain(collapse(q));
            expect(entry?.quotes.some((s) => collapse(s).includes(collapse(q)) || collapse(q).includes(collapse(s))), `${q} is not among SOURCES.json's quotes`).toBe(true);
        }
    });
    it("states the numbers its quotes state", () => {
        const quoted = (f: { source: { quotes: readonly string[] } }): string => f.source.quotes.join(" ");
        expect(quoted(QUERY_API.resultRows)).toContain("500,000");
        expect(QUERY_API.resultRows.value).toBe(500_000);
        expect(quoted(QUERY_API.resultSize)).toContain(`up to ${QUERY_API.resultSize.value} MB of compressed data`);
        expect(quoted(QUERY_API.maxTimeout)).toContain("The maximum timeout is 10 minutes.");
        expect(QUERY_API.maxTimeout.value).toBe(10 * 60);
        expect(quoted(QUERY_API.defaultTimeout)).toContain("The default timeout is 3 minutes.");
        expect(QUERY_API.defaultTimeout.value).toBe(3 * 60);
        expect(quoted(QUERY_API.timeoutStatus)).toContain(`status code of ${QUERY_API.timeoutStatus.value} Gateway Timeout`);
        expect(quoted(QUERY_API.concurrentQueries)).toContain(`| Concurrent Analytics queries | ${QUERY_API.concurrentQueries.value} |`);
        expect(quoted(QUERY_API.queryRate)).toContain(`| Query rate | ${QUERY_API.queryRate.value} queries per 30 seconds |`);
        for (const text of [PARTIAL_FAILURE_TEXTS.rows, PARTIAL_FAILURE_TEXTS.size, PARTIAL_FAILURE_TEXTS.memory]) expect(PARTIAL_FAILURE_TEXTS.source.quotes.join(" ")).toContain(text);
        expect(QUERY_ROLE.source.quotes[0]).toContain(`\`${QUERY_ROLE.permission}\``);
        expect(QUERY_ROLE.source.quotes[0]).toContain(QUERY_ROLE.name);
    });
    it("are what the README tells", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        expect(readme).toContain(`**${QUERY_ROLE.name}** role on the`);
        expect(readme).toContain(QUERY_ROLE.permission);
        expect(readme).toContain(`\`--concurrency\` (default ${QUERY_API.concurrentQueries.value}, the query API's concurrent queries`);
        expect(readme).toContain(`\`--server-timeout\` (seconds, default and most\n  ${QUERY_API.maxTimeout.value})`);
        expect(readme).toContain(`a result past ${QUERY_API.resultRows.value.toLocaleString("en-US")} records`);
        expect(readme).toContain(`the time-out (\`${QUERY_API.timeoutStatus.value}\`)`);
    });
});
