/**
 * The detection catalog: one entry per `.kql` file in this folder, with everything its log
 * search alert needs beside the query. A reviewer reads a detection here and in its `.kql` file,
 * without reading any other TypeScript.
 */
import { monitoredHubsParameter, type DetectionDefinition } from "./detection";

/** Symptom 3: many devices disconnect with 404104 in one short bin (a transient IoT Hub problem). */
export const massDisconnect: DetectionDefinition = {
    id: "mass-disconnect",
    file: "mass-disconnect.kql",
    symptom: 3,
    title: "IoT Hub 404104: many devices disconnected at once (symptom 3)",
    severity: { dev: 3, staging: 2, prod: 1 },
    evaluationFrequency: "PT5M",
    windowSize: "PT30M",
    timeAggregation: "Maximum",
    measureColumn: "DroppedDevices",
    operator: "GreaterThan",
    threshold: 0,
    dimensions: ["HubName"],
    resourceIdColumn: "_ResourceId",
    failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
    muteActionsDuration: "PT1H",
    autoMitigate: true,
    parameters: {
        monitoredHubs: monitoredHubsParameter,
        binSize: { type: "timespan", default: "PT5M", min: "PT1M", max: "PT15M", description: "Width of the bin in which disconnected devices are counted." },
        minDevices: { type: "int", default: 10, min: 1, max: 1_000_000, description: "Distinct devices disconnected with 404104 in one bin, at least." },
        minShareOfFleet: { type: "real", default: 0.2, min: 0.01, max: 1, description: "Share of the devices seen in the window that dropped in one bin, at least." },
    },
    runbook: {
        likelyCause: "A transient problem in IoT Hub itself: many devices lost their connections at once (404104 DeviceConnectionClosedRemotely), usually with 500xxx internal errors.",
        whatToCheck: [
            "Azure Service Health and Resource Health of the hub for an incident in its region.",
            "The hub's Connected devices metric (connectedDeviceCount) for a drop at the same time.",
            "500xxx errors (500001 ServerError, 500008 GenericTimeout) in the Connections logs of the same minutes.",
        ],
        fix: [
            "Follow the 500xxx internal-error guidance: devices should retry with exponential back-off and jitter (the Azure IoT device SDKs do).",
            "If the drop lasts, open a support case with the hub's resource id and the time range of the alert.",
        ],
    },
    timeToDetect: "About 10 to 15 minutes: logs arrive 3 to 10 minutes late and the rule runs every 5 minutes over a 30-minute window, so a bin is counted once its late rows are in.",
};

/** Every detection, in the order the article names the symptoms. */
export const DETECTIONS: readonly DetectionDefinition[] = [massDisconnect];

/** The detection with this id, or `undefined`. */
export function detectionById(id: string): DetectionDefinition | undefined {
    return DETECTIONS.find((d) => d.id === id);
}

/** The detection whose query is in this file (base name, e.g. `mass-disconnect.kql`), or `undefined`. */
export function detectionForFile(fileName: string): DetectionDefinition | undefined {
    return DETECTIONS.find((d) => d.file === fileName);
}
