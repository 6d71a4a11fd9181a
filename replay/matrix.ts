/**
 * The confusion matrix of the detections over synthetic fleets: each scenario (healthy, each
 * symptom, mixtures across hubs; rows late by 3 to 10 minutes, and in one scenario also out of
 * order and duplicated) is replayed with the stack's rules, and for every hub the rules that fired
 * are compared with the ground truth, with the time from the first symptom to the first firing.
 */
import { parseStackConfig } from "../program/config";
import { DETECTIONS } from "../queries/catalog";
import type { Symptom } from "../queries/detection";
import { generateFleet, healthyFleet, massDisconnectFleet, mixedFleet, periodicTokenExpiryFleet, randomDisconnectsFleet, shuffled, withDuplicates, type PresetOptions } from "../synthetic";
import type { FleetSpec, SyntheticRecord } from "../synthetic/fleet";
import { planReplay, replay } from "./engine";
import type { ReplayRow } from "./logs";

/** The detection that answers each symptom of the article. */
export const DETECTION_FOR_SYMPTOM: Readonly<Record<Symptom, string>> = {
    1: "periodic-disconnect",
    2: "random-disconnect",
    3: "mass-disconnect",
};

/** One scenario of the matrix. */
export interface MatrixScenario {
    readonly name: string;
    readonly spec: FleetSpec;
    /** How rows reach the replay (e.g. duplicated and shuffled); default: as generated, each late by 3 to 10 minutes. */
    readonly arrival?: (records: readonly SyntheticRecord[]) => readonly SyntheticRecord[];
}

/** One hub of one scenario: what should fire, what fired and how soon. */
export interface MatrixCell {
    readonly scenario: string;
    readonly hub: string;
    /** Detection ids the ground truth calls for (from the scenario's incidents). */
    readonly expected: readonly string[];
    /** Evaluations that fired, per detection id (every detection listed). */
    readonly fired: Readonly<Record<string, number>>;
    /** Minutes from the first row of the symptom to the first firing of its detection, per expected detection. */
    readonly minutesToDetect: Readonly<Record<string, number | undefined>>;
    /** Every expected detection fired and no other did. */
    readonly correct: boolean;
}

/** The matrix's scenarios for a seed: 24 hours each, 200 devices a hub. */
export function matrixScenarios(seed = 1): MatrixScenario[] {
    const o: PresetOptions = { seed, start: "2026-11-20T00:00:00Z", durationMinutes: 24 * 60, devicesPerHub: 200 };
    const periodic = (share401003: number): FleetSpec => {
        const s = periodicTokenExpiryFleet(o);
        return { ...s, hubs: s.hubs.map((h) => ({ ...h, scenario: { periodicTokenExpiry: { share: 0.3, periodMinutes: 65, share401003 } } })) };
    };
    return [
        { name: "healthy", spec: healthyFleet(o) },
        { name: "symptom 1, 65-minute cycle with 401003", spec: periodic(1) },
        { name: "symptom 1, 65-minute cycle without 401003", spec: periodic(0) },
        { name: "symptom 2, random disconnects", spec: randomDisconnectsFleet(o) },
        { name: "symptom 3, mass disconnect", spec: massDisconnectFleet(o) },
        { name: "mixture across hubs", spec: mixedFleet(o) },
        {
            name: "mixture, duplicated and out of order",
            spec: mixedFleet(o),
            arrival: (records) => shuffled(withDuplicates(records, { seed, share: 0.05 }), seed),
        },
    ];
}

/** Replays one scenario with a dev stack over its hubs and returns a cell per hub. */
export function runMatrixScenario(scenario: MatrixScenario): MatrixCell[] {
    const fleet = generateFleet(scenario.spec);
    const hubs = fleet.hubs.map((h) => h.resourceId);
    const P = "iothub-404104";
    const settings = parseStackConfig(
        {
            [`${P}:hubs`]: JSON.stringify(hubs),
            [`${P}:resourceGroupName`]: "rg-matrix",
            [`${P}:location`]: "westeurope",
            [`${P}:connectedDevicesAlert`]: JSON.stringify({ enabled: false }),
        },
        P,
        "dev",
    );
    const plan = planReplay(settings);
    const records = scenario.arrival ? scenario.arrival(fleet.records) : fleet.records;
    const rows: ReplayRow[] = records.map((r) => ({ row: r.row as unknown as ReplayRow["row"], time: r.row.TimeGenerated, visibleAt: r.ingestedAt }));
    const { firings } = replay(plan, rows, fleet.start, fleet.end + 15 * 60_000);
    return fleet.hubs.map((hub) => {
        const incidents = fleet.incidents.filter((i) => i.resourceId === hub.resourceId);
        const expected = [...new Set(incidents.map((i) => DETECTION_FOR_SYMPTOM[i.symptom]))];
        const fired: Record<string, number> = Object.fromEntries(DETECTIONS.map((d) => [d.id, 0]));
        const first: Record<string, number> = {};
        for (const f of firings) {
            if (f.resourceId.toLowerCase() !== hub.resourceId) continue;
            const id = DETECTIONS.find((d) => f.rule.endsWith(`-${d.id}`))?.id ?? f.rule;
            fired[id] = (fired[id] ?? 0) + 1;
            first[id] = Math.min(first[id] ?? Infinity, Date.parse(f.evaluatedAt));
        }
        const minutesToDetect: Record<string, number | undefined> = {};
        for (const id of expected) {
            const start = Math.min(...incidents.filter((i) => DETECTION_FOR_SYMPTOM[i.symptom] === id).map((i) => i.start));
            minutesToDetect[id] = first[id] === undefined ? undefined : Math.round((first[id] - start) / 60_000);
        }
        const correct = Object.entries(fired).every(([id, n]) => (expected.includes(id) ? n > 0 : n === 0));
        return { scenario: scenario.name, hub: hub.name, expected, fired, minutesToDetect, correct };
    });
}
