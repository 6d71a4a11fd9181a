/**
 * The query catalog: every query the package ships, each a `.kql` file with its typed entry here.
 * First the detections, one per `.kql` file in this folder, with everything its log search alert
 * needs beside the query; then the items of the triage workbook, one per `.kql` file in
 * `workbook/`, with how the workbook shows it. A reviewer reads a query here and in its `.kql`
 * file, without reading any other TypeScript.
 *
 * Every detection filters with its typed parameters inside the query and returns one row per hub
 * only when the hub breaches, so every condition is "the measure column is greater than 0" on that
 * row. Every rule is split by the hub (`_ResourceId` and `HubName`), never by a device: each time
 * series of a log search alert is billed.
 */
import type { IntParameter, RealParameter, TimespanParameter } from "../kql/literals";
import { monitoredHubsParameter, type DetectionDefinition } from "./detection";
import type { WorkbookMetricDefinition, WorkbookQueryDefinition } from "./workbook/items";

/** The column every detection carries the hub's resource id in (Log Analytics stores it lower-case). */
const RESOURCE_ID_COLUMN = "_ResourceId";
/** The hub-level dimension of every detection: the hub's name, taken from its resource id. */
const HUB_DIMENSIONS: readonly string[] = ["HubName"];
/** The datetime column every detection returns: the time of the latest evidence on the hub. */
const TIME_COLUMN = "TimeGenerated";

// The periodic test of symptom 1, shared by periodic-disconnect.kql and random-disconnect.kql (which
// leaves periodic devices out). The ranges of minPeriod and maxPeriod meet at one hour, so the
// shortest period can never exceed the longest.

/**
 * Regular intervals of one device, at least, before its disconnects count as periodic. Default 3
 * (four disconnects): with two, random drops of a noisy fleet agree by chance too often for one
 * device to mean anything; the chance test of periodic-disconnect.kql asks for more where the hub
 * has many candidates.
 */
const minRegularIntervalsParameter: IntParameter = {
    type: "int",
    default: 3,
    min: 2,
    max: 100,
    description: "Intervals of one device within the tolerance of its median interval, at least, before its disconnects count as periodic.",
};
/** Shortest period that counts as periodic. Default PT5M. */
const minPeriodParameter: TimespanParameter = {
    type: "timespan",
    default: "PT5M",
    min: "PT1M",
    max: "PT1H",
    description: "Shortest median interval between one device's 404104 disconnects that counts as a period.",
};
/** Longest period that counts as periodic; a longer gap is the device being away. Default P1D. */
const maxPeriodParameter: TimespanParameter = {
    type: "timespan",
    default: "P1D",
    min: "PT1H",
    max: "P1D",
    description: "Longest interval between one device's 404104 disconnects that counts as a period; a longer gap is the device being away.",
};
/**
 * Relative part of the tolerance of a regular interval. Default 0.01: an expiring token repeats to
 * within the time the device takes to reconnect, so the tolerance is mostly the absolute jitter.
 */
const periodToleranceParameter: RealParameter = {
    type: "real",
    default: 0.01,
    min: 0.001,
    max: 0.2,
    description: "Relative part of the tolerance: an interval within periodJitter + periodTolerance x period of the device's median interval is regular.",
};
/** Absolute part of the tolerance: the time a device takes to reconnect after its token expired. Default PT1M. */
const periodJitterParameter: TimespanParameter = {
    type: "timespan",
    default: "PT1M",
    min: "PT10S",
    max: "PT10M",
    description: "Absolute part of the tolerance of a regular interval: the time a device takes to reconnect (the 401003 retry included).",
};

// The mass test of symptom 3, shared by mass-disconnect.kql and random-disconnect.kql (which leaves
// disconnects in and next to a mass bin out).

/** Width of the bin in which a mass disconnect is counted. Default PT5M. */
const binSizeParameter: TimespanParameter = {
    type: "timespan",
    default: "PT5M",
    min: "PT1M",
    max: "PT15M",
    description: "Width of the bin in which disconnected devices are counted.",
};
/** Distinct devices disconnected with 404104 in one bin, at least. Default 10. */
const massMinDevicesParameter: IntParameter = {
    type: "int",
    default: 10,
    min: 1,
    max: 1_000_000,
    description: "Distinct devices disconnected with 404104 in one bin, at least.",
};
/** Share of the devices seen in the window that dropped in one bin, at least. Default 0.2. */
const massMinShareParameter: RealParameter = {
    type: "real",
    default: 0.2,
    min: 0.01,
    max: 1,
    description: "Share of the devices seen in the window that dropped in one bin, at least.",
};

