/**
 * The one table of the limits this package enforces before anything is sent to Azure: every
 * allowed set and range, each row with where it comes from. Azure's own limits cite Azure's
 * published word (a REST API spec with path and commit, a Learn page with the source file and
 * commit of its text, or Azure's quoted error text); limits that are this package's own choice
 * say so (`source.kind: "package"`) and why. Validators read their numbers from here and nowhere
 * else; `test/azure-limits.test.ts` checks the rows against the vendored specs and texts, and the
 * conformance tests apply them to every resource of the sample stacks.
 *
 * This module sits below the components, the query catalog and the KQL checker: it imports nothing
 * of the package.
 */

/** Where a limit comes from. */
export type LimitSource =
    /** An OpenAPI spec of Azure/azure-rest-api-specs: the file, its commit and the JSON pointer of the rule inside it. */
    | { readonly kind: "spec"; readonly repo: "Azure/azure-rest-api-specs"; readonly path: string; readonly commit: string; readonly pointer: string }
    /** A Learn page: its address, the repository file its text comes from (with commit) and the words that state the limit, each as it is in the file. */
    | { readonly kind: "learn"; readonly url: string; readonly repo: string; readonly path: string; readonly commit: string; readonly quotes: readonly string[] }
    /** Azure's own error text, and where it is on record. */
    | { readonly kind: "azure-error"; readonly text: string; readonly reportedIn: readonly string[] }
    /** A limit this package chooses itself, stricter than Azure or where Azure states none, with the reason. */
    | { readonly kind: "package"; readonly reason: string };

/** A set of ISO 8601 durations, in minutes. */
export interface DurationSetRule {
    readonly kind: "duration-set";
    readonly minutes: readonly number[];
}

/** A numeric range, inclusive. */
export interface RangeRule {
    readonly kind: "range";
    readonly min: number;
    readonly max: number;
    readonly integer: boolean;
    /** What the number counts, for messages (`days`, `bytes`, `minutes`, ...). */
    readonly unit?: string;
}

/** A fixed set of values. */
export interface SetRule {
    readonly kind: "set";
    readonly values: readonly (string | number)[];
}

/** A name: length range, a pattern (JavaScript source, anchored) and its rule in words. */
export interface NameRule {
    readonly kind: "name";
    readonly minLength: number;
    readonly maxLength: number;
    readonly pattern: string;
    readonly description: string;
}

/** A rule that relates two fields or limits a value by another; `description` states it. */
export interface RelationRule {
    readonly kind: "relation";
    readonly description: string;
    /** The bound, in seconds, where the relation has one (e.g. 12 hours for stateful log alerts). */
    readonly seconds?: number;
}

/** Azure's rules for resource tags. */
export interface TagsRule {
    readonly kind: "tags";
    readonly maxTags: number;
    readonly maxKeyLength: number;
    readonly maxValueLength: number;
    /** Characters a tag name may not contain. */
    readonly forbiddenKeyCharacters: string;
}

/** Any rule of the table. */
export type LimitRule = DurationSetRule | RangeRule | SetRule | NameRule | RelationRule | TagsRule;

/** Where in a resource a limit applies: the Pulumi type token and the input path (`*` for every resource that takes the input). */
export interface LimitTarget {
    readonly type: string;
    readonly path: string;
}

/** One row of the table. */
export interface AzureLimit<R extends LimitRule = LimitRule> {
    /** Stable id, cited in error messages and the README (e.g. `log-alert-mute`). */
    readonly id: string;
    /** What it limits, in words. */
    readonly subject: string;
    /** The rule. */
    readonly rule: R;
    /** The resource inputs it applies to, for the conformance test. */
    readonly appliesTo: readonly LimitTarget[];
    /** Where it comes from. */
    readonly source: LimitSource;
    /** Where this package is stricter than the source states, what and why. Default: none (the rule is the source's). */
    readonly stricter?: string;
}

