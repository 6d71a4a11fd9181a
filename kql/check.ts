/// <reference types="@kusto/language-service-next" />
/**
 * Checks a KQL query the way a log search alert rule needs it, with Microsoft's own parser: parse
 * and binding errors against the checked-in `AzureDiagnostics` schema, the operators and functions
 * Azure forbids in alert rules (walked over the parser's syntax tree, not matched in the text), and
 * the result columns the rule reads (measure, dimensions, resource id, time).
 *
 * Pure functions without CLI or file-system concerns: `scripts/kql-check.ts` prints their problems,
 * and a policy can run the same checks on a rule's properties.
 */
import { parseIsoDuration, type IsoDuration } from "../azure/durations";
import { LIMITS } from "../azure/limits";
import { analyzeKql, kusto, lineAndColumn, type AnalyzedQuery, type KqlColumn } from "./kusto";

/** The kinds of problem the checker reports besides the parser's own codes (`KS142` and the like). */
export type KqlRuleCode =
    /** An operator or function Azure forbids in rules evaluated every minute. */
    | "forbidden-in-1-minute-rule"
    /** An operator or plugin Azure forbids in every log search alert rule. */
    | "forbidden-in-alert-rule"
    /** `ago()` called with something other than a timespan literal. */
    | "ago-needs-literal"
    /** The reserved name `AggregatedValue` declared or returned. */
    | "reserved-name"
    /** The query's result is not a table. */
    | "not-tabular"
    /** The measure column is not among the result columns. */
    | "missing-measure-column"
    /** The measure column is there but not numeric. */
    | "measure-not-numeric"
    /** A dimension column is not among the result columns. */
    | "missing-dimension-column"
    /** The resource id column is not among the result columns. */
    | "missing-resource-id-column"
    /** The time column is not among the result columns. */
    | "missing-time-column"
    /** The time column is there but not a datetime. */
    | "time-column-not-datetime"
    /** The query never uses the `monitoredHubs` parameter, so it would watch every hub in the workspace. */
    | "hubs-not-filtered"
    /** The rule's serialized properties exceed 64 KB. */
    | "rule-too-large"
    /** The catalog entry itself breaks a rule of the alert platform or of this package. */
    | "catalog";

/** One problem found in a query or a catalog entry, positioned in the query text. */
export interface KqlProblem {
    /** 1-based line in the query text (1 for problems of the whole query or its catalog entry). */
    readonly line: number;
    /** 1-based column in the query text. */
    readonly column: number;
    /** The parser's diagnostic code (e.g. `KS142`) or a {@link KqlRuleCode}. */
    readonly code: string;
    /** What is wrong and, where it helps, what is allowed instead. */
    readonly message: string;
}

/** What a query is checked for besides parse errors and the rules every alert query obeys. Every field is optional. */
export interface CheckQueryOptions {
    /**
     * How often the rule runs (ISO 8601). A rule evaluated every minute (`PT1M`) may not use
     * `search`, `find`, `union`, `take`/`limit`, `ingestion_time()` or cross-resource functions.
     * Default: not a 1-minute rule.
     */
    readonly evaluationFrequency?: IsoDuration;
    /** Numeric result column the condition compares. Default: not checked. */
    readonly measureColumn?: string;
    /** Result columns the rule splits by. Default: none checked. */
    readonly dimensions?: readonly string[];
    /** Result column holding the resource id the alert targets. Default: not checked. */
    readonly resourceIdColumn?: string;
    /** Result column that must be a datetime. Default: not checked. */
    readonly timeColumn?: string;
    /** A parameter name the query must reference (e.g. `monitoredHubs`). Default: none. */
    readonly requiredName?: string;
}

/** Largest size Azure accepts for a scheduled query rule's properties: 64 KB. */
export const MAX_RULE_PROPERTIES_BYTES = LIMITS.logAlertPropertiesSize.rule.max;

/** Result-column types a measure may have. */
const NUMERIC_TYPES: ReadonlySet<string> = new Set(["int", "long", "real", "decimal"]);

/** The reserved column name of log search alerts. */
const RESERVED_NAME = "AggregatedValue";

/** Functions Azure forbids in 1-minute rules (ingestion time, cross-service and cross-resource queries). */
const ONE_MINUTE_FORBIDDEN_FUNCTIONS: ReadonlyMap<string, string> = new Map([
    ["ingestion_time", "ingestion_time() is not allowed in a rule evaluated every minute"],
    ["adx", "adx() (cross-service query) is not allowed in a rule evaluated every minute"],
    ["arg", "arg() (cross-service query) is not allowed in a rule evaluated every minute"],
    ["workspace", "workspace() (cross-resource query) is not allowed in a rule evaluated every minute"],
    ["app", "app() (cross-resource query) is not allowed in a rule evaluated every minute"],
    ["resource", "resource() (cross-resource query) is not allowed in a rule evaluated every minute"],
]);