/** How long a row is left for a later run, so the rows around it have arrived (logs come 3 to 10 minutes late). Default PT10M. */
const settleTimeParameter: TimespanParameter = {
    type: "timespan",
    default: "PT10M",
    min: "PT5M",
    max: "PT30M",
    description: "Rows younger than this are left for a later run, so the rows that explain them have arrived (logs come 3 to 10 minutes late).",
};

/** Symptom 1: 404104 disconnects at a regular interval and/or followed by 401003 and a reconnect (SAS token expiry). */
export const periodicDisconnect: DetectionDefinition = {
    id: "periodic-disconnect",
    file: "periodic-disconnect.kql",
    symptom: 1,
    title: "IoT Hub 404104: devices disconnect at a regular interval (symptom 1, SAS token expiry)",
    severity: { dev: 4, staging: 3, prod: 2 },
    evaluationFrequency: "PT1H",
    windowSize: "P2D",
    timeAggregation: "Maximum",
    measureColumn: "AffectedDevices",
    operator: "GreaterThan",
    threshold: 0,
    dimensions: HUB_DIMENSIONS,
    resourceIdColumn: RESOURCE_ID_COLUMN,
    timeColumn: TIME_COLUMN,
    failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
    muteActionsDuration: "P1D",
    autoMitigate: false,
    parameters: {
        monitoredHubs: monitoredHubsParameter,
        minRegularIntervals: minRegularIntervalsParameter,
        minPeriod: minPeriodParameter,
        maxPeriod: maxPeriodParameter,
        periodTolerance: periodToleranceParameter,
        periodJitter: periodJitterParameter,
        maxChance: {
            type: "real",
            default: 0.01,
            min: 0.0001,
            max: 1,
            description:
                "Expected devices of a hub that chance alone (random drops of a noisy fleet) would make look this periodic, at most, for one device to count on its own (a Bonferroni bound over the hub's candidate devices).",
        },
        minClusterDevices: {
            type: "int",
            default: 3,
            min: 2,
            max: 1_000_000,
            description: "Regular devices sharing the hub's period, at least (and more than chance puts there), to count without the chance test of a single device.",
        },
        followWindow: {
            type: "timespan",
            default: "PT1M",
            min: "PT30S",
            max: "PT10M",
            description: "The 401003 and the successful reconnect must come within this span of the 404104 (the article: less than a minute).",
        },
        minFollowedPerDevice: {
            type: "int",
            default: 2,
            min: 1,
            max: 100,
            description: "404104 -> 401003 -> reconnect sequences of one device in the window, at least, to count without a regular period.",
        },
        minDevices: { type: "int", default: 1, min: 1, max: 1_000_000, description: "Affected devices per hub, at least." },
    },
    runbook: {
        likelyCause:
            "The SAS token the devices connect with expires and IoT Hub closes the connection (404104); a device reconnects once it refreshes its token, sometimes after a 401003 IoTHubUnauthorized. The Azure IoT C SDK's SAS token expires hourly by default, which produces exactly this periodic pattern.",
        whatToCheck: [
            "DominantPeriodMinutes: a period near 60 minutes (the article's example: 65) points at one-hour tokens, the C SDK default.",
            "ShareFollowedBy401003: a high share confirms the token expired before the device renewed it.",
            "How the sample devices create their SAS tokens (lifetime, when they renew) and which SDK and version they use (sdkVersion in the Connections logs).",
            "Healthy renewals are not in this alert: a device that renews in time disconnects without 404104 and reconnects at once.",
            "How it scales: on a large noisy hub one device needs more regular intervals (a chance bound over the hub's candidate devices, parameter maxChance), unless several devices share the hub's period (minClusterDevices); periodTolerance and periodJitter set how close an interval must be to the period.",
        ],
        fix: [
            "Follow the 401003 IoTHubUnauthorized guidance: renew the SAS token before it expires.",
            "Use an Azure IoT device SDK that renews the token by itself instead of connecting with a fixed token (the .NET and Java SDKs renew at 85% of the token's life, Python 120 seconds before expiry).",
            "Where devices build their own tokens, create the new token and reconnect before the old one expires.",
        ],
    },
    timeToDetect:
        "For 404104 -> 401003 -> reconnect sequences: 10 to 70 minutes after a device's second sequence (logs arrive 3 to 10 minutes late, the rule runs hourly). For a regular period: about three periods after the first periodic disconnect, plus the same 10 to 70 minutes (about 3.5 to 4.5 hours for the article's 65-minute period). The 2-day window lets periods up to about half a day show four disconnects.",
};

