/**
 * The query catalog of the 404104 triage workbook: one entry per `.kql` file in this folder, with
 * how the workbook shows it, plus the one metrics item (`connectedDeviceCount`, which never reaches
 * Log Analytics). A reviewer reads an item here and in its `.kql` file, without reading the
 * workbook builder (`components/workbook.ts`).
 *
 * The files follow the convention of the detections (`queries/detection.ts`): they run as they are
 * in Log Analytics, and their parameters are `let name = literal;` lines at the top. When the
 * workbook is built, each `let` line named in {@link WORKBOOK_LET_BINDINGS} is replaced by the
 * workbook token it stands for (`let startTime = {TimeRange:start};`), the form Microsoft's own
 * workbooks use; other `let` lines are constants of the query and stay as they are.
 */
import type { Symptom } from "../detection";

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
}

/** The KQL items of the triage workbook, in the order the workbook shows them. */
export const WORKBOOK_QUERIES: readonly WorkbookQueryDefinition[] = [
    {
        id: "disconnects-by-result",
        file: "disconnects-by-result.kql",
        title: "Disconnects and connection errors over time, by result code",
        hint: "404104 with 401003 beside it: expired SAS tokens (symptom 1). 404104 with 500xxx: IoT Hub itself (symptom 3). Normal disconnects are healthy renewals.",
        visualization: "timechart",
        size: 0,
        parameters: ["Hub", "TimeRange"],
        symptoms: [1, 2, 3],
    },
    {
        id: "disconnect-intervals",
        file: "disconnect-intervals.kql",
        title: "Minutes between one device's disconnects",
        hint: "A tall 404104 bar at one interval (the article's example: 65 minutes) is symptom 1. Tall bars of other disconnects at 48 or 51 minutes are healthy token renewals.",
        visualization: "barchart",
        size: 0,
        parameters: ["Hub", "TimeRange"],
        symptoms: [1],
    },
    {
        id: "top-devices-404104",
        file: "top-devices-404104.kql",
        title: "Devices with the most 404104 disconnects",
        hint: "One SDK version or protocol dominating points at an old SDK or a keep-alive problem (symptom 2); FollowedBy401003 close to Disconnects404104 points at tokens (symptom 1).",
        visualization: "table",
        size: 0,
        parameters: ["Hub", "TimeRange"],
        symptoms: [1, 2],
    },
    {
        id: "followed-by-401003",
        file: "followed-by-401003.kql",
        title: "Share of 404104 followed by 401003 within a minute",
        hint: "A high share confirms symptom 1: the SAS token expired before the device renewed it.",
        visualization: "table",
        size: 1,
        customWidth: 50,
        parameters: ["Hub", "TimeRange"],
        symptoms: [1],
    },
    {
        id: "mass-disconnect-bins",
        file: "mass-disconnect-bins.kql",
        title: "Devices disconnected with 404104 per 5 minutes, beside 500xxx errors",
        hint: "Both rising in the same bins, with connected devices dropping below, is symptom 3: a transient IoT Hub problem.",
        visualization: "timechart",
        size: 1,
        customWidth: 50,
        parameters: ["Hub", "TimeRange"],
        symptoms: [3],
    },
];

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

/**
 * `connectedDeviceCount` of the picked hubs (namespace `Microsoft.Devices/IotHubs`): a snapshot
 * metric with Average, Minimum and Maximum only, which diagnostic settings cannot export, so only a
 * metrics item can show it. Minimum shows a drop that Average smooths over.
 */
export const CONNECTED_DEVICES_METRIC_ITEM: WorkbookMetricDefinition = {
    id: "connected-devices",
    title: "Connected devices (connectedDeviceCount)",
    hint: "A sudden drop across the fleet at the time of a 404104 and 500xxx rise is symptom 3. The metric never reaches Log Analytics; it is read from Azure Monitor metrics.",
    namespace: "microsoft.devices/iothubs",
    metric: "connectedDeviceCount",
    aggregations: ["Average", "Minimum"],
    size: 0,
    parameters: ["Hub", "TimeRange"],
    symptoms: [3],
};

/** The catalog entry of a workbook query file, by file name. */
export function workbookQueryForFile(fileName: string): WorkbookQueryDefinition | undefined {
    return WORKBOOK_QUERIES.find((q) => q.file === fileName);
}
