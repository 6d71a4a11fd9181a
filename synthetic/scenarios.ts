/**
 * Ready-made fleet specs for the article's symptoms, for tests, the confusion matrix and the
 * benchmark. Each returns a {@link FleetSpec}; pass it to `generateFleet`.
 */
import type { FleetSpec, HubSpec, TimeInput } from "./fleet";

/** Options every preset takes. */
export interface PresetOptions {
    /** Seed of every random choice. */
    readonly seed: number;
    /** Start of the window. */
    readonly start: TimeInput;
    /** Length of the window (minutes); default 360 (6 hours). */
    readonly durationMinutes?: number;
    /** Devices per hub; default 200. */
    readonly devicesPerHub?: number;
}

function spec(o: PresetOptions, hubs: readonly HubSpec[]): FleetSpec {
    return { seed: o.seed, start: o.start, durationMinutes: o.durationMinutes ?? 360, hubs };
}

function at(o: PresetOptions, fraction: number): number {
    const start = typeof o.start === "number" ? o.start : typeof o.start === "string" ? Date.parse(o.start) : o.start.getTime();
    return start + Math.round((o.durationMinutes ?? 360) * fraction) * 60_000;
}

/** One healthy hub: every SDK's normal token renewals, no errors. */
export function healthyFleet(o: PresetOptions): FleetSpec {
    return spec(o, [{ name: "hub-healthy", devices: o.devicesPerHub ?? 200 }]);
}

/** Symptom 1: 30% of a hub's devices lose their connection every 65 minutes when their token expires; half of them log 401003 before reconnecting. */
export function periodicTokenExpiryFleet(o: PresetOptions): FleetSpec {
    return spec(o, [{ name: "hub-periodic", devices: o.devicesPerHub ?? 200, scenario: { periodicTokenExpiry: { share: 0.3, periodMinutes: 65, share401003: 0.5 } } }]);
}

/**
 * Symptom 2: from the middle of the window, 10% of a hub's devices disconnect at random (keep-alive
 * timeouts, resets, crashes), half of them on an old SDK. The onset leaves the first half as the
 * hub's baseline: random-disconnect reports a change, not a hub that has always been like this.
 */
export function randomDisconnectsFleet(o: PresetOptions): FleetSpec {
    return spec(o, [{ name: "hub-random", devices: o.devicesPerHub ?? 200, scenario: { randomDisconnects: { share: 0.1, meanIntervalMinutes: 60, oldSdkShare: 0.5, startAt: at(o, 0.5) } } }]);
}

/** Symptom 3: 85% of a hub's devices drop within two minutes at 60% of the window, reconnects fail with 500xxx for six minutes. */
export function massDisconnectFleet(o: PresetOptions): FleetSpec {
    return spec(o, [{ name: "hub-mass", devices: o.devicesPerHub ?? 200, scenario: { massDisconnects: [{ at: at(o, 0.6), share: 0.85, withinMinutes: 2, outageMinutes: 6 }] } }]);
}

/** A fleet of five hubs: healthy, symptom 1, symptom 2, symptom 3, and one with symptoms 1 and 2 together (symptom 2 from the middle of the window). */
export function mixedFleet(o: PresetOptions): FleetSpec {
    const n = o.devicesPerHub ?? 200;
    return spec(o, [
        { name: "hub-healthy", devices: n },
        { name: "hub-periodic", devices: n, scenario: { periodicTokenExpiry: { share: 0.3 } } },
        { name: "hub-random", devices: n, scenario: { randomDisconnects: { share: 0.1, meanIntervalMinutes: 60, startAt: at(o, 0.5) } } },
        { name: "hub-mass", devices: n, scenario: { massDisconnects: [{ at: at(o, 0.6) }] } },
        { name: "hub-mixed", devices: n, scenario: { periodicTokenExpiry: { share: 0.1 }, randomDisconnects: { share: 0.05, meanIntervalMinutes: 60, startAt: at(o, 0.5) } } },
    ]);
}

/** Options of the noisy-fleet presets: the background rate, and for an outbreak its share of devices and onset. */
export interface NoisyPresetOptions extends PresetOptions {
    /** Background 404104 disconnects per device and day on every device (cellular links, sleeping gateways). */
    readonly backgroundPerDevicePerDay: number;
}

/** A noisy but healthy hub: healthy renewals plus the background on every device. Nothing should fire. */
export function noisyHealthyFleet(o: NoisyPresetOptions): FleetSpec {
    return spec(o, [{ name: "hub-noisy", devices: o.devicesPerHub ?? 200, scenario: { background: { perDevicePerDay: o.backgroundPerDevicePerDay } } }]);
}

/**
 * A random outbreak on a noisy hub: from `onsetFraction` of the window, `share` of the devices
 * fail at random (a bad firmware or network change), on top of the background.
 * `meanIntervalMinutes` is the mean time from a reconnect to the next failure (default 14); with the
 * keep-alive timeout and the reconnect that follow a failure, an affected device drops about every
 * 20 minutes.
 */
export function randomOutbreakFleet(o: NoisyPresetOptions & { readonly share: number; readonly onsetFraction?: number; readonly meanIntervalMinutes?: number }): FleetSpec {
    const background = { perDevicePerDay: o.backgroundPerDevicePerDay };
    const randomDisconnects = { share: o.share, meanIntervalMinutes: o.meanIntervalMinutes ?? 14, startAt: at(o, o.onsetFraction ?? 0.5) };
    return spec(o, [{ name: "hub-random-outbreak", devices: o.devicesPerHub ?? 200, scenario: { background, randomDisconnects } }]);
}

/** Symptom 1 on a noisy hub: from `onsetFraction` of the window, `share` of the devices stop renewing their tokens (65-minute cycle), on top of the background. */
export function periodicOutbreakFleet(o: NoisyPresetOptions & { readonly share: number; readonly onsetFraction?: number; readonly share401003?: number }): FleetSpec {
    const background = { perDevicePerDay: o.backgroundPerDevicePerDay };
    const periodicTokenExpiry = { share: o.share, periodMinutes: 65, share401003: o.share401003 ?? 0.5, startAt: at(o, o.onsetFraction ?? 0.25) };
    return spec(o, [{ name: "hub-periodic-outbreak", devices: o.devicesPerHub ?? 200, scenario: { background, periodicTokenExpiry } }]);
}