/** Symptom 2: 404104 disconnects that are neither periodic nor part of a mass event, above a rate (keep-alive, TCP reset, crash). */
export const randomDisconnect: DetectionDefinition = {
    id: "random-disconnect",
    file: "random-disconnect.kql",
    symptom: 2,
    title: "IoT Hub 404104: devices disconnect at random (symptom 2, keep-alive timeout, TCP reset or crash)",
    severity: { dev: 4, staging: 3, prod: 2 },
    evaluationFrequency: "PT15M",
    windowSize: "PT6H",
    timeAggregation: "Maximum",
    measureColumn: "AffectedDevices",
    operator: "GreaterThan",
    threshold: 0,
    dimensions: HUB_DIMENSIONS,
    resourceIdColumn: RESOURCE_ID_COLUMN,
    timeColumn: TIME_COLUMN,
    failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
    // A change detector: once the new rate has become the hub's baseline the condition clears, while the outbreak may go on.
    // Stateless with a mute, the alert stays until someone closes it and notifies once per window, instead of resolving itself.
    muteActionsDuration: "PT6H",
    autoMitigate: false,
    parameters: {
        monitoredHubs: monitoredHubsParameter,
        recentSpan: {
            type: "timespan",
            default: "PT30M",
            min: "PT15M",
            max: "PT2H",
            description: "The span judged at each run (it ends settleTime ago), and the length of each baseline span before it.",
        },
        baselineSpans: {
            type: "int",
            default: 10,
            min: 2,
            max: 40,
            description: "Spans before the recent one that make the hub's baseline; the window must hold recentSpan x (baselineSpans + 1) + settleTime.",
        },
        minBaselineSpans: {
            type: "int",
            default: 4,
            min: 2,
            max: 40,
            description: "Baseline spans with logs (after the hub's first row in the window), at least, before the rule judges a hub: a hub whose logs just began stays quiet.",
        },
        longSpans: {
            type: "int",
            default: 4,
            min: 2,
            max: 8,
            description: "The slow test judges the last longSpans spans together (2 hours with the defaults) against the longSpans spans before them (or a Poisson background with their drops, if larger): slower changes, a device failing every hour, show there. baselineSpans must be at least 2 x longSpans - 1.",
        },
        settleTime: settleTimeParameter,
        zScore: {
            type: "real",
            default: 8,
            min: 1,
            max: 20,
            description: "Standard deviations over the hub's baseline the recent repeat score (pairs of random disconnects of the same device) must exceed: lower fires on smaller changes, and more often on chance.",
        },
        minRepeatScore: {
            type: "int",
            default: 3,
            min: 1,
            max: 1_000_000,
            description: "Pairs of random disconnects of the same device, at least, in either test: a floor for tiny, quiet fleets (with the default zScore the thresholds, 4 and 8 at the least, are higher).",
        },
        minDisconnectsPerDevice: {
            type: "int",
            default: 2,
            min: 2,
            max: 10_000,
            description: "Random 404104 disconnects of one device in the recent span to count it as affected.",
        },
        minShareOfFleet: {
            type: "real",
            default: 0.001,
            min: 0,
            max: 1,
            description: "Affected devices as a share of the hub's active devices (seen in the window), at least.",
        },
        minRegularIntervals: {
            ...minRegularIntervalsParameter,
            default: 2,
            description: "Regular intervals of one device, at least, to set it aside as (possibly) periodic: one fewer than periodic-disconnect needs, so a device on its way to a period is not counted as random.",
        },
        minPeriod: minPeriodParameter,
        maxPeriod: maxPeriodParameter,
        periodTolerance: periodToleranceParameter,
        periodJitter: periodJitterParameter,
        binSize: binSizeParameter,
        massMinDevices: massMinDevicesParameter,
        massMinShareOfFleet: massMinShareParameter,
    },
    runbook: {
        likelyCause:
            "The connection was lost on the device's side: its network was down for longer than the MQTT keep-alive (IoT Hub closes an idle connection after 1.5 times the client's keep-alive, at most 1,767 seconds), it reset the TCP connection without an MQTT DISCONNECT (a bug of older Azure IoT SDK versions), or the device application crashed. The keep-alive can differ per device.",
        whatToCheck: [
            "This alert means a change: RepeatScore (pairs of random disconnects of the same device in the span) against Threshold, from the hub's own past hours; Horizon says whether the last 30 minutes or the last 2 hours changed. What changed then: a firmware or SDK rollout, a network or carrier change, a new site?",
            "ByProtocolAndSdk: disconnects concentrated on one SDK version point at an old SDK; on one protocol, at its keep-alive or network path.",
            "The connectivity of the sample devices: signal quality, network path, NAT or firewall idle timeouts shorter than the keep-alive.",
            "The device application's logs and restarts around the disconnect times: a crash shows as a restart.",
            "Chronic background (devices that always drop now and then) does not fire this alert: the triage workbook's top devices by 404104 lists them by protocol and SDK.",
            "How it scales: the threshold is the hub's own past (mean plus zScore standard deviations of the repeat score, default 8) and a share of its active devices (minShareOfFleet); recentSpan and longSpans set the fast and the slow horizon.",
        ],
        fix: [
            "Test the devices' connectivity to IoT Hub and fix the network where it is unreliable.",
            "Do not just raise the keep-alive on an unreliable or intermittent network: it makes a lost connection take longer to detect.",
            "Use the latest Azure IoT device SDK and let it manage the connection and reconnects.",
        ],
    },
    constraints: [
        {
            says: "the window must hold the recent span, the baseline spans and the settle time: windowSize >= recentSpan x (baselineSpans + 1) + settleTime",
            atLeast: [{ of: "windowSize" }],
            than: [{ of: "recentSpan", timesParameter: "baselineSpans", timesPlus: 1 }, { of: "settleTime" }],
        },
        { says: "the slow test needs its block of longSpans spans and the block before it: baselineSpans >= 2 x longSpans - 1", atLeast: [{ of: "baselineSpans" }], than: [{ of: "longSpans", times: 2 }, { times: -1 }] },
        { says: "a hub is judged only after minBaselineSpans spans, which cannot exceed baselineSpans", atLeast: [{ of: "baselineSpans" }], than: [{ of: "minBaselineSpans" }] },
    ],
    timeToDetect:
        "From the onset of a change: the time the affected devices need to raise the hub's repeat score over its baseline, plus settleTime (10 minutes, which covers the 3 to 10 minutes logs take to arrive) and up to 15 minutes to the next run. On a hub of 1,000 devices with a background of 2 drops per device and day, 1% of the devices failing every 20 minutes is reported 45 to 90 minutes after the onset (45 on most seeds of the noise budget); a steady Poisson background is not.",
};

