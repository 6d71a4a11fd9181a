/**
 * Synthetic fleets: hubs of devices with a mix of SDKs and protocols, each hub healthy or with
 * some of the article's symptoms, simulated over a time window into Connections rows with their
 * ingestion times and the ground truth (which rows and devices belong to which symptom).
 * Everything is drawn from seeded streams: the same spec always yields the same rows.
 */
import { Random } from "./random";
import { hubResourceId, RowFactory, type ConnectionsRow, type DeviceIdentity, type HubIdentity } from "./rows";
import { SDK_PROFILES, type SdkStyle } from "./sdk";
import { simulateDevice, type DeviceBehaviour, type DeviceSpec, type FailureCause, type MassDisruption, type RowLabel } from "./simulate";

const MINUTE = 60_000;

/** A time as epoch milliseconds, a `Date` or ISO 8601 text. */
export type TimeInput = number | Date | string;

function toMs(t: TimeInput): number {
    const v = typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : t.getTime();
    if (!Number.isFinite(v)) throw new RangeError(`not a time: ${String(t)}`);
    return v;
}

/** Symptom 1 on a hub: devices whose token expires every period without renewal. */
export interface PeriodicTokenExpirySpec {
    /** Share of the hub's devices affected (0 to 1). */
    readonly share: number;
    /** Token lifetime, the period of the 404104 cycle (minutes); default 65 (the article's example). */
    readonly periodMinutes?: number;
    /** Share of affected devices that retry with the expired token first (401003 before the reconnect); default 0.5. */
    readonly share401003?: number;
    /** Onset: before it the affected devices renew like healthy ones. Default: the start of the window. */
    readonly startAt?: TimeInput;
}

/** Symptom 2 on a hub: devices that lose their connection at random. */
export interface RandomDisconnectsSpec {
    /** Share of the hub's devices affected (0 to 1). */
    readonly share: number;
    /** Mean time between failures of one affected device (minutes); default 90. */
    readonly meanIntervalMinutes?: number;
    /** Share of affected devices on an old SDK release; default 0.5. */
    readonly oldSdkShare?: number;
    /** Relative weights of the failure causes; default keep-alive timeout 0.5, TCP reset 0.3, crash 0.2. */
    readonly causes?: Readonly<Partial<Record<FailureCause, number>>>;
    /** Onset: the affected devices start failing then (a bad firmware or network change). Default: the start of the window. */
    readonly startAt?: TimeInput;
}

/** Symptom 3 on a hub: a transient IoT Hub incident. */
export interface MassDisconnectSpec {
    /** When the incident starts. */
    readonly at: TimeInput;
    /** Share of the hub's devices that drop (0 to 1); default 0.85. */
    readonly share?: number;
    /** The affected devices drop within this many minutes of `at`; default 2. */
    readonly withinMinutes?: number;
    /** The hub refuses reconnects with 500xxx for this many minutes after `at`; default 6. */
    readonly outageMinutes?: number;
}

/** The background of a noisy but healthy fleet: every device drops now and then (cellular links, sleeping gateways). */
export interface BackgroundSpec {
    /** Mean 404104 disconnects per device and day, a Poisson process on each device. */
    readonly perDevicePerDay: number;
}

/** What happens on one hub besides healthy renewals. */
export interface HubScenario {
    /** Background disconnects on every device (not an incident: nothing should fire), absent by default. */
    readonly background?: BackgroundSpec;
    /** Symptom 1, absent by default. */
    readonly periodicTokenExpiry?: PeriodicTokenExpirySpec;
    /** Symptom 2, absent by default. */
    readonly randomDisconnects?: RandomDisconnectsSpec;
    /** Symptom 3 incidents, none by default. */
    readonly massDisconnects?: readonly MassDisconnectSpec[];
}