/** Plugins Azure forbids in every log search alert rule. */
const ALWAYS_FORBIDDEN_FUNCTIONS: ReadonlyMap<string, string> = new Map([
    ["bag_unpack", "bag_unpack is not allowed in a log search alert rule (its result columns are not known before it runs)"],
    ["pivot", "pivot is not allowed in a log search alert rule (its result columns are not known before it runs)"],
    ["narrow", "narrow is not allowed in a log search alert rule"],
]);

/** True when a rule with this evaluation frequency is a 1-minute rule. */
export function isOneMinuteRule(evaluationFrequency: IsoDuration | undefined): boolean {
    return evaluationFrequency !== undefined && parseIsoDuration(evaluationFrequency) === 60;
}

/** The elements of a parser list of separated elements (`a, b` or `stmt; stmt`), separators left out. */
function separatedElements(list: Kusto.Language.Syntax.SyntaxNode | null): Kusto.Language.Syntax.SyntaxElement[] {
    const out: Kusto.Language.Syntax.SyntaxElement[] = [];
    for (let i = 0; list !== null && i < list.ChildCount; i++) {
        const separated = list.GetChild(i);
        const element = separated instanceof kusto().Language.Syntax.SyntaxNode ? separated.GetChild(0) : null;
        if (element) out.push(element);
    }
    return out;
}

/** The structural problems of a parsed query: forbidden operators and functions, `ago()` without a literal, the reserved name. */
function syntaxProblems(analyzed: AnalyzedQuery, oneMinute: boolean, requiredName: string | undefined): KqlProblem[] {
    const S = kusto().Language.Syntax;
    const problems: KqlProblem[] = [];
    const at = (element: Kusto.Language.Syntax.SyntaxElement, code: KqlRuleCode, message: string): void => {
        problems.push({ ...lineAndColumn(analyzed.text, element.TextStart), code, message });
    };
    let requiredNameSeen = requiredName === undefined;
    analyzed.code.Syntax?.WalkElements((element) => {
        if (oneMinute) {
            if (element instanceof S.SearchOperator) at(element, "forbidden-in-1-minute-rule", "search is not allowed in a rule evaluated every minute; name the table instead");
            else if (element instanceof S.FindOperator) at(element, "forbidden-in-1-minute-rule", "find is not allowed in a rule evaluated every minute; name the table instead");
            else if (element instanceof S.UnionOperator) at(element, "forbidden-in-1-minute-rule", "union is not allowed in a rule evaluated every minute");
            else if (element instanceof S.TakeOperator) at(element, "forbidden-in-1-minute-rule", "take/limit is not allowed in a rule evaluated every minute");
        }
        if (element instanceof S.FunctionCallExpression) {
            const name = element.Name?.SimpleName ?? "";
            const always = ALWAYS_FORBIDDEN_FUNCTIONS.get(name);
            if (always) at(element, "forbidden-in-alert-rule", always);
            const minute = ONE_MINUTE_FORBIDDEN_FUNCTIONS.get(name);
            if (oneMinute && minute) at(element, "forbidden-in-1-minute-rule", minute);
            if (name === "ago") {
                const first = separatedElements(element.ArgumentList?.Expressions ?? null)[0];
                if (!(first instanceof S.LiteralExpression)) {
                    at(element, "ago-needs-literal", "ago() takes only a timespan literal in a log search alert rule (e.g. ago(5m)); use now() - <let value> instead");
                }
            }
        } else if (element instanceof S.NameDeclaration) {
            if ((element.SimpleName ?? "").toLowerCase() === RESERVED_NAME.toLowerCase()) {
                at(element, "reserved-name", `"${element.SimpleName}" is a name Azure reserves for the aggregated value of log search alerts; choose another name`);
            }
        } else if (element instanceof S.NameReference && requiredName !== undefined && element.SimpleName === requiredName) {
            requiredNameSeen = true;
        }
    });
    if (!requiredNameSeen) {
        problems.push({ line: 1, column: 1, code: "hubs-not-filtered", message: `the query never uses "${requiredName}", so the rule would read every hub in the workspace` });
    }
    return problems;
}