/** Symptom 3: many devices disconnect with 404104 in one short bin, and/or 500xxx errors rise above their baseline (IoT Hub transient problem). */
export const massDisconnect: DetectionDefinition = {
    id: "mass-disconnect",
    file: "mass-disconnect.kql",
    symptom: 3,
    title: "IoT Hub 404104: many devices disconnected at once (symptom 3, IoT Hub transient problem)",
    severity: { dev: 3, staging: 2, prod: 1 },
    evaluationFrequency: "PT5M",
    windowSize: "PT6H",
    timeAggregation: "Maximum",
    measureColumn: "TriggeredBins",
    operator: "GreaterThan",
    threshold: 0,
    dimensions: HUB_DIMENSIONS,
    resourceIdColumn: RESOURCE_ID_COLUMN,
    timeColumn: TIME_COLUMN,
    failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
    autoMitigate: true,
    parameters: {
        monitoredHubs: monitoredHubsParameter,
        binSize: binSizeParameter,
        minDevices: massMinDevicesParameter,
        minShareOfFleet: massMinShareParameter,
        recentSpan: {
            type: "timespan",
            default: "PT30M",
            min: "PT30M",
            max: "PT2H",
            description: "Bins starting this recently can fire; the rest of the window is the 500xxx baseline. At least one bin plus the 10 minutes logs can be late.",
        },
        min500xxxPerBin: {
            type: "int",
            default: 5,
            min: 1,
            max: 1_000_000,
            description: "500xxx errors in one bin, at least, to count as a rise.",
        },
        errorRiseFactor: {
            type: "real",
            default: 3,
            min: 1,
            max: 100,
            description: "A bin's 500xxx errors must reach this multiple of the hub's average per bin before recentSpan.",
        },
    },
    runbook: {
        likelyCause:
            "A transient problem in IoT Hub itself: many devices lost their connections at once (404104 DeviceConnectionClosedRemotely), usually with more 500xxx internal errors than usual.",
        whatToCheck: [
            "If the Resource Health alert fired for this hub, it is the platform: wait, do not redeploy devices. The Service Health alert (IoT Hub) names incidents and maintenance in the region.",
            "The hub's Connected devices metric (connectedDeviceCount) for a drop at the same time.",
            "MassDropBins and ErrorRiseBins: which of the two conditions fired; Errors500xxxByCode names the codes (500001 ServerError, 500008 GenericTimeout).",
        ],
        fix: [
            "Follow the 500xxx internal-error guidance: devices retry with exponential back-off and jitter (the Azure IoT device SDKs do).",
            "If the drop lasts, open a support case with the hub's resource id and the time range of the alert.",
        ],
    },
    timeToDetect:
        "5 to 20 minutes from the first disconnects: logs arrive 3 to 10 minutes late, the rule runs every 5 minutes, and a bin may need the late rows of up to one more bin to reach the floor. The 30-minute recent span keeps each bin in view until its late rows are in; the alert resolves by itself once no recent bin qualifies.",
};