const SPECS = "Azure/azure-rest-api-specs" as const;
/** The repository of the Azure Monitor Learn pages the limits quote. */
export const MONITOR_DOCS = "MicrosoftDocs/azure-monitor-docs";
const LOG_ALERT_TEMPLATES = {
    url: "https://learn.microsoft.com/azure/azure-monitor/alerts/resource-manager-alerts-log",
    repo: MONITOR_DOCS,
    path: "articles/azure-monitor/alerts/resource-manager-alerts-log.md",
    commit: "1c87bce7b06b4fa90b44efa21385d7f5067288b6",
} as const;
const LOG_ALERT_RULE_PAGE = {
    url: "https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule",
    repo: MONITOR_DOCS,
    path: "articles/azure-monitor/alerts/alerts-create-log-alert-rule.md",
    commit: "1293fdbc771e40e23ff068e4d75bd55a3a42671a",
} as const;
const NAME_RULES_PAGE = {
    url: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules",
    repo: "MicrosoftDocs/azure-docs",
    path: "articles/azure-resource-manager/management/resource-name-rules.md",
    commit: "849e815a68648a37b5a5aa400ffa61a3143686e8",
} as const;
const METRIC_ALERT_TEMPLATES = {
    url: "https://learn.microsoft.com/azure/azure-monitor/alerts/resource-manager-alerts-metric",
    repo: MONITOR_DOCS,
    path: "articles/azure-monitor/alerts/resource-manager-alerts-metric.md",
    commit: "128b0495c67ee6fc9b938c98363ecd2ffe73cd61",
} as const;

const SQR = "azure-native:monitor:ScheduledQueryRule";
const METRIC = "azure-native:monitor:MetricAlert";
const WORKSPACE = "azure-native:operationalinsights:Workspace";
const ACTION_GROUP = "azure-native:monitor:ActionGroup";

const row = <R extends LimitRule>(limit: AzureLimit<R>): AzureLimit<R> => limit;

