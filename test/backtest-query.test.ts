/**
 * How the backtest writes one evaluation of a rule into the query it sends (kql/evaluationTime.ts):
 * `now()`/`ago()` bound to the evaluation time by typed datetime literals, the table narrowed to
 * the query range and to rows ingested by then. The proof: over every detection, every evaluation
 * time of a fleet with late, duplicated and shuffled rows, the bound query run on the whole table
 * at a different `now()` answers exactly what the rule's own query answers at `t` on the rows the
 * replay makes visible; and the in-repo evaluator's `ingestion_time()` and `datetime` literal
 * behave as the binding needs.
 */
import { describe, expect, it } from "vitest";
import { compileKql, INGESTION_TIME_KEY, KqlUnsupportedError } from "../kql/eval";
import { bindQueryToEvaluation } from "../kql/evaluationTime";
import { kqlDateTime } from "../kql/literals";
import { rowsByHub, ruleEvaluationTimes, ruleLookbackMs } from "../replay/engine";
import { MIXED_PARTS_BY_PRIORITY, SCENARIOS } from "../replay/synthetic";
import { ValidationError } from "../azure/validation";
import { devPlan, syntheticWorkspace, visibleRows } from "./support/syntheticWorkspace";

const T = Date.parse("2026-11-20T05:00:00Z");

describe("the datetime literal", () => {
    it("renders a whole millisecond in UTC that the evaluator reads back as the same instant", () => {
        for (const t of [T, T + 123, Date.parse("0001-01-01T00:00:00Z"), Date.parse("9999-12-31T23:59:59.999Z")]) {
            const literal = kqlDateTime(t);
            expect(literal).toMatch(/^datetime\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\)$/);
            expect(compileKql(`print x = ${literal}`).run({}, { now: 0 }).rows).toEqual([{ x: t }]);
        }
        expect(kqlDateTime(T + 7)).toBe("datetime(2026-11-20T05:00:00.007Z)");
    });
    it("refuses a fraction of a millisecond, NaN and instants outside years 1 to 9999", () => {
        for (const bad of [T + 0.5, NaN, Infinity, Date.parse("0001-01-01T00:00:00Z") - 1, Date.parse("9999-12-31T23:59:59.999Z") + 1]) {
            expect(() => kqlDateTime(bad), String(bad)).toThrow(ValidationError);
        }
    });
});

describe("ingestion_time() in the evaluator", () => {
    const rows = [
        { TimeGenerated: T - 60_000, ResultType: "a", [INGESTION_TIME_KEY]: T - 30_000 },
        { TimeGenerated: T - 60_000, ResultType: "b", [INGESTION_TIME_KEY]: new Date(T + 1) },
        { TimeGenerated: T - 60_000, ResultType: "c" },
    ];
    it("reads each row's ingestion time, null where a row has none", () => {
        const q = compileKql("AzureDiagnostics | project ResultType, Ingested = ingestion_time()");
        // project reads ingestion_time() on the table's own rows: allowed.
        expect(q.run({ AzureDiagnostics: rows }, { now: T }).rows).toEqual([
            { ResultType: "a", Ingested: T - 30_000 },
            { ResultType: "b", Ingested: T + 1 },
            { ResultType: "c", Ingested: null },
        ]);
        const seen = compileKql(`AzureDiagnostics | where ingestion_time() <= ${kqlDateTime(T)} | project ResultType`);
        expect(seen.run({ AzureDiagnostics: rows }, { now: T }).rows).toEqual([{ ResultType: "a" }]);
    });
    it("is refused once an operator has reshaped the rows", () => {
        expect(() => compileKql("AzureDiagnostics | extend x = 1 | where ingestion_time() > ago(1h)")).toThrow(KqlUnsupportedError);
    });
});

