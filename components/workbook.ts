/**
 * The 404104 triage workbook: an Azure Monitor workbook (`@pulumi/azure-native/applicationinsights`
 * Workbook, kind `shared`, category `workbook`) whose source is the Log Analytics workspace, with a
 * hub picker and a time range, the KQL items of `queries/workbook/` and a `connectedDeviceCount`
 * metrics item. The workbook's JSON (`serializedData`) is built here, in code, from the catalog.
 */
import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import { createHash } from "crypto";
import { CONNECTED_DEVICES_METRIC_ITEM, detectionById, WORKBOOK_QUERIES } from "../queries/catalog";
import { detectionParameterValues } from "./detectionRule";
import {
    WORKBOOK_METRIC_AGGREGATION_CODES,
    type WorkbookItemSize,
    type WorkbookMetricDefinition,
    type WorkbookQueryDefinition,
    type WorkbookVisualization,
} from "../queries/workbook/items";
import { renderWorkbookQuery, type SharedParameterValues } from "../queries/workbook/render";
import type { DetectionSettingsMap } from "./hubAlerts";
import { hubNameFromId, componentToken, withLegacyAlias } from "./naming";
import { requireTagsInput } from "./tags";
import { requireGuid, requireIotHubId, requireNonEmptyString, requireUnique, ValidationError } from "../azure/validation";

/** Display name of the workbook when none is given. */
export const DEFAULT_WORKBOOK_DISPLAY_NAME = "IoT Hub 404104 triage";

/** The schema a workbook's JSON declares. */
export const WORKBOOK_SCHEMA_URL = "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json";

/** The time range the workbook opens with: the last 24 hours. */
export const DEFAULT_TIME_RANGE_MS = 24 * 3600_000;

/** Time ranges the picker offers (1 hour to 7 days; a custom range is allowed too). */
const SELECTABLE_TIME_RANGES_MS: readonly number[] = [1, 4, 12, 24, 48, 72, 168].map((h) => h * 3600_000);

/** Resource type of a KQL item's data source: the Log Analytics workspace. */
const WORKSPACE_RESOURCE_TYPE = "microsoft.operationalinsights/workspaces";

/** Resource type the hub picker offers and the metrics item reads. */
const HUB_RESOURCE_TYPE = "microsoft.devices/iothubs";

/** A markdown item (type 1). */
export interface WorkbookTextItem {
    readonly type: 1;
    readonly name: string;
    readonly content: { readonly json: string };
}

/** The time range value of a time parameter or item. */
export interface WorkbookTimeContext {
    readonly durationMs: number;
}

/** The hub picker: a multi-select resource parameter (type 5) over the monitored hubs, all selected. */
export interface WorkbookResourceParameter {
    readonly id: string;
    readonly version: "KqlParameterItem/1.0";
    readonly name: "Hub";
    readonly label: string;
    readonly type: 5;
    readonly description: string;
    readonly isRequired: true;
    readonly multiSelect: true;
    readonly quote: "'";
    readonly delimiter: ",";
    /** The options as JSON text: `[{value, label, selected}]`. */
    readonly jsonData: string;
    readonly value: readonly string[];
    readonly typeSettings: {
        readonly resourceTypeFilter: Readonly<Record<string, true>>;
        readonly additionalResourceOptions: readonly string[];
        readonly showDefault: false;
    };
}

/** The time range picker (type 4). */
export interface WorkbookTimeRangeParameter {
    readonly id: string;
    readonly version: "KqlParameterItem/1.0";
    readonly name: "TimeRange";
    readonly label: string;
    readonly type: 4;
    readonly description: string;
    readonly isRequired: true;
    readonly value: WorkbookTimeContext;
    readonly typeSettings: { readonly selectableValues: readonly WorkbookTimeContext[]; readonly allowCustom: true };
}

/** A parameters item (type 9). */
export interface WorkbookParametersItem {
    readonly type: 9;
    readonly name: string;
    readonly content: {
        readonly version: "KqlParameterItem/1.0";
        readonly parameters: readonly (WorkbookResourceParameter | WorkbookTimeRangeParameter)[];
        readonly style: "pills";
        readonly queryType: 0;
        readonly resourceType: typeof WORKSPACE_RESOURCE_TYPE;
    };
}

