/**
 * Synthetic log files for a stack: a preset fleet of the generator, its hubs renamed to the
 * stack's hubs, written as an export the replay reads (with `_TimeReceived`, the ingestion time,
 * so the replay sees rows as late as they would arrive).
 */
import { generateFleet, healthyFleet, massDisconnectFleet, mixedFleet, periodicTokenExpiryFleet, randomDisconnectsFleet, isoTime, type PresetOptions } from "../synthetic";
import type { FleetSpec, SyntheticFleet, SyntheticRecord } from "../synthetic/fleet";
import { csvLines } from "../synthetic/writers";
import { ValidationError } from "../components/validation";

/** The scenarios the generator offers, by name. */
export const SCENARIOS: Readonly<Record<string, (o: PresetOptions) => FleetSpec>> = {
    healthy: healthyFleet,
    symptom1: periodicTokenExpiryFleet,
    symptom2: randomDisconnectsFleet,
    symptom3: massDisconnectFleet,
    mixed: mixedFleet,
};

/** Parts of a hub resource id the generator takes. */
interface HubParts {
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    readonly name: string;
}

function hubParts(id: string): HubParts {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Devices\/IotHubs\/([^/]+)$/i.exec(id);
    if (!m) throw new ValidationError("hub", id, "allowed: an IoT Hub resource id");
    return { subscriptionId: m[1], resourceGroup: m[2], name: m[3] };
}

/** Generates a scenario's fleet on the given hubs (the preset's hubs, in order, become these hubs). */
export function generateForHubs(scenario: string, hubIds: readonly string[], options: PresetOptions): SyntheticFleet {
    const preset = SCENARIOS[scenario];
    if (!preset) throw new ValidationError("--scenario", scenario, `allowed: ${Object.keys(SCENARIOS).join(", ")}`);
    const spec = preset(options);
    if (spec.hubs.length > hubIds.length) {
        throw new ValidationError("--scenario", scenario, `needs ${spec.hubs.length} hubs; the stack has ${hubIds.length}`);
    }
    return generateFleet({ ...spec, hubs: spec.hubs.map((h, i) => ({ ...h, ...hubParts(hubIds[i]) })) });
}

/** JSON Lines of records as the replay reads them: the row, ISO times, and `_TimeReceived` (ingestion time). */
export function* recordLines(records: Iterable<SyntheticRecord>): Generator<string> {
    for (const r of records) yield JSON.stringify({ ...r.row, TimeGenerated: isoTime(r.row.TimeGenerated), _TimeReceived: isoTime(r.ingestedAt) });
}

/** CSV of the records in the portal's style (no ingestion time: the portal does not export it). */
export function recordCsv(records: Iterable<SyntheticRecord>): Generator<string> {
    return csvLines(Array.from(records, (r) => r.row), "portal");
}