/** One hub of a fleet. */
export interface HubSpec {
    /** Hub name (lower-case letters, digits, dashes). */
    readonly name: string;
    /** Number of devices. */
    readonly devices: number;
    /** Relative weights of SDK families; default C 0.35, .NET 0.3, Java 0.15, Python 0.2. */
    readonly sdkMix?: Readonly<Partial<Record<SdkStyle, number>>>;
    /** Relative weights of protocols; default Mqtt 0.8, MqttWs 0.05, Amqp 0.12, AmqpWs 0.03. */
    readonly protocolMix?: Readonly<Partial<Record<string, number>>>;
    /** Subscription id; default a fixed GUID. */
    readonly subscriptionId?: string;
    /** Resource group; default `iot-rg`. */
    readonly resourceGroup?: string;
    /** Region; default `westeurope`. */
    readonly location?: string;
    /** What happens on the hub; default nothing but healthy renewals. */
    readonly scenario?: HubScenario;
}

/** Logs arrive in Log Analytics this long after the event (uniform); default 3 to 10 minutes (data-ingestion-time). */
export interface LatenessSpec {
    /** Shortest delay (minutes). */
    readonly minMinutes: number;
    /** Longest delay (minutes). */
    readonly maxMinutes: number;
}

/** A whole synthetic fleet. */
export interface FleetSpec {
    /** Seed of every random choice. */
    readonly seed: number;
    /** Start of the simulated window. */
    readonly start: TimeInput;
    /** Length of the window (minutes). */
    readonly durationMinutes: number;
    /** The hubs. */
    readonly hubs: readonly HubSpec[];
    /** Log Analytics workspace id written to `TenantId`; default a fixed GUID. */
    readonly workspaceId?: string;
    /** Ingestion delay; default 3 to 10 minutes; `false` makes every row visible at its own time. */
    readonly lateness?: LatenessSpec | false;
}

/** A generated row with its arrival time and ground truth. */
export interface SyntheticRecord {
    /** The row as Log Analytics stores it. */
    readonly row: ConnectionsRow;
    /** When the row becomes visible to queries (epoch ms): a query at time T sees it only if `ingestedAt <= T`. */
    readonly ingestedAt: number;
    /** The behaviour that produced the row. */
    readonly label: RowLabel;
    /** For symptom 2, the failure cause. */
    readonly cause?: FailureCause;
}

/** A span of time during which a hub shows a symptom, with the devices involved: the ground truth for the detections. */
export interface Incident {
    /** `_ResourceId` of the hub. */
    readonly resourceId: string;
    /** Hub name. */
    readonly hubName: string;
    /** The article's symptom number. */
    readonly symptom: 1 | 2 | 3;
    /** First row of the incident (epoch ms). */
    readonly start: number;
    /** Last row of the incident (epoch ms). */
    readonly end: number;
    /** Device ids involved. */
    readonly devices: readonly string[];
}

/** A generated hub: its identity and devices. */
export interface SyntheticHub {
    /** Hub name. */
    readonly name: string;
    /** `_ResourceId` of the hub. */
    readonly resourceId: string;
    /** The devices with their SDK and behaviour. */
    readonly devices: readonly DeviceSpec[];
}

/** The generated fleet. */
export interface SyntheticFleet {
    /** Start of the window (epoch ms). */
    readonly start: number;
    /** End of the window (epoch ms, exclusive). */
    readonly end: number;
    /** The hubs. */
    readonly hubs: readonly SyntheticHub[];
    /** Every row, ordered by `TimeGenerated` (use the transforms for arrival order, duplicates). */
    readonly records: readonly SyntheticRecord[];
    /** Ground truth: each symptom on each hub, with its span and devices. */
    readonly incidents: readonly Incident[];
}

const DEFAULT_SDK_MIX: Readonly<Record<SdkStyle, number>> = { c: 0.35, dotnet: 0.3, java: 0.15, python: 0.2 };
const DEFAULT_PROTOCOL_MIX: Readonly<Record<string, number>> = { Mqtt: 0.8, MqttWs: 0.05, Amqp: 0.12, AmqpWs: 0.03 };
const DEFAULT_CAUSES: Readonly<Record<FailureCause, number>> = { keepAliveTimeout: 0.5, tcpReset: 0.3, crash: 0.2 };
const DEFAULT_SUBSCRIPTION = "6b1f2c9e-4a7d-4e3b-9c55-0d2f8a1b7e40";
const DEFAULT_WORKSPACE = "2f0c1d7a-93b4-4c8e-a6f1-5e9d3b2c8a17";

