/**
 * The confusion matrix of the detections over synthetic fleets: each scenario (healthy, each
 * symptom, mixtures across hubs; rows late by 3 to 10 minutes, and in one scenario also out of
 * order and duplicated) is replayed with the stack's rules, and for every hub the rules that fired
 * are compared with the ground truth, with the time from the first symptom to the first firing.
 */
import { DETECTIONS } from "../queries/catalog";
import type { Symptom } from "../queries/detection";
import {
    generateFleet,
    healthyFleet,
    massDisconnectFleet,
    mixedFleet,
    noisyHealthyFleet,
    periodicOutbreakFleet,
    periodicTokenExpiryFleet,
    randomDisconnectsFleet,
    randomOutbreakFleet,
    shuffled,
    withDuplicates,
    type NoisyPresetOptions,
    type PresetOptions,
} from "../synthetic";
import type { FleetSpec, Incident, SyntheticRecord } from "../synthetic/fleet";
import { formatTable } from "../program/format";
import { replay, type Firing } from "./engine";
import { planReplay } from "./plan";
import { settingsForHubs } from "./hubsStack";
import { replayRowsOf } from "./synthetic";

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
    /** When the symptom begins (epoch ms), for a scenario with an onset: time to detect counts from it. Default: the symptom's first row. */
    readonly onset?: number;
    /** For the noise budget: devices per hub, background drops per device and day, and the kind of cell. */
    readonly noise?: { readonly devices: number; readonly perDevicePerDay: number; readonly kind: NoiseCellKind };
}

/** The cells of the noise budget: a noisy healthy hub, a random outbreak of 1% or 5% of its devices, a symptom 1 of 0.5%. */
export type NoiseCellKind = "noisy healthy" | "random outbreak 1%" | "random outbreak 5%" | "symptom 1 of 0.5%";

/** The noise-budget cells' kinds, in order. */
export const NOISE_CELL_KINDS: readonly NoiseCellKind[] = ["noisy healthy", "random outbreak 1%", "random outbreak 5%", "symptom 1 of 0.5%"];

/** Background rates of the noise budget: 404104 per device and day on every device. */
export const NOISE_RATES: readonly number[] = [0.2, 1, 2];

/**
 * The noise budget: for each hub size and background rate, a noisy but healthy hub (nothing may
 * fire), a random outbreak of 1% and of 5% of the devices from noon (each failing about every 20
 * minutes), and a symptom 1 (65-minute token expiry) of 0.5% of the devices from 06:00; 24 hours each.
 */
export function noiseScenarios(sizes: readonly number[], seed = 1, rates: readonly number[] = NOISE_RATES): MatrixScenario[] {
    const out: MatrixScenario[] = [];
    for (const devices of sizes) {
        for (const perDevicePerDay of rates) {
            const o: NoisyPresetOptions = { seed, start: "2026-11-20T00:00:00Z", durationMinutes: 24 * 60, devicesPerHub: devices, backgroundPerDevicePerDay: perDevicePerDay };
            const start = Date.parse("2026-11-20T00:00:00Z");
            const name = (kind: NoiseCellKind): string => `${kind}, ${devices} devices, ${perDevicePerDay}/device/day`;
            out.push({ name: name("noisy healthy"), spec: noisyHealthyFleet(o), noise: { devices, perDevicePerDay, kind: "noisy healthy" } });
            for (const [kind, share] of [["random outbreak 1%", 0.01], ["random outbreak 5%", 0.05]] as const) {
                out.push({ name: name(kind), spec: randomOutbreakFleet({ ...o, share, onsetFraction: 0.5 }), onset: start + 12 * 3600_000, noise: { devices, perDevicePerDay, kind } });
            }
            // Symptom 1's time to detect counts from its first 404104, as the catalog states it (three periods plus up to 70 minutes).
            out.push({ name: name("symptom 1 of 0.5%"), spec: periodicOutbreakFleet({ ...o, share: 0.005, onsetFraction: 0.25 }), noise: { devices, perDevicePerDay, kind: "symptom 1 of 0.5%" } });
        }
    }
    return out;
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
    /** Firings of detections the ground truth does not call for: false alarms. */
    readonly falseAlarms: number;
    /** The scenario's noise-budget description, when it is a noise cell. */
    readonly noise?: MatrixScenario["noise"];
    /** Devices the scenario's incidents involve on this hub. */
    readonly affectedDevices: number;
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
    const plan = planReplay(settingsForHubs(hubs, "dev", "dev"));
    const records = scenario.arrival ? scenario.arrival(fleet.records) : fleet.records;
    const rows = replayRowsOf(records);
    const { firings } = replay(plan, rows, fleet.start, fleet.end + 15 * 60_000);
    return matrixCells(scenario.name, fleet.hubs, fleet.incidents, firings, scenario);
}