describe("binding a query to an evaluation", () => {
    const instant = { evaluatedAt: T, rangeStart: T - 3_600_000 };
    it("replaces now(), now(offset) and ago(span) by the evaluation time and every table reference by the evaluation's rows", () => {
        const query = "let recent = 10m;\nlet evaluationRows = 1;\nAzureDiagnostics\n| where TimeGenerated > ago(recent) and TimeGenerated < now(-1m)\n| join kind=inner (AzureDiagnostics | where TimeGenerated > now() - 1h) on OperationName\n| extend at = now()";
        const bound = bindQueryToEvaluation(query, instant);
        expect(bound).not.toMatch(/\bnow\(|\bago\(/);
        // The query declares evaluationRows already: the rows get the next free name.
        expect(bound).toContain("let evaluationRows2 = AzureDiagnostics\n    | where TimeGenerated >= datetime(2026-11-20T04:00:00.000Z) and TimeGenerated < datetime(2026-11-20T05:00:00.000Z)\n    | where ingestion_time() <= datetime(2026-11-20T05:00:00.000Z);");
        expect(bound).toContain("evaluationRows2\n| where TimeGenerated > (datetime(2026-11-20T05:00:00.000Z) - (recent)) and TimeGenerated < (datetime(2026-11-20T05:00:00.000Z) + (-1m))");
        expect(bound).toContain("(evaluationRows2 | where TimeGenerated > datetime(2026-11-20T05:00:00.000Z) - 1h)");
        expect(bound).toContain("| extend at = datetime(2026-11-20T05:00:00.000Z)");
        expect(bound.match(/\bAzureDiagnostics\b/g)).toHaveLength(1);
    });
    it("leaves names that are not the built-in functions or the table alone", () => {
        const bound = bindQueryToEvaluation('let nowish = 5m;\nAzureDiagnostics | extend now_s = "now()" | where TimeGenerated > datetime(2026-11-20) + nowish', instant);
        expect(bound).toContain('extend now_s = "now()"');
        expect(bound).toContain("+ nowish");
    });
    it("refuses a query that reads rows other than through AzureDiagnostics by name (table(), search, find, another table): they would escape the range and ingestion filter", () => {
        for (const [query, what] of [
            ['table("AzureDiagnostics") | where TimeGenerated > ago(1h)', "table()"],
            ['search "404104" | count', "search"],
            ['find where ResultType == "404104"', "find"],
        ]) {
            expect(() => bindQueryToEvaluation(query, instant), query).toThrow(`the query reads rows through ${what}`);
        }
        // Another table is unknown to the schema the queries are analyzed with: refused before binding.
        expect(() => bindQueryToEvaluation("AzureActivity | count", instant)).toThrow(/does not parse/);
    });

    it("refuses an empty range and a query that does not parse", () => {
        expect(() => bindQueryToEvaluation("AzureDiagnostics", { evaluatedAt: T, rangeStart: T })).toThrow(RangeError);
        expect(() => bindQueryToEvaluation("AzureDiagnostics | where", instant)).toThrow(/does not parse/);
    });
});


describe("a bound query answers as the rule at its evaluation time", () => {
    const OPTIONS = { seed: 5, start: "2026-11-20T00:00:00Z", durationMinutes: 6 * 60, devicesPerHub: 30 };
    // Two hubs of the mixture: periodic and random disconnects on one, a mass disconnect on the other.
    const mixed = SCENARIOS.mixed(OPTIONS);
    const fleet = syntheticWorkspace({ ...mixed, hubs: mixed.hubs.filter((h) => MIXED_PARTS_BY_PRIORITY.slice(0, 2).includes(h.name)) }, 5);
    // One rule over several evaluation periods, so a range longer than one window is bound too.
    const plan = devPlan(fleet.hubs, { "mass-disconnect": { windowSize: "PT1H", failingPeriods: { numberOfEvaluationPeriods: 3, minFailingPeriodsToAlert: 1 } } });
    const byHub = rowsByHub(fleet.replayRows);

    it("for every detection of every hub, over the whole table at another now(), at the times it answers rows and at times it answers none", () => {
        // The workspace's clock is not the evaluation time: an unbound now() would answer differently.
        const wallClock = Date.parse("2027-03-01T00:00:00Z");
        let compared = 0;
        let nonEmpty = 0;
        for (const rule of plan.rules) {
            const lookback = ruleLookbackMs(rule);
            const original = compileKql(rule.resolved.query);
            const rows = byHub.get(rule.hub) ?? [];
            const expected = ruleEvaluationTimes(rule, fleet.from, fleet.to).map((t) => ({ t, rows: original.run({ AzureDiagnostics: visibleRows(rows, t, lookback) }, { now: t }).rows }));
            // Analyzing a bound query takes tens of milliseconds: up to three times with rows, the first and last times, and one without rows.
            const answering = expected.filter((e) => e.rows.length > 0);
            const silent = expected.filter((e) => e.rows.length === 0);
            const chosen = new Set([...answering.slice(0, 3), expected[0], expected[expected.length - 1], ...silent.slice(0, 1)]);
            for (const { t, rows: want } of chosen) {
                const bound = compileKql(bindQueryToEvaluation(rule.resolved.query, { evaluatedAt: t, rangeStart: t - lookback }));
                const actual = bound.run({ AzureDiagnostics: fleet.tableRows }, { now: wallClock }).rows;
                expect(actual, `${rule.name} at ${new Date(t).toISOString()}`).toEqual(want);
                compared++;
                if (want.length > 0) nonEmpty++;
            }
        }
        expect(compared).toBeGreaterThan(20);
        // Not only empty answers: the mixture fires several rules.
        expect(nonEmpty).toBeGreaterThan(5);
    }, 120_000);
});