function maskedIp(rng: Random): string {
    return `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.XXX`;
}

/** Draws a device's identity, SDK and behaviour; `role` is decided by the hub's shares. */
function makeDevice(hub: HubSpec, index: number, role: "healthy" | "periodic" | "random", rng: Random): Omit<DeviceSpec, "massDisruptions"> {
    const sdk = rng.weighted<SdkStyle>(hub.sdkMix ?? DEFAULT_SDK_MIX);
    const protocol = rng.weighted<string>(hub.protocolMix ?? DEFAULT_PROTOCOL_MIX);
    const scenario = hub.scenario ?? {};
    let behaviour: DeviceBehaviour = { kind: "healthy" };
    let old = false;
    if (role === "periodic" && scenario.periodicTokenExpiry) {
        const p = scenario.periodicTokenExpiry;
        behaviour = { kind: "periodicTokenExpiry", periodMs: (p.periodMinutes ?? 65) * MINUTE, with401003: rng.chance(p.share401003 ?? 0.5), ...(p.startAt === undefined ? {} : { startAt: toMs(p.startAt) }) };
    } else if (role === "random" && scenario.randomDisconnects) {
        const r = scenario.randomDisconnects;
        behaviour = { kind: "randomDisconnects", meanIntervalMs: (r.meanIntervalMinutes ?? 90) * MINUTE, causes: r.causes ?? DEFAULT_CAUSES, ...(r.startAt === undefined ? {} : { startAt: toMs(r.startAt) }) };
        old = rng.chance(r.oldSdkShare ?? 0.5);
    }
    const profile = SDK_PROFILES[sdk];
    const identity: DeviceIdentity = {
        id: `${hub.name}-dev-${String(index).padStart(5, "0")}`,
        protocol,
        sdkVersion: old ? profile.oldVersion : profile.currentVersion,
        maskedIpAddress: maskedIp(rng),
    };
    return { identity, sdk, behaviour };
}

/** Deterministically orders 0..n-1 (Fisher-Yates). */
function permutation(n: number, rng: Random): number[] {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
}

