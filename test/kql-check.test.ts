import { describe, expect, it } from "vitest";
import { checkQuery, checkRuleSize, isOneMinuteRule, MAX_RULE_PROPERTIES_BYTES, type KqlProblem } from "../kql/check";
import { checkDefinition } from "../queries/checkDetection";
import { massDisconnect } from "../queries/catalog";
import type { DetectionDefinition } from "../queries/detection";

const codes = (problems: readonly KqlProblem[]): string[] => problems.map((p) => p.code);

/** A small valid rule query: one row per hub with a measure, the hub name and a time column. */
const GOOD = [
    'let monitoredHubs = dynamic(["/subscriptions/x/resourcegroups/rg/providers/microsoft.devices/iothubs/h"]);',
    "AzureDiagnostics",
    "| where _ResourceId in~ (monitoredHubs)",
    '| where Category == "Connections" and ResultType == "404104"',
    "| summarize Disconnects = count(), TimeGenerated = max(TimeGenerated) by _ResourceId",
    '| extend HubName = tostring(split(_ResourceId, "/")[-1])',
].join("\n");

const RULE = { measureColumn: "Disconnects", dimensions: ["HubName"], resourceIdColumn: "_ResourceId", timeColumn: "TimeGenerated", requiredName: "monitoredHubs" };

describe("checkQuery", () => {
    it("passes a valid rule query", () => {
        expect(checkQuery(GOOD, { ...RULE, evaluationFrequency: "PT1M" })).toEqual([]);
    });

    it("reports a misspelled column with its line and column", () => {
        const bad = GOOD.replace('where Category ==', "where Categroy ==");
        const problems = checkQuery(bad, RULE);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({ line: 4, column: 9, code: "KS142" });
        expect(problems[0].message).toContain("Categroy");
    });

    it("reports an unknown table", () => {
        expect(codes(checkQuery("AzureDiagnostic | count"))).toContain("KS204");
    });

    it("forbids search, find, union, take, limit and ingestion_time() in a 1-minute rule, by their place in the tree", () => {
        const query = [
            "let a = AzureDiagnostics | take 5;", // line 1
            'let b = search "404104";', // line 2
            "union a, b", // line 3
            "| extend Ingested = ingestion_time()", // line 4
            "| limit 10", // line 5
        ].join("\n");
        const problems = checkQuery(query, { evaluationFrequency: "PT1M" }).filter((p) => p.code === "forbidden-in-1-minute-rule");
        expect(problems.map((p) => `${p.line}:${p.column}`)).toEqual(["1:28", "2:9", "3:1", "4:21", "5:3"]);
        expect(problems.map((p) => p.message.split(" ")[0])).toEqual(["take/limit", "search", "union", "ingestion_time()", "take/limit"]);
        expect(codes(checkQuery("find where ResultType == '404104'", { evaluationFrequency: "PT1M" }))).toContain("forbidden-in-1-minute-rule");
    });

    it("allows those operators in a rule evaluated less often, and does not mistake names in strings or columns for them", () => {
        const query = "AzureDiagnostics | take 5 | union (AzureDiagnostics | take 1) | extend Ingested = ingestion_time()";
        expect(codes(checkQuery(query, { evaluationFrequency: "PT5M" }))).toEqual([]);
        const lookalike = 'AzureDiagnostics | where OperationName == "union search take" | extend take_ = 1';
        expect(checkQuery(lookalike, { evaluationFrequency: "PT1M" })).toEqual([]);
    });

    it("forbids bag_unpack, pivot and narrow in every rule", () => {
        const problems = checkQuery(
            [
                "AzureDiagnostics | extend p = parse_json(properties_s) | evaluate bag_unpack(p)",
                "AzureDiagnostics | evaluate pivot(ResultType)",
                "AzureDiagnostics | evaluate narrow()",
            ].join(";\n"),
            { evaluationFrequency: "PT1H" },
        ).filter((p) => p.code === "forbidden-in-alert-rule");
        expect(problems.map((p) => [p.line, p.message.split(" ")[0]])).toEqual([
            [1, "bag_unpack"],
            [2, "pivot"],
            [3, "narrow"],
        ]);
    });

    it("reports the reserved name AggregatedValue where it is declared", () => {
        const problems = checkQuery("AzureDiagnostics\n| summarize AggregatedValue = count() by _ResourceId", { measureColumn: "AggregatedValue" });
        expect(problems).toEqual([expect.objectContaining({ line: 2, column: 13, code: "reserved-name" })]);
    });

    it("reports ago() with anything but a timespan literal", () => {
        const query = "let lookback = 5m;\nAzureDiagnostics\n| where TimeGenerated > ago(lookback)\n| where TimeGenerated > ago(1h)";
        const problems = checkQuery(query);
        expect(problems).toEqual([expect.objectContaining({ line: 3, column: 25, code: "ago-needs-literal" })]);
    });

    it("reports a missing or non-numeric measure, missing dimension, resource id and time columns at the final statement", () => {
        const query = "let x = 1;\nAzureDiagnostics\n| summarize Last = max(TimeGenerated), Hub = any(Resource) by ResourceId";
        const problems = checkQuery(query, { measureColumn: "Hub", dimensions: ["HubName"], resourceIdColumn: "_ResourceId", timeColumn: "When" });
        expect(codes(problems)).toEqual(["measure-not-numeric", "missing-dimension-column", "missing-resource-id-column", "missing-time-column"]);
        expect(problems.every((p) => p.line === 2 && p.column === 1)).toBe(true);
        expect(codes(checkQuery(query, { measureColumn: "Missing" }))).toEqual(["missing-measure-column"]);
        expect(codes(checkQuery(query, { timeColumn: "ResourceId" }))).toEqual(["time-column-not-datetime"]);
    });

    it("reports a query that never uses the hubs parameter", () => {
        const unfiltered = GOOD.replace("| where _ResourceId in~ (monitoredHubs)\n", "");
        expect(checkQuery(unfiltered, RULE)).toEqual([expect.objectContaining({ code: "hubs-not-filtered" })]);
    });

    it("tells 1-minute rules apart by their frequency", () => {
        expect(isOneMinuteRule("PT1M")).toBe(true);
        expect(isOneMinuteRule("PT60S")).toBe(true);
        expect(isOneMinuteRule("PT5M")).toBe(false);
        expect(isOneMinuteRule(undefined)).toBe(false);
    });
});