/** The table. Keys are the rows' ids in camel case; `LIMITS.logAlertMute.rule.minutes` and so on. */
export const LIMITS = {
    logAlertFrequency: row({
        id: "log-alert-frequency",
        subject: "log search alert evaluationFrequency",
        rule: { kind: "duration-set", minutes: [1, 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440] },
        appliesTo: [{ type: SQR, path: "evaluationFrequency" }],
        source: { kind: "learn", ...LOG_ALERT_TEMPLATES, quotes: ["\"evaluationFrequency\": { \"type\": \"string\", \"defaultValue\": \"PT5M\", \"allowedValues\": [ \"PT1M\", \"PT5M\", \"PT10M\", \"PT15M\", \"PT30M\", \"PT45M\", \"PT1H\", \"PT2H\", \"PT3H\", \"PT4H\", \"PT5H\", \"PT6H\", \"P1D\" ]"] },
    }),
    logAlertWindow: row({
        id: "log-alert-window",
        subject: "log search alert windowSize (aggregation granularity)",
        rule: { kind: "duration-set", minutes: [1, 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440, 2880] },
        appliesTo: [{ type: SQR, path: "windowSize" }],
        source: { kind: "learn", ...LOG_ALERT_TEMPLATES, quotes: ["\"windowSize\": { \"type\": \"string\", \"defaultValue\": \"PT5M\", \"allowedValues\": [ \"PT1M\", \"PT5M\", \"PT10M\", \"PT15M\", \"PT30M\", \"PT45M\", \"PT1H\", \"PT2H\", \"PT3H\", \"PT4H\", \"PT5H\", \"PT6H\", \"P1D\", \"P2D\" ]"] },
    }),
    logAlertMute: row({
        id: "log-alert-mute",
        subject: "log search alert muteActionsDuration",
        rule: { kind: "duration-set", minutes: [5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440, 2880] },
        appliesTo: [{ type: SQR, path: "muteActionsDuration" }],
        source: {
            kind: "azure-error",
            text: "Supported values are: 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 1440, 2880",
            reportedIn: [
                "https://github.com/Azure/azure-powershell/issues/17796 (Azure's error: \"MuteActionsDuration of 0 minutes is not supported. Supported values are: ...\")",
                "https://github.com/Azure/azure-cli/issues/22055 (the same error text)",
                "https://github.com/Azure/azure-resource-manager-schemas/issues/1753 (a deployment that \"fails because PT12H is not an allowed value for the muteActionsDuration setting\")",
            ],
        },
    }),
    logAlertMuteCoversFrequency: row({
        id: "log-alert-mute-covers-frequency",
        subject: "log search alert muteActionsDuration against evaluationFrequency",
        rule: { kind: "relation", description: "muteActionsDuration at least the evaluationFrequency" },
        appliesTo: [{ type: SQR, path: "muteActionsDuration" }],
        source: { kind: "azure-error", text: "EvaluationFrequency cannot be greater than MuteActionsDuration", reportedIn: ["https://github.com/Azure/azure-cli/issues/26581"] },
    }),
    logAlertStatefulFrequency: row({
        id: "log-alert-stateful-frequency",
        subject: "stateful log search alert (autoMitigate true) evaluationFrequency",
        rule: { kind: "relation", description: "evaluationFrequency at most 12 hours when autoMitigate is true", seconds: 12 * 3600 },
        appliesTo: [{ type: SQR, path: "evaluationFrequency" }],
        source: { kind: "learn", ...LOG_ALERT_RULE_PAGE, quotes: ["Stateful alert rules with a frequency of more than 12 hours are not supported."] },
    }),
    logAlertQueryRange: row({
        id: "log-alert-query-range",
        subject: "log search alert query range (windowSize x numberOfEvaluationPeriods)",
        rule: { kind: "range", min: 60, max: 2 * 86400, integer: true, unit: "seconds (two days)" },
        appliesTo: [{ type: SQR, path: "windowSize" }],
        source: { kind: "learn", ...LOG_ALERT_RULE_PAGE, quotes: ["The alert time range is limited to a maximum of two days."] },
    }),
    logAlertFailingPeriods: row({
        id: "log-alert-failing-periods",
        subject: "log search alert failingPeriods.numberOfEvaluationPeriods",
        rule: { kind: "range", min: 1, max: 6, integer: true, unit: "periods" },
        appliesTo: [{ type: SQR, path: "criteria.allOf[].failingPeriods.numberOfEvaluationPeriods" }],
        source: { kind: "package", reason: "a bounded lookback keeps each evaluation's cost and time to detect predictable; Azure's own bound is the two-day query range (log-alert-query-range)" },
    }),
    logAlertDimensions: row({
        id: "log-alert-dimensions",
        subject: "dimensions of a log search alert condition",
        rule: { kind: "range", min: 0, max: 6, integer: true, unit: "dimensions" },
        appliesTo: [{ type: SQR, path: "criteria.allOf[].dimensions" }],
        source: { kind: "learn", ...LOG_ALERT_RULE_PAGE, quotes: ["You can apply up to six dimensions per alert rule."] },
    }),
    logAlertPropertiesSize: row({
        id: "log-alert-properties-size",
        subject: "serialized properties of a log search alert rule",
        rule: { kind: "range", min: 0, max: 64 * 1024, integer: true, unit: "bytes" },
        appliesTo: [{ type: SQR, path: "*" }],
        source: { kind: "learn", ...LOG_ALERT_TEMPLATES, quotes: ["The combined size of all data in the log alert rule properties cannot exceed 64KB."] },
    }),
    detectionThreshold: row({
        id: "detection-threshold",
        subject: "threshold of a detection's log search alert",
        rule: { kind: "range", min: 0, max: 1_000_000_000, integer: false },
        appliesTo: [{ type: SQR, path: "criteria.allOf[].threshold" }],
        source: { kind: "package", reason: "the spec types it only as a number; every detection's measure is a count or share of devices, never negative, and a value past a billion is a typo" },
    }),
    connectedDevicesThreshold: row({
        id: "connected-devices-count",
        subject: "connected-devices drop alert threshold and expected connected devices",
        rule: { kind: "range", min: 1, max: 1_000_000_000, integer: true, unit: "devices" },
        appliesTo: [{ type: METRIC, path: "criteria.allOf[].threshold" }],
        source: { kind: "package", reason: "connectedDeviceCount is a whole number of devices; a threshold of 0 never fires with LessThan" },
    }),
    dropPercent: row({
        id: "drop-percent",
        subject: "connected-devices drop alert maxDropPercent",
        rule: { kind: "range", min: 1, max: 100, integer: false, unit: "percent" },
        appliesTo: [],
        source: { kind: "package", reason: "a share of the expected devices" },
    }),
    alertSeverity: row({
        id: "alert-severity",
        subject: "alert rule severity",
        rule: { kind: "range", min: 0, max: 4, integer: true },
        appliesTo: [
            { type: SQR, path: "severity" },
            { type: METRIC, path: "severity" },
        ],
        source: {
            kind: "spec",
            repo: SPECS,
            path: "specification/monitor/resource-manager/Microsoft.Insights/preview/2025-01-01-preview/scheduledQueryRule_API.json",
            commit: "6eefb0a52bbc7ba3b47c248492d6f42823cea7b9",
            pointer: "/definitions/ScheduledQueryRuleProperties/properties/severity/enum",
        },
    }),
    metricAlertFrequency: row({
        id: "metric-alert-frequency",
        subject: "metric alert evaluationFrequency",
        rule: { kind: "duration-set", minutes: [1, 5, 15, 30, 60] },
        appliesTo: [{ type: METRIC, path: "evaluationFrequency" }],
        source: { kind: "learn", ...METRIC_ALERT_TEMPLATES, quotes: ["\"evaluationFrequency\": { \"type\": \"string\", \"defaultValue\": \"PT1M\", \"allowedValues\": [ \"PT1M\", \"PT5M\", \"PT15M\", \"PT30M\", \"PT1H\" ]"] },
    }),
    metricAlertWindow: row({
        id: "metric-alert-window",
        subject: "metric alert windowSize",
        rule: { kind: "duration-set", minutes: [1, 5, 15, 30, 60, 360, 720, 1440] },
        appliesTo: [{ type: METRIC, path: "windowSize" }],
        source: { kind: "learn", ...METRIC_ALERT_TEMPLATES, quotes: ["\"windowSize\": { \"type\": \"string\", \"defaultValue\": \"PT5M\", \"allowedValues\": [ \"PT1M\", \"PT5M\", \"PT15M\", \"PT30M\", \"PT1H\", \"PT6H\", \"PT12H\", \"PT24H\" ]"] },
    }),
    workspaceName: row({
        id: "workspace-name",
        subject: "Log Analytics workspace name",
        rule: { kind: "name", minLength: 4, maxLength: 63, pattern: "^[A-Za-z0-9][A-Za-z0-9-]+[A-Za-z0-9]$", description: "4-63 letters, digits or hyphens, starting and ending with a letter or digit" },
        appliesTo: [{ type: WORKSPACE, path: "workspaceName" }],
        source: {
            kind: "spec",
            repo: SPECS,
            path: "specification/operationalinsights/resource-manager/common/v1/types.json",
            commit: "186661d0fab465b7c146635af004b720ab5c70fd",
            pointer: "/parameters/WorkspaceNameParameter",
        },
    }),
    workspaceRetention: row({
        id: "workspace-retention",
        subject: "Log Analytics workspace retentionInDays (interactive retention)",
        rule: { kind: "range", min: 30, max: 730, integer: true, unit: "days" },
        appliesTo: [{ type: WORKSPACE, path: "retentionInDays" }],
        source: {
            kind: "learn",
            url: "https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure",
            repo: MONITOR_DOCS,
            path: "articles/azure-monitor/logs/data-retention-configure.md",
            commit: "86fd4d5177eaedc1347ccaf76b04d3cc06f4d160",
            quotes: ["You can increase the analytics retention period of Analytics tables to up to 730 days"],
        },
        stricter:
            "the minimum of 30 days is this package's: Microsoft publishes the 730-day maximum for pay-as-you-go and commitment tiers and a 30-day default, and \"30 to 730 days\" only for the legacy tiers; a shorter workspace default would drop logs the two-day alert lookback and the triage workbook read",
    }),
    workspaceCapacityReservation: row({
        id: "workspace-capacity-reservation",
        subject: "capacityReservationLevel of a CapacityReservation workspace (GB per day)",
        rule: { kind: "set", values: [100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 25000, 50000] },
        appliesTo: [{ type: WORKSPACE, path: "sku.capacityReservationLevel" }],
        source: {
            kind: "spec",
            repo: SPECS,
            path: "specification/operationalinsights/resource-manager/Microsoft.OperationalInsights/stable/2023-09-01/Workspaces.json",
            commit: "0dcfa37f9e6838328ebfae44ceb216b6ee066949",
            pointer: "/definitions/WorkspaceSku/properties/capacityReservationLevel/enum",
        },
    }),
    workspaceDailyQuota: row({
        id: "workspace-daily-quota",
        subject: "workspace daily ingestion cap (workspaceCapping.dailyQuotaGb)",
        rule: { kind: "range", min: 0.1, max: 100_000, integer: false, unit: "GB" },
        appliesTo: [{ type: WORKSPACE, path: "workspaceCapping.dailyQuotaGb" }],
        source: { kind: "package", reason: "the spec types it only as a number (-1 means no cap); a positive cap from 0.1 GB catches a typo such as 0 that would stop ingestion" },
    }),
    actionGroupShortName: row({
        id: "action-group-short-name",
        subject: "action group groupShortName",
        rule: { kind: "name", minLength: 1, maxLength: 12, pattern: "^.{1,12}$", description: "1 to 12 characters" },
        appliesTo: [{ type: ACTION_GROUP, path: "groupShortName" }],
        source: {
            kind: "spec",
            repo: SPECS,
            path: "specification/monitor/resource-manager/Microsoft.Insights/preview/2024-10-01-preview/actionGroups_API.json",
            commit: "025aae4067b2b209daf98526e9c66be56faf1855",
            pointer: "/definitions/ActionGroup/properties/groupShortName/maxLength",
        },
    }),
    tags: row({
        id: "tags",
        subject: "resource tags",
        rule: { kind: "tags", maxTags: 50, maxKeyLength: 512, maxValueLength: 256, forbiddenKeyCharacters: "<>%&\\?/" },
        appliesTo: [{ type: "*", path: "tags" }],
        source: {
            kind: "learn",
            url: "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations",
            repo: "MicrosoftDocs/azure-docs",
            path: "articles/azure-resource-manager/management/tag-resources.md",
            commit: "000024f4b86c259a36d91c0de5e2db630bdb35b1",
            quotes: [
                "Each resource, resource group, and subscription can have a maximum of 50 tag name/value pairs.",
                "The tag name is limited to 512 characters, and the tag value is limited to 256 characters.",
                "Tag names can't contain these characters: `<`, `>`, `%`, `&`, `\\`, `?`, `/`",
            ],
        },
    }),
    iotHubName: row({
        id: "iot-hub-name",
        subject: "IoT Hub name in a hub resource id",
        rule: { kind: "name", minLength: 3, maxLength: 50, pattern: "^[A-Za-z0-9-]{2,49}[A-Za-z0-9]$", description: "3-50 letters, digits or hyphens, not ending with a hyphen" },
        appliesTo: [],
        source: { kind: "learn", ...NAME_RULES_PAGE, quotes: ["> | IotHubs | global | 3-50 | Alphanumerics and hyphens.<br><br>Can't end with hyphen. |"] },
    }),
    actionGroupName: row({
        id: "action-group-name",
        subject: "action group name in an action group resource id",
        rule: { kind: "name", minLength: 1, maxLength: 260, pattern: "^[-\\w.]{1,260}$", description: "1-260 letters, digits, hyphens, underscores or periods" },
        appliesTo: [],
        source: { kind: "package", reason: "Azure's own name rule for action groups allows more characters; ids are pasted into stack files, where a space or other special character is more often a paste error than a name, so only these are taken" },
    }),
    resourceGroupName: row({
        id: "resource-group-name",
        subject: "resource group name",
        rule: { kind: "name", minLength: 1, maxLength: 90, pattern: "^[-\\w._()]{0,89}[-\\w_()]$", description: "1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending with a period" },
        appliesTo: [{ type: "*", path: "resourceGroupName" }],
        source: {
            kind: "learn",
            ...NAME_RULES_PAGE,
            quotes: ["> | resourcegroups | subscription | 1-90 | Alphanumerics, underscores, parentheses, hyphens, periods, and unicode characters that match the [regex documentation](/rest/api/resources/resourcegroups/createorupdate).<br><br>Can't end with period. |"],
        },
        stricter: "letters, digits and underscores only as JavaScript's \\w has them: the other unicode characters Azure allows are refused",
    }),
} as const;