/** 409002 LinkCreationConflict without a 404104 just before: device logic opens a second connection (related to symptom 2). */
export const linkConflict: DetectionDefinition = {
    id: "link-conflict",
    file: "link-conflict.kql",
    symptom: 2,
    title: "IoT Hub 409002 without 404104: devices open a second connection (related to symptom 2)",
    severity: { dev: 4, staging: 4, prod: 3 },
    evaluationFrequency: "PT15M",
    windowSize: "PT6H",
    timeAggregation: "Maximum",
    measureColumn: "AffectedDevices",
    operator: "GreaterThan",
    threshold: 0,
    dimensions: HUB_DIMENSIONS,
    resourceIdColumn: RESOURCE_ID_COLUMN,
    timeColumn: TIME_COLUMN,
    failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
    // PT6H, the rule's window: a new notification comes only when the window holds new conflicts. (PT12H, used before, is not among the durations Azure accepts: limit log-alert-mute.)
    muteActionsDuration: "PT6H",
    autoMitigate: false,
    parameters: {
        monitoredHubs: monitoredHubsParameter,
        sideEffectWindow: {
            type: "timespan",
            default: "PT5M",
            min: "PT1M",
            max: "PT15M",
            description: "A 409002 this soon after a 404104 of the same device is its side effect and is not counted.",
        },
        minConflictsPerDevice: {
            type: "int",
            default: 3,
            min: 1,
            max: 10_000,
            description: "409002 errors of one device in the window that no 404104 explains, at least.",
        },
        minAffectedDevices: { type: "int", default: 1, min: 1, max: 1_000_000, description: "Devices per hub with that many unexplained conflicts, at least." },
        settleTime: settleTimeParameter,
    },
    runbook: {
        likelyCause:
            "IoT Hub closed a device's connection because a new connection arrived for the same device (409002 LinkCreationConflict) with no 404104 just before it: the device-side logic opens a connection while one is already open, or more than one client uses the same device identity.",
        whatToCheck: [
            "The sample devices: how many processes or devices connect with that device id (maskedIpAddress in properties_s differs between clients).",
            "The device application's reconnect logic: it must open a new connection only after the old one dropped.",
            "SdkVersions: whether the conflicts concentrate on one SDK version.",
        ],
        fix: [
            "Issue a new connection request only when the connection has dropped.",
            "Give every client its own device identity.",
            "A 409002 right after a 404104 is a side effect and is not counted here: troubleshoot the 404104 instead.",
        ],
    },
    timeToDetect:
        "At most 25 minutes with the defaults after the conflict that brings a device to minConflictsPerDevice: conflicts are judged after settleTime (10 minutes, which covers the 3 to 10 minutes logs take to arrive) at the next 15-minute run.",
};

/** Every detection, in the order the article names the symptoms. */
export const DETECTIONS: readonly DetectionDefinition[] = [periodicDisconnect, randomDisconnect, massDisconnect, linkConflict];

/** The detection with this id, or `undefined`. */
export function detectionById(id: string): DetectionDefinition | undefined {
    return DETECTIONS.find((d) => d.id === id);
}

/** The detection whose query is in this file (base name, e.g. `mass-disconnect.kql`), or `undefined`. */
export function detectionForFile(fileName: string): DetectionDefinition | undefined {
    return DETECTIONS.find((d) => d.file === fileName);
}

// ---------------------------------------------------------------------------------------------
// The triage workbook's items (queries/workbook/*.kql). Their `let` lines follow the detections'
// convention; `Hub` and `TimeRange` bind the lines named in WORKBOOK_LET_BINDINGS, and a line in
// `sharedParameters` takes a detection's parameter, so the picture counts what the alert counts.

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
        sharedParameters: { followWindow: { detection: periodicDisconnect, parameter: "followWindow" } },
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
        sharedParameters: { followWindow: { detection: periodicDisconnect, parameter: "followWindow" } },
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
        sharedParameters: { binSize: { detection: massDisconnect, parameter: "binSize" } },
    },
];


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
