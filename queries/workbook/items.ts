/**
 * What an item of the 404104 triage workbook is: the types of its catalog entries (the entries are
 * in `queries/catalog.ts`, beside the detections), the workbook parameters and the `let` lines
 * they bind.
 *
 * The files follow the convention of the detections (`queries/detection.ts`): they run as they are
 * in Log Analytics, and their parameters are `let name = literal;` lines at the top. When the
 * workbook is built, each `let` line named in {@link WORKBOOK_LET_BINDINGS} is replaced by the
 * workbook token it stands for (`let startTime = {TimeRange:start};`), the form Microsoft's own
 * workbooks use; other `let` lines are constants of the query and stay as they are.
 */
import type { DetectionDefinition, Symptom } from "../detection";

/** The workbook parameters the items use: the monitored hubs picked (`Hub`) and the time range (`TimeRange`). */
export type WorkbookParameterName = "Hub" | "TimeRange";

/** Every workbook parameter, in the order the workbook shows them. */
export const WORKBOOK_PARAMETER_NAMES: readonly WorkbookParameterName[] = ["Hub", "TimeRange"];

/** How a KQL item is drawn (the workbook's `visualization` values this workbook uses). */
export type WorkbookVisualization = "timechart" | "barchart" | "table";

/** The workbook's item size codes: 0 medium, 1 small, 2 large, 3 tiny, 4 full. */
export type WorkbookItemSize = 0 | 1 | 2 | 3 | 4;

/** One `let` parameter a workbook query may declare and the workbook token that replaces its literal. */
export interface WorkbookLetBinding {
    /** The workbook parameter the token reads. */
    readonly parameter: WorkbookParameterName;
    /** The KQL expression, with workbook tokens, that replaces the default literal. */
    readonly token: string;
    /**
     * What the token expands to in a sample run, so the parser can check the query after
     * substitution (a workbook token is not KQL). Same type as the workbook's expansion.
     */
    readonly sample: string;
}

/** The sample subscription, resource group and hub the parser check substitutes for `{Hub}`. */
export const SAMPLE_HUB_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/example-rg/providers/microsoft.devices/iothubs/example-hub";

/**
 * The `let` names a workbook query may bind, and their tokens. `{Hub}` is a multi-select resource
 * picker quoted with `'` and delimited with `,`, so `dynamic([{Hub}])` expands to
 * `dynamic(['<id>','<id>'])`; `{TimeRange:start}` and `{TimeRange:end}` expand to `datetime(...)`
 * and `{TimeRange:grain}` to a timespan literal such as `30m`.
 */
export const WORKBOOK_LET_BINDINGS: Readonly<Record<string, WorkbookLetBinding>> = {
    monitoredHubs: { parameter: "Hub", token: "dynamic([{Hub}])", sample: `dynamic(['${SAMPLE_HUB_ID}','${SAMPLE_HUB_ID.replace(/example-hub$/, "example-hub-2")}'])` },
    startTime: { parameter: "TimeRange", token: "{TimeRange:start}", sample: "datetime(2026-11-22T00:00:00.000Z)" },
    endTime: { parameter: "TimeRange", token: "{TimeRange:end}", sample: "datetime(2026-11-23T00:00:00.000Z)" },
    grain: { parameter: "TimeRange", token: "{TimeRange:grain}", sample: "15m" },
};

/** One KQL item of the workbook: its query file and how it is shown. */
export interface WorkbookQueryDefinition {
    /** Stable id (kebab-case), used as the item's name in the workbook JSON. */
    readonly id: string;
    /** The `.kql` file in `queries/workbook/` holding the query. */
    readonly file: string;
    /** The title shown above the item. */
    readonly title: string;
    /** One or two sentences shown under the title: what to look for. */
    readonly hint: string;
    /** How the result is drawn. */
    readonly visualization: WorkbookVisualization;
    /** The item's size code. */
    readonly size: WorkbookItemSize;
    /** Width in percent of the row (two items of 50 sit side by side); default full width. */
    readonly customWidth?: number;
    /** The workbook parameters the query reads (through its bound `let` lines). */
    readonly parameters: readonly WorkbookParameterName[];
    /** The symptoms of the article the item helps tell apart. */
    readonly symptoms: readonly Symptom[];
    /**
     * `let` lines of the file that take a detection's parameter, by `let` name: the item then shows
     * what the detection counts (the same follow window, the same bin width), with the umbrella's
     * overrides of that parameter when it has any. Default: none.
     */
    readonly sharedParameters?: Readonly<Record<string, SharedDetectionParameter>>;
}

/** A detection parameter a workbook query shares: the detection's catalog entry and the parameter's name there. */
export interface SharedDetectionParameter {
    /** The detection whose parameter the `let` line takes. */
    readonly detection: DetectionDefinition;
    /** The parameter's name in the detection's `parameters`. */
    readonly parameter: string;
}

/** Aggregations of a workbook metrics item, by the portal's codes (1 Sum, 2 Minimum, 3 Maximum, 4 Average, 7 Count). */
export type WorkbookMetricAggregation = "Minimum" | "Maximum" | "Average";

/** The portal's codes of {@link WorkbookMetricAggregation}. */
export const WORKBOOK_METRIC_AGGREGATION_CODES: Readonly<Record<WorkbookMetricAggregation, number>> = { Minimum: 2, Maximum: 3, Average: 4 };

/** The metrics item of the workbook: one platform metric of the picked hubs, charted over the time range. */
export interface WorkbookMetricDefinition {
    /** Stable id, used as the item's name in the workbook JSON. */
    readonly id: string;
    /** The title shown above the item. */
    readonly title: string;
    /** What to look for. */
    readonly hint: string;
    /** Resource type and metric namespace (lower case, as the portal writes it). */
    readonly namespace: string;
    /** The metric's name in the REST API. */
    readonly metric: string;
    /** Aggregations charted, one series each per hub. */
    readonly aggregations: readonly WorkbookMetricAggregation[];
    /** The item's size code. */
    readonly size: WorkbookItemSize;
    /** The workbook parameters the item reads: the hubs as its resources, the time range as its time. */
    readonly parameters: readonly WorkbookParameterName[];
    /** The symptoms of the article the item helps tell apart. */
    readonly symptoms: readonly Symptom[];
}