/** A KQL item (type 3) querying the workspace. */
export interface WorkbookKqlItem {
    readonly type: 3;
    readonly name: string;
    readonly customWidth?: string;
    readonly content: {
        readonly version: "KqlItem/1.0";
        readonly query: string;
        readonly size: WorkbookItemSize;
        readonly title: string;
        readonly noDataMessage: string;
        readonly timeContextFromParameter: "TimeRange";
        readonly timeContext: WorkbookTimeContext;
        /** 0: Log Analytics. */
        readonly queryType: 0;
        readonly resourceType: typeof WORKSPACE_RESOURCE_TYPE;
        /** The workspace the query runs in. */
        readonly crossComponentResources: readonly string[];
        readonly visualization: WorkbookVisualization;
        readonly gridSettings?: { readonly filter: true; readonly rowLimit: number };
    };
}

/** One metric of a metrics item. */
export interface WorkbookMetric {
    readonly namespace: string;
    /** `<namespace>--<metric>`: the portal's metric id without a category. */
    readonly metric: string;
    /** The portal's aggregation code (2 Minimum, 3 Maximum, 4 Average). */
    readonly aggregation: number;
    readonly columnName: string;
}

/** A metrics item (type 10) over the picked hubs. */
export interface WorkbookMetricsItem {
    readonly type: 10;
    readonly name: string;
    readonly content: {
        readonly chartId: string;
        readonly version: "MetricsItem/2.0";
        readonly size: WorkbookItemSize;
        /** 2: line chart. */
        readonly chartType: 2;
        readonly resourceType: typeof HUB_RESOURCE_TYPE;
        /** 0: one series per resource. */
        readonly metricScope: 0;
        readonly resourceParameter: "Hub";
        readonly resourceIds: readonly string[];
        readonly timeContextFromParameter: "TimeRange";
        readonly timeContext: WorkbookTimeContext;
        readonly metrics: readonly WorkbookMetric[];
        readonly title: string;
    };
}

/** Any item of the triage workbook. */
export type WorkbookItem = WorkbookTextItem | WorkbookParametersItem | WorkbookKqlItem | WorkbookMetricsItem;

/** The workbook's JSON (`serializedData`, parsed). */
export interface WorkbookContent {
    /** The workbook format: `Notebook/1.0`. */
    readonly version: "Notebook/1.0";
    /** The items top to bottom: the guide, the parameters, the KQL items, the metrics item. */
    readonly items: readonly WorkbookItem[];
    /** Resources the workbook opens with when it is loaded from a link: the workspace. */
    readonly fallbackResourceIds: readonly string[];
    /** Whether the portal locks editing: never. */
    readonly isLocked: false;
    /** The JSON schema of workbook content. */
    readonly $schema: string;
}

/** What the workbook's JSON is built from. */
export interface TriageWorkbookContentOptions {
    /** Resource id of the Log Analytics workspace every KQL item queries. Required. */
    readonly workspaceId: string;
    /** The monitored hubs the hub picker offers, all selected. Required, at least one. */
    readonly hubResourceIds: readonly string[];
    /** The heading of the workbook. Default: `DEFAULT_WORKBOOK_DISPLAY_NAME`. */
    readonly displayName?: string;
    /**
     * The KQL of each item by item id, as `renderWorkbookQueries` renders it (with the umbrella's
     * detection overrides for the parameters the items share). Default: rendered with the detections' defaults.
     */
    readonly queries?: Readonly<Record<string, string>>;
}

/**
 * The KQL of every item of the workbook by item id: each catalog query with its workbook tokens and
 * the detection parameters it shares (`shared`, validated; default: the detections' defaults).
 * Throws a named error for a bad shared value.
 */
export function renderWorkbookQueries(shared: SharedParameterValues = {}): Readonly<Record<string, string>> {
    return Object.fromEntries(WORKBOOK_QUERIES.map((def) => [def.id, renderWorkbookQuery(def, undefined, shared)]));
}