/** Every row of the table, in order. */
export const LIMIT_ROWS: readonly AzureLimit[] = Object.values(LIMITS);

/** The short citation of a row for error messages: `(limit <id>, azure/limits.ts)`. */
export function citeLimit(limit: AzureLimit): string {
    return `(limit ${limit.id}, azure/limits.ts)`;
}

const isoMinutes = (m: number): string => (m % 1440 === 0 ? `P${m / 1440}D` : m % 60 === 0 ? `PT${m / 60}H` : `PT${m}M`);

/** A rule in words, as the README's limits table and messages state it. */
export function describeLimitRule(rule: LimitRule): string {
    switch (rule.kind) {
        case "duration-set":
            return rule.minutes.map(isoMinutes).join(", ");
        case "range":
            return `${rule.integer ? "integer " : ""}${rule.min} to ${rule.max}${rule.unit ? ` ${rule.unit}` : ""}`;
        case "set":
            return `one of ${rule.values.join(", ")}`;
        case "name":
            return rule.description;
        case "relation":
            return rule.description;
        case "tags":
            return `at most ${rule.maxTags} tags; names 1-${rule.maxKeyLength} characters without ${[...rule.forbiddenKeyCharacters].join(" ")}; values at most ${rule.maxValueLength} characters`;
    }
}

/** Where a limit comes from, in one line for the README. */
export function describeLimitSource(source: LimitSource): string {
    switch (source.kind) {
        case "spec":
            return `REST API spec \`${source.path}\` at \`${source.pointer}\` (azure-rest-api-specs ${source.commit.slice(0, 12)})`;
        case "learn":
            return `Learn: ${source.url} (${source.repo} \`${source.path}\` ${source.commit.slice(0, 12)})`;
        case "azure-error":
            return `Azure's error text "${source.text}" (${source.reportedIn.map((r) => r.split(" ")[0]).join(", ")})`;
        case "package":
            return `this package's own rule: ${source.reason}`;
    }
}