/**
 * The cells of one scenario, a hub each: the detections its incidents (the ground truth) call for,
 * the evaluations of each detection that fired on the hub among `firings` (a replay's or a
 * backtest's), the minutes from the symptom's first row (or the scenario's `onset`) to its first
 * firing, whether exactly the expected detections fired, and the false alarms.
 */
export function matrixCells(
    scenario: string,
    hubs: readonly { readonly resourceId: string; readonly name: string }[],
    allIncidents: readonly Incident[],
    firings: readonly Firing[],
    extra: Pick<MatrixScenario, "onset" | "noise"> = {},
): MatrixCell[] {
    return hubs.map((hub) => {
        const incidents = allIncidents.filter((i) => i.resourceId.toLowerCase() === hub.resourceId.toLowerCase());
        const expected = [...new Set(incidents.map((i) => DETECTION_FOR_SYMPTOM[i.symptom]))];
        const fired: Record<string, number> = Object.fromEntries(DETECTIONS.map((d) => [d.id, 0]));
        const first: Record<string, number> = {};
        for (const f of firings) {
            if (f.resourceId.toLowerCase() !== hub.resourceId.toLowerCase()) continue;
            const id = DETECTIONS.find((d) => f.rule.endsWith(`-${d.id}`))?.id ?? f.rule;
            fired[id] = (fired[id] ?? 0) + 1;
            first[id] = Math.min(first[id] ?? Infinity, Date.parse(f.evaluatedAt));
        }
        const minutesToDetect: Record<string, number | undefined> = {};
        for (const id of expected) {
            const start = extra.onset ?? Math.min(...incidents.filter((i) => DETECTION_FOR_SYMPTOM[i.symptom] === id).map((i) => i.start));
            minutesToDetect[id] = first[id] === undefined ? undefined : Math.round((first[id] - start) / 60_000);
        }
        const correct = Object.entries(fired).every(([id, n]) => (expected.includes(id) ? n > 0 : n === 0));
        const falseAlarms = Object.entries(fired).reduce((sum, [id, n]) => sum + (expected.includes(id) ? 0 : n), 0);
        const affectedDevices = new Set(incidents.flatMap((i) => i.devices)).size;
        return { scenario, hub: hub.name, expected, fired, minutesToDetect, correct, falseAlarms, affectedDevices, ...(extra.noise ? { noise: extra.noise } : {}) };
    });
}

/** "periodic-disconnect: 35 min; ..." for a cell's time to detect, "-" when nothing was expected. */
export function describeTimeToDetect(c: MatrixCell): string {
    return Object.entries(c.minutesToDetect).map(([id, m]) => `${id}: ${m === undefined ? "never" : `${m} min`}`).join("; ") || "-";
}

/** The confusion matrix of cells as a text table: scenario, hub, expected detections, firings per detection, time to detect, ok. */
export function formatMatrixCells(cells: readonly MatrixCell[]): string {
    const ids = DETECTIONS.map((d) => d.id);
    return formatTable(
        ["scenario", "hub", "expected", ...ids, "time to detect", "ok"],
        cells.map((c) => [c.scenario, c.hub, c.expected.join(", ") || "(nothing)", ...ids.map((id) => String(c.fired[id] ?? 0)), describeTimeToDetect(c), c.correct ? "yes" : "NO"]),
    );
}