/** A GUID derived from a text (SHA-1, shaped as a version 5 UUID): the same text always gives the same GUID. */
export function deterministicGuid(text: string): string {
    const h = createHash("sha1").update(text).digest("hex");
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function symptomText(symptoms: readonly number[]): string {
    return symptoms.length === 1 ? `symptom ${symptoms[0]}` : `symptoms ${symptoms.join(", ")}`;
}

function kqlItem(def: WorkbookQueryDefinition, workspaceId: string, query: string): WorkbookKqlItem {
    return {
        type: 3,
        name: def.id,
        ...(def.customWidth === undefined ? {} : { customWidth: String(def.customWidth) }),
        content: {
            version: "KqlItem/1.0",
            query,
            size: def.size,
            title: `${def.title} (${symptomText(def.symptoms)})`,
            noDataMessage: `No rows: no matching Connections logs from the picked hubs in this time range. ${def.hint}`,
            timeContextFromParameter: "TimeRange",
            timeContext: { durationMs: DEFAULT_TIME_RANGE_MS },
            queryType: 0,
            resourceType: WORKSPACE_RESOURCE_TYPE,
            crossComponentResources: [workspaceId],
            visualization: def.visualization,
            ...(def.visualization === "table" ? { gridSettings: { filter: true, rowLimit: 1000 } } : {}),
        },
    };
}

function metricsItem(def: WorkbookMetricDefinition): WorkbookMetricsItem {
    return {
        type: 10,
        name: def.id,
        content: {
            chartId: `workbook${deterministicGuid(`metric:${def.id}`)}`,
            version: "MetricsItem/2.0",
            size: def.size,
            chartType: 2,
            resourceType: HUB_RESOURCE_TYPE,
            metricScope: 0,
            resourceParameter: "Hub",
            resourceIds: ["{Hub}"],
            timeContextFromParameter: "TimeRange",
            timeContext: { durationMs: DEFAULT_TIME_RANGE_MS },
            metrics: def.aggregations.map((a) => ({
                namespace: def.namespace,
                metric: `${def.namespace}--${def.metric}`,
                aggregation: WORKBOOK_METRIC_AGGREGATION_CODES[a],
                columnName: `${def.metric} (${a})`,
            })),
            title: `${def.title} (${symptomText(def.symptoms)})`,
        },
    };
}

function guide(displayName: string): string {
    const lines = [
        `## ${displayName}`,
        "Triage of IoT Hub error **404104 DeviceConnectionClosedRemotely** on the monitored hubs: which of the troubleshooting article's three symptoms is it?",
        "",
        "| symptom | what the charts show | likely cause |",
        "|---|---|---|",
        "| 1 | 404104 at a regular interval (a tall bar near 65 minutes), often followed by 401003 within a minute | SAS tokens expire before the devices renew them |",
        "| 2 | 404104 at random, concentrated on some devices, SDK versions or protocols | keep-alive timeouts, TCP resets without MQTT DISCONNECT, device crashes |",
        "| 3 | many devices at once, with 500xxx errors and a drop of connected devices | a transient problem in IoT Hub itself |",
        "",
        "Pick hubs and a time range above. Logs arrive in Log Analytics 3 to 10 minutes late. Queries: `queries/workbook/` of iothub-404104-monitoring.",
    ];
    for (const q of WORKBOOK_QUERIES) lines.push(`- **${q.title}**: ${q.hint}`);
    lines.push(`- **${CONNECTED_DEVICES_METRIC_ITEM.title}**: ${CONNECTED_DEVICES_METRIC_ITEM.hint}`);
    return lines.join("\n");
}

/**
 * The workbook's platform-health item: for symptom 3, does Azure already know? A link to each hub's
 * Resource Health page and to Service Health, where the stack's Resource Health and Service Health
 * alerts come from.
 */
export function platformHealthLinks(hubResourceIds: readonly string[]): string {
    return [
        "### Platform health: does Azure already know?",
        "Many devices at once with 500xxx errors (symptom 3): if the Resource Health alert fired for the hub, it is the platform: wait, do not redeploy devices.",
        ...hubResourceIds.map((id) => `- Resource Health of **${hubNameFromId(id)}**: https://portal.azure.com/#@/resource${id}/resourceHealth`),
        `- Service Health (IoT Hub incidents and maintenance): ${SERVICE_HEALTH_PORTAL_LINK}`,
    ].join("\n");
}

/** The portal's Service Health page (service issues). */
export const SERVICE_HEALTH_PORTAL_LINK = "https://portal.azure.com/#view/Microsoft_Azure_Health/AzureHealthBrowseBlade/~/serviceIssues";

/**
 * The triage workbook's JSON for a workspace and the monitored hubs: a guide (markdown), the hub
 * picker and time range (parameters), one KQL item per entry of `WORKBOOK_QUERIES` (rendered with
 * their workbook tokens) and the `connectedDeviceCount` metrics item. Pure; the component
 * serializes it into `serializedData`.
 */
export function triageWorkbookContent(options: TriageWorkbookContentOptions): WorkbookContent {
    const displayName = options.displayName ?? DEFAULT_WORKBOOK_DISPLAY_NAME;
    const hubs = options.hubResourceIds;
    const queries = options.queries ?? renderWorkbookQueries();
    const hubParameter: WorkbookResourceParameter = {
        id: deterministicGuid("parameter:Hub"),
        version: "KqlParameterItem/1.0",
        name: "Hub",
        label: "IoT Hubs",
        type: 5,
        description: "The monitored IoT Hubs the charts read (all selected by default).",
        isRequired: true,
        multiSelect: true,
        quote: "'",
        delimiter: ",",
        jsonData: JSON.stringify(hubs.map((id) => ({ value: id, label: hubNameFromId(id), selected: true }))),
        value: [...hubs],
        typeSettings: { resourceTypeFilter: { [HUB_RESOURCE_TYPE]: true }, additionalResourceOptions: [], showDefault: false },
    };
    const timeParameter: WorkbookTimeRangeParameter = {
        id: deterministicGuid("parameter:TimeRange"),
        version: "KqlParameterItem/1.0",
        name: "TimeRange",
        label: "Time range",
        type: 4,
        description: "The span every chart reads.",
        isRequired: true,
        value: { durationMs: DEFAULT_TIME_RANGE_MS },
        typeSettings: { selectableValues: SELECTABLE_TIME_RANGES_MS.map((durationMs) => ({ durationMs })), allowCustom: true },
    };
    return {
        version: "Notebook/1.0",
        items: [
            { type: 1, name: "guide", content: { json: guide(displayName) } },
            {
                type: 9,
                name: "parameters",
                content: { version: "KqlParameterItem/1.0", parameters: [hubParameter, timeParameter], style: "pills", queryType: 0, resourceType: WORKSPACE_RESOURCE_TYPE },
            },
            ...WORKBOOK_QUERIES.map((q) => kqlItem(q, options.workspaceId, queries[q.id])),
            metricsItem(CONNECTED_DEVICES_METRIC_ITEM),
            { type: 1, name: "platform-health", content: { json: platformHealthLinks(hubs) } },
        ],
        fallbackResourceIds: [options.workspaceId],
        isLocked: false,
        $schema: WORKBOOK_SCHEMA_URL,
    };
}

/**
 * The Azure portal link that opens a workbook: `https://portal.azure.com/#@/resource<workbook id>/workbook`
 * (the empty tenant after `#@` is the viewer's default directory). The id is used as given.
 */
export function workbookPortalLink(workbookId: string): string {
    // Not validated: the id is what the provider (or a test's mocks) returned, not user input.
    return `https://portal.azure.com/#@/resource${workbookId}/workbook`;
}

/** The description line of every alert that links the workbook. */
export function workbookDescriptionLine(link: string): string {
    return `Triage workbook (disconnects by result code, intervals, top devices, 401003 share, 500xxx, connected devices): ${link}`;
}

/** Arguments of `TriageWorkbook`. */
export interface TriageWorkbookArgs {
    /** Resource group of the workbook. Required. */
    resourceGroupName: pulumi.Input<string>;
    /** Region of the workbook (normally the workspace's). Required. */
    location: pulumi.Input<string>;
    /** Resource id of the Log Analytics workspace: the workbook's source and every query's scope. Required. */
    workspaceId: pulumi.Input<string>;
    /** The monitored hubs (resource ids) the hub picker offers: at least one, no duplicates. Required. */
    hubResourceIds: string[];
    /** The workbook's display name in the portal. Default: `IoT Hub 404104 triage`. */
    displayName?: string;
    /**
     * The workbook's resource name, a GUID (Azure requires one). Default: a GUID derived from the
     * Pulumi project, the stack and the component's name, so it is the same on every run.
     */
    resourceName?: string;
    /** Tags of the workbook. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Detection overrides whose parameters the workbook's items share (the 401003 follow window of
     * `periodic-disconnect`, the bin width of `mass-disconnect`), so the pictures count what the
     * alerts count; the umbrellas pass their own `detections` (not a single hub's overrides).
     * Default: the catalog's defaults.
     */
    detections?: DetectionSettingsMap;
    /** Prefix of error paths of `detections`, so messages name the caller's config key. Default: `TriageWorkbookArgs.detections`. */
    detectionsErrorPath?: string;
    /** Prefix of error paths, so messages name the caller's config key. Default: `TriageWorkbookArgs`. */
    errorPath?: string;
}

/**
 * The shared Azure Monitor workbook for 404104 triage on the monitored hubs: hub and time-range
 * parameters, disconnects over time by result code, intervals between a device's disconnects, top
 * devices by 404104, the share of 404104 followed by 401003, devices disconnected per 5 minutes
 * beside 500xxx errors, and the hubs' `connectedDeviceCount`. `portalLink` opens it.
 */
export class TriageWorkbook extends pulumi.ComponentResource {
    /** The workbook resource. */
    public readonly workbook: applicationinsights.Workbook;
    /** Resource id of the workbook. */
    public readonly workbookId: pulumi.Output<string>;
    /** The portal link that opens the workbook (see `workbookPortalLink`). */
    public readonly portalLink: pulumi.Output<string>;
    /** The workbook's resource name (a GUID). */
    public readonly resourceName: string;
    /** The display name. */
    public readonly displayName: string;

    constructor(name: string, args: TriageWorkbookArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentToken("TriageWorkbook"), name, {}, withLegacyAlias("TriageWorkbook", opts));
        requireTagsInput("TriageWorkbookArgs.tags", args.tags);
        const field = args.errorPath ?? "TriageWorkbookArgs";
        if (!Array.isArray(args.hubResourceIds) || args.hubResourceIds.length === 0) {
            throw new ValidationError(`${field}.hubResourceIds`, args.hubResourceIds, "allowed: a list of at least one IoT Hub resource id");
        }
        const hubs = args.hubResourceIds.map((id, i) => requireIotHubId(`${field}.hubResourceIds[${i}]`, id).id);
        requireUnique(`${field}.hubResourceIds`, hubs);
        this.displayName = requireNonEmptyString(`${field}.displayName`, args.displayName ?? DEFAULT_WORKBOOK_DISPLAY_NAME);
        this.resourceName =
            args.resourceName === undefined ? deterministicGuid(`triage-workbook:${pulumi.getProject()}:${pulumi.getStack()}:${name}`) : requireGuid(`${field}.resourceName`, args.resourceName).toLowerCase();
        // Rendered now, so a bad shared value is refused before anything is sent to Azure (not inside an apply).
        const detectionsField = args.detectionsErrorPath ?? `${field}.detections`;
        const detections = Object.fromEntries(
            Object.entries(args.detections ?? {}).flatMap(([id, s]) => {
                const detection = detectionById(id);
                return detection ? [[id, { parameters: detectionParameterValues(`${detectionsField}.${id}.parameters`, detection, s.parameters) }]] : [];
            }),
        );
        const queries = renderWorkbookQueries({ detections, field: detectionsField });
        const workspaceId = pulumi.output(args.workspaceId);
        this.workbook = new applicationinsights.Workbook(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                resourceName: this.resourceName,
                kind: "shared",
                category: "workbook",
                displayName: this.displayName,
                description: "Triage of IoT Hub error 404104 DeviceConnectionClosedRemotely (iothub-404104-monitoring).",
                sourceId: workspaceId.apply((id) => id.toLowerCase()),
                version: "Notebook/1.0",
                serializedData: workspaceId.apply((id) => JSON.stringify(triageWorkbookContent({ workspaceId: id, hubResourceIds: hubs, displayName: this.displayName, queries }))),
                tags: args.tags,
            },
            { parent: this },
        );
        this.workbookId = this.workbook.id;
        this.portalLink = this.workbook.id.apply(workbookPortalLink);
        this.registerOutputs({ workbookId: this.workbookId, portalLink: this.portalLink });
    }
}
