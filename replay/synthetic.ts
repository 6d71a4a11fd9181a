/**
 * Synthetic log files for a stack: a preset fleet of the generator, its hubs renamed to the
 * stack's hubs, written as an export the replay reads (with `_TimeReceived`, the ingestion time,
 * so the replay sees rows as late as they would arrive).
 */
import { generateFleet, healthyFleet, massDisconnectFleet, mixedFleet, periodicTokenExpiryFleet, randomDisconnectsFleet, isoTime, type PresetOptions } from "../synthetic";
import type { FleetSpec, SyntheticFleet, SyntheticRecord } from "../synthetic/fleet";
import { csvLines } from "../synthetic/writers";
import { ValidationError } from "../azure/validation";
import type { ReplayRow } from "./logs";

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

/**
 * The parts of the `mixed` preset a stack with fewer hubs than parts gets, most telling first: a
 * hub with two symptoms, a mass disconnect, then one symptom each, then a healthy hub.
 */
export const MIXED_PARTS_BY_PRIORITY: readonly string[] = ["hub-mixed", "hub-mass", "hub-periodic", "hub-random", "hub-healthy"];

/**
 * Generates a scenario's fleet on the given hubs (the preset's hubs, in order, become these hubs).
 * `mixed` takes as many of its parts as the stack has hubs (at least 2, by
 * {@link MIXED_PARTS_BY_PRIORITY}); the other scenarios need one hub each of theirs.
 */
export function generateForHubs(scenario: string, hubIds: readonly string[], options: PresetOptions): SyntheticFleet {
    const preset = SCENARIOS[scenario];
    if (!preset) throw new ValidationError("--scenario", scenario, `allowed: ${Object.keys(SCENARIOS).join(", ")}`);
    let spec = preset(options);
    if (scenario === "mixed" && spec.hubs.length > hubIds.length) {
        if (hubIds.length < 2) throw new ValidationError("--scenario", scenario, `a mixture across hubs needs a stack of at least 2 hubs; the stack has ${hubIds.length} (try symptom1, symptom2 or symptom3)`);
        const kept = new Set(MIXED_PARTS_BY_PRIORITY.slice(0, hubIds.length));
        spec = { ...spec, hubs: spec.hubs.filter((h) => kept.has(h.name)) };
    }
    if (spec.hubs.length > hubIds.length) {
        throw new ValidationError("--scenario", scenario, `needs ${spec.hubs.length} hubs; the stack has ${hubIds.length}`);
    }
    return generateFleet({ ...spec, hubs: spec.hubs.map((h, i) => ({ ...h, ...hubParts(hubIds[i]) })) });
}

/** Synthetic records as the replay takes rows: the row, its `TimeGenerated` and its arrival (ingestion) time. */
export function replayRowsOf(records: readonly SyntheticRecord[]): ReplayRow[] {
    return records.map((r) => ({ row: r.row as unknown as ReplayRow["row"], time: r.row.TimeGenerated, visibleAt: r.ingestedAt }));
}

/** JSON Lines of records as the replay reads them: the row, ISO times, and `_TimeReceived` (ingestion time). */
export function* recordLines(records: Iterable<SyntheticRecord>): Generator<string> {
    for (const r of records) yield JSON.stringify({ ...r.row, TimeGenerated: isoTime(r.row.TimeGenerated), _TimeReceived: isoTime(r.ingestedAt) });
}

/** CSV of the records in the portal's style (no ingestion time: the portal does not export it). */
export function recordCsv(records: Iterable<SyntheticRecord>): Generator<string> {
    return csvLines(Array.from(records, (r) => r.row), "portal");
}