/** Offset of the query's last top-level statement, where result-column problems are reported. */
function resultOffset(analyzed: AnalyzedQuery): number {
    const S = kusto().Language.Syntax;
    const root = analyzed.code.Syntax;
    if (root instanceof S.QueryBlock) {
        const statements = separatedElements(root.Statements);
        for (let i = statements.length - 1; i >= 0; i--) {
            if (statements[i] instanceof S.ExpressionStatement) return statements[i].TextStart;
        }
    }
    return 0;
}

/** The problems of the result columns against what the rule reads. */
function columnProblems(analyzed: AnalyzedQuery, options: CheckQueryOptions, reservedNameDeclared: boolean): KqlProblem[] {
    const wanted = options.measureColumn ?? options.resourceIdColumn ?? options.timeColumn ?? options.dimensions?.[0];
    const position = lineAndColumn(analyzed.text, resultOffset(analyzed));
    const problems: KqlProblem[] = [];
    const add = (code: KqlRuleCode, message: string): void => {
        problems.push({ ...position, code, message });
    };
    const reserved = analyzed.columns.find((c) => c.name.toLowerCase() === RESERVED_NAME.toLowerCase());
    if (reserved && !reservedNameDeclared) add("reserved-name", `the result has a column "${reserved.name}", a name Azure reserves for the aggregated value`);
    if (wanted === undefined) return problems;
    if (analyzed.columns.length === 0) {
        add("not-tabular", "the query does not end in a table, so the rule has no result columns to read");
        return problems;
    }
    const byName = new Map<string, KqlColumn>(analyzed.columns.map((c) => [c.name, c]));
    const listed = analyzed.columns.map((c) => c.name).join(", ");
    if (options.measureColumn !== undefined) {
        const measure = byName.get(options.measureColumn);
        if (!measure) add("missing-measure-column", `the result has no measure column "${options.measureColumn}"; result columns: ${listed}`);
        else if (!NUMERIC_TYPES.has(measure.type)) add("measure-not-numeric", `the measure column "${measure.name}" is ${measure.type}; allowed: int, long, real or decimal`);
    }
    for (const dimension of options.dimensions ?? []) {
        if (!byName.has(dimension)) add("missing-dimension-column", `the result has no dimension column "${dimension}"; result columns: ${listed}`);
    }
    if (options.resourceIdColumn !== undefined && !byName.has(options.resourceIdColumn)) {
        add("missing-resource-id-column", `the result has no resource id column "${options.resourceIdColumn}"; result columns: ${listed}`);
    }
    if (options.timeColumn !== undefined) {
        const time = byName.get(options.timeColumn);
        if (!time) add("missing-time-column", `the result has no time column "${options.timeColumn}"; result columns: ${listed}`);
        else if (time.type !== "datetime") add("time-column-not-datetime", `the time column "${time.name}" is ${time.type}; allowed: datetime`);
    }
    return problems;
}

/**
 * Checks one query: the parser's error diagnostics against the `AzureDiagnostics` schema, the
 * operators and functions Azure forbids (in every rule, and in 1-minute rules when
 * `options.evaluationFrequency` is `PT1M`), `ago()` without a literal, the reserved name
 * `AggregatedValue`, and the result columns named in `options`. Returns the problems in text order;
 * an empty list means the query passes.
 */
export function checkQuery(text: string, options: CheckQueryOptions = {}): KqlProblem[] {
    const analyzed = analyzeKql(text);
    const problems: KqlProblem[] = analyzed.diagnostics
        .filter((d) => d.severity === "Error")
        .map((d) => ({ line: d.line, column: d.column, code: d.code, message: d.message }));
    const structural = syntaxProblems(analyzed, isOneMinuteRule(options.evaluationFrequency), options.requiredName);
    problems.push(...structural);
    problems.push(...columnProblems(analyzed, options, structural.some((p) => p.code === "reserved-name")));
    return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The problems of a rule whose serialized properties (a JSON string, or an object to serialize) exceed {@link MAX_RULE_PROPERTIES_BYTES}. */
export function checkRuleSize(properties: string | object): KqlProblem[] {
    const json = typeof properties === "string" ? properties : JSON.stringify(properties);
    const bytes = Buffer.byteLength(json, "utf8");
    if (bytes <= MAX_RULE_PROPERTIES_BYTES) return [];
    return [{ line: 1, column: 1, code: "rule-too-large", message: `the rule's properties take ${bytes} bytes; allowed: at most ${MAX_RULE_PROPERTIES_BYTES} (64 KB)` }];
}