describe("checkRuleSize", () => {
    it("accepts properties up to 64 KB and refuses larger ones, naming the size", () => {
        expect(checkRuleSize({ query: "x".repeat(1000) })).toEqual([]);
        expect(checkRuleSize("x".repeat(MAX_RULE_PROPERTIES_BYTES))).toEqual([]);
        const problems = checkRuleSize({ query: "x".repeat(MAX_RULE_PROPERTIES_BYTES) });
        expect(problems).toEqual([expect.objectContaining({ code: "rule-too-large" })]);
        expect(problems[0].message).toContain(String(MAX_RULE_PROPERTIES_BYTES + 12));
    });

    it("counts bytes, not characters", () => {
        expect(checkRuleSize("日".repeat(22_000))).toEqual([expect.objectContaining({ code: "rule-too-large" })]);
    });
});

describe("checkDefinition", () => {
    it("passes the catalog's mass-disconnect entry", () => {
        expect(checkDefinition(massDisconnect)).toEqual([]);
    });

    it("reports a device dimension, a window too short for late logs, a bad duration and missing hubs parameter", () => {
        const { monitoredHubs: _dropped, ...parameters } = massDisconnect.parameters;
        const bad: DetectionDefinition = {
            ...massDisconnect,
            id: "bad",
            dimensions: ["HubName", "DeviceId"],
            windowSize: "PT10M",
            evaluationFrequency: "PT7M",
            failingPeriods: { numberOfEvaluationPeriods: 2, minFailingPeriodsToAlert: 3 },
            parameters,
        };
        const messages = checkDefinition(bad).map((p) => p.message);
        expect(messages).toEqual([
            'catalog entry "bad": evaluationFrequency PT7M is not one Azure allows',
            'catalog entry "bad": windowSize PT10M must cover the evaluation frequency PT7M plus PT10M of late logs',
            'catalog entry "bad": failingPeriods 3 of 2 is not valid; allowed: 1 <= minFailingPeriodsToAlert <= numberOfEvaluationPeriods <= 6 (limit log-alert-failing-periods)',
            'catalog entry "bad": dimension "DeviceId" splits by device; allowed: hub-level columns only (every time series is billed)',
            'catalog entry "bad": parameters lack "monitoredHubs", which binds the rule to its hub',
        ]);
    });

    it("reports a mute Azure does not accept (PT12H), a mute shorter than the frequency, and a stateful rule run less often than every 12 hours", () => {
        const messages = (d: Partial<DetectionDefinition>): string[] => checkDefinition({ ...massDisconnect, ...d }).map((p) => p.message);
        expect(messages({ autoMitigate: false, muteActionsDuration: "PT12H" })).toEqual([
            'catalog entry "mass-disconnect": muteActionsDuration PT12H is not one Azure allows (limit log-alert-mute)',
        ]);
        expect(messages({ autoMitigate: false, evaluationFrequency: "PT15M", windowSize: "PT6H", muteActionsDuration: "PT10M" })).toEqual([
            'catalog entry "mass-disconnect": muteActionsDuration PT10M is shorter than the evaluation frequency PT15M (limit log-alert-mute-covers-frequency)',
        ]);
        expect(messages({ autoMitigate: true, evaluationFrequency: "P1D", windowSize: "P2D", failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 } })).toEqual([
            'catalog entry "mass-disconnect": a stateful rule (autoMitigate true) may not run less often than every PT12H; evaluationFrequency is P1D (limit log-alert-stateful-frequency)',
        ]);
        expect(messages({ autoMitigate: false, evaluationFrequency: "P1D", windowSize: "P2D", failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 } })).toEqual([]);
    });

    it("reports a mute on an auto-resolving rule", () => {
        expect(checkDefinition({ ...massDisconnect, autoMitigate: true, muteActionsDuration: "PT1H" }).map((p) => p.message)).toEqual([
            'catalog entry "mass-disconnect": muteActionsDuration applies only when autoMitigate is false (a stateful rule notifies once per firing)',
        ]);
    });
});