function generateHub(spec: FleetSpec, hub: HubSpec, start: number, end: number, emit: (record: SyntheticRecord) => void, incidents: Incident[]): SyntheticHub {
    const identity: HubIdentity = {
        name: hub.name,
        subscriptionId: hub.subscriptionId ?? DEFAULT_SUBSCRIPTION,
        resourceGroup: hub.resourceGroup ?? "iot-rg",
        location: hub.location ?? "westeurope",
        workspaceId: spec.workspaceId ?? DEFAULT_WORKSPACE,
    };
    const resourceId = hubResourceId(identity);
    const factory = new RowFactory(identity);
    const hubRng = new Random(spec.seed, "hub", hub.name);
    const scenario = hub.scenario ?? {};
    const order = permutation(hub.devices, hubRng);
    const nPeriodic = Math.round(hub.devices * (scenario.periodicTokenExpiry?.share ?? 0));
    const nRandom = Math.min(hub.devices - nPeriodic, Math.round(hub.devices * (scenario.randomDisconnects?.share ?? 0)));
    const roles = new Array<"healthy" | "periodic" | "random">(hub.devices).fill("healthy");
    order.slice(0, nPeriodic).forEach((i) => (roles[i] = "periodic"));
    order.slice(nPeriodic, nPeriodic + nRandom).forEach((i) => (roles[i] = "random"));
    const masses = (scenario.massDisconnects ?? []).map((m, k) => {
        const at = toMs(m.at);
        const disruption: MassDisruption = { at, withinMs: (m.withinMinutes ?? 2) * MINUTE, recoverAt: at + (m.outageMinutes ?? 6) * MINUTE };
        const hit = permutation(hub.devices, new Random(spec.seed, "mass", hub.name, String(k))).slice(0, Math.round(hub.devices * (m.share ?? 0.85)));
        return { disruption, hit: new Set(hit) };
    });

    const devices: DeviceSpec[] = [];
    const lateness = spec.lateness === undefined ? { minMinutes: 3, maxMinutes: 10 } : spec.lateness;
    const bySymptom = new Map<1 | 2 | 3 | string, { start: number; end: number; devices: Set<string> }>();
    const note = (key: 1 | 2 | 3 | string, time: number, device: string): void => {
        const entry = bySymptom.get(key) ?? { start: time, end: time, devices: new Set<string>() };
        entry.start = Math.min(entry.start, time);
        entry.end = Math.max(entry.end, time);
        entry.devices.add(device);
        bySymptom.set(key, entry);
    };
    for (let i = 0; i < hub.devices; i++) {
        const rng = new Random(spec.seed, "device", hub.name, String(i));
        const base = makeDevice(hub, i, roles[i], rng);
        const massDisruptions = masses.filter((m) => m.hit.has(i)).map((m) => m.disruption);
        const background = scenario.background;
        const device: DeviceSpec = background ? { ...base, massDisruptions, backgroundMeanIntervalMs: (24 * 60 * MINUTE) / background.perDevicePerDay } : { ...base, massDisruptions };
        devices.push(device);
        const backgroundRng = background ? new Random(spec.seed, "background", hub.name, String(i)) : undefined;
        simulateDevice(device, rng, factory, start, end, (row, label, cause) => {
            const delay = lateness ? rng.uniform(lateness.minMinutes, lateness.maxMinutes) * MINUTE : 0;
            emit(cause ? { row, ingestedAt: row.TimeGenerated + Math.round(delay), label, cause } : { row, ingestedAt: row.TimeGenerated + Math.round(delay), label });
            if (label === "symptom1") note(1, row.TimeGenerated, base.identity.id);
            else if (label === "symptom2") note(2, row.TimeGenerated, base.identity.id);
            else if (label === "symptom3") {
                const k = masses.findIndex((m) => row.TimeGenerated >= m.disruption.at && row.TimeGenerated <= m.disruption.recoverAt + 2 * MINUTE);
                note(`3:${k}`, row.TimeGenerated, base.identity.id);
            }
        }, backgroundRng);
    }
    for (const [key, e] of bySymptom) {
        const symptom = (typeof key === "number" ? key : 3) as 1 | 2 | 3;
        incidents.push({ resourceId, hubName: hub.name, symptom, start: e.start, end: e.end, devices: [...e.devices].sort() });
    }
    return { name: hub.name, resourceId, devices };
}

/** Generates a fleet: every hub's devices simulated over the window, rows ordered by `TimeGenerated`. */
export function generateFleet(spec: FleetSpec): SyntheticFleet {
    const records: SyntheticRecord[] = [];
    const { start, end, hubs, incidents } = streamFleet(spec, (r) => records.push(r));
    records.sort((a, b) => a.row.TimeGenerated - b.row.TimeGenerated);
    // Re-allocate the rows in time order: consumers scan them in that order, and rows scattered
    // in memory by the per-device generation make every column read a cache miss.
    for (let i = 0; i < records.length; i++) records[i] = { ...records[i], row: { ...records[i].row } };
    return { start, end, hubs, records, incidents };
}

/**
 * Simulates a fleet as {@link generateFleet} does (the same records) but hands each record to
 * `emit` as it is made, hub by hub and device by device (not in time order) and keeps none: for
 * fleets whose rows do not fit in memory, written straight to a file.
 */
export function streamFleet(spec: FleetSpec, emit: (record: SyntheticRecord) => void): Omit<SyntheticFleet, "records"> {
    const start = toMs(spec.start);
    const end = start + spec.durationMinutes * MINUTE;
    const names = new Set<string>();
    for (const h of spec.hubs) {
        if (!/^[a-z0-9-]{3,50}$/.test(h.name)) throw new RangeError(`hub name "${h.name}": lower-case letters, digits and dashes, 3 to 50`);
        if (names.has(h.name)) throw new RangeError(`hub name "${h.name}" is used twice`);
        names.add(h.name);
    }
    const incidents: Incident[] = [];
    const hubs = spec.hubs.map((h) => generateHub(spec, h, start, end, emit, incidents));
    incidents.sort((a, b) => a.start - b.start || a.hubName.localeCompare(b.hubName));
    return { start, end, hubs, incidents };
}
