/**
 * Simulates one device's connection over a time window and emits the Connections rows IoT Hub
 * would log for it:
 * - healthy: a token renewal every SDK-specific interval; over MQTT a clean disconnect (Information)
 *   and a reconnect within seconds, over AMQP nothing (the token is renewed on the open link);
 * - symptom 1 (periodic token expiry): the hub closes the connection when the token expires
 *   (404104) every `periodMs` after the last connect; the device reconnects within a minute,
 *   optionally first failing with 401003 (expired token) as the article describes;
 * - symptom 2 (random): Poisson-distributed failures on top of healthy renewals: a keep-alive
 *   timeout (404104 logged 1.5 x keep-alive after the network went, reconnect when it is back), a
 *   TCP reset without MQTT DISCONNECT (404104 at once, reconnect after a back-off) or an application
 *   crash (404104 at once, reconnect after a reboot);
 * - symptom 3 (mass disconnect): at a hub-wide incident the device drops with 404104 within the
 *   incident's first minutes, its reconnects fail with 500xxx until the hub recovers, then succeed.
 */
import type { Random } from "./random";
import { RowFactory, type ConnectionsRow, type DeviceIdentity, type ResultCode } from "./rows";
import { idleTimeoutMs, SDK_PROFILES, type SdkStyle } from "./sdk";

/** Which behaviour produced a row: the ground truth of the row. */
export type RowLabel = "healthy" | "background" | "symptom1" | "symptom2" | "symptom3";

/** The cause of a symptom-2 failure. */
export type FailureCause = "keepAliveTimeout" | "tcpReset" | "crash";

/** A device that only renews its token in its SDK's rhythm. */
export interface HealthyBehaviour {
    /** Discriminator. */
    readonly kind: "healthy";
}

/** Symptom 1: the device never renews; the hub closes the connection when the token expires. */
export interface PeriodicTokenExpiryBehaviour {
    /** Discriminator. */
    readonly kind: "periodicTokenExpiry";
    /** Token lifetime: time from a connect to the 404104 (ms). */
    readonly periodMs: number;
    /** Whether the device first retries with the expired token (401003) before reconnecting. */
    readonly with401003: boolean;
    /** When the device starts connecting with tokens it does not renew (epoch ms); before, it renews like a healthy device. Default: from the start. */
    readonly startAt?: number;
}

/** Symptom 2: the device fails at random on top of healthy renewals. */
export interface RandomDisconnectsBehaviour {
    /** Discriminator. */
    readonly kind: "randomDisconnects";
    /** Mean time between failures (ms); failures form a Poisson process. */
    readonly meanIntervalMs: number;
    /** Relative weights of the failure causes. */
    readonly causes: Readonly<Partial<Record<FailureCause, number>>>;
    /** When the failures start (epoch ms). Default: from the start. */
    readonly startAt?: number;
}

/** What a device does besides being connected. */
export type DeviceBehaviour = HealthyBehaviour | PeriodicTokenExpiryBehaviour | RandomDisconnectsBehaviour;

/** A hub-wide transient incident as one device lives it. */
export interface MassDisruption {
    /** When the incident starts (epoch ms). */
    readonly at: number;
    /** The device drops at a uniform time within this span after `at` (ms). */
    readonly withinMs: number;
    /** When the hub accepts connections again (epoch ms). */
    readonly recoverAt: number;
}

/** One simulated device. */
export interface DeviceSpec {
    /** How the device appears in the logs. */
    readonly identity: DeviceIdentity;
    /** Its SDK family (renewal interval, keep-alive). */
    readonly sdk: SdkStyle;
    /** What it does besides staying connected. */
    readonly behaviour: DeviceBehaviour;
    /** Hub incidents that hit this device, in time order. */
    readonly massDisruptions: readonly MassDisruption[];
    /**
     * The background every device of a noisy but healthy fleet has: occasional 404104 (a cellular
     * link or a sleeping gateway), a Poisson process with this mean interval (ms), labelled
     * `background`. Default: none.
     */
    readonly backgroundMeanIntervalMs?: number;
}

/** Receives each row the simulation produces, with its label and, for symptom 2, its cause. */
export type RowSink = (row: ConnectionsRow, label: RowLabel, cause?: FailureCause) => void;

const SECOND = 1000;

/**
 * Simulates `device` over [start, end) and passes every row with a time in that window to `emit`,
 * in time order. `backgroundRng` draws the background disconnects (a stream of its own, so a
 * background leaves the device's other draws as they are); required with `backgroundMeanIntervalMs`.
 */
export function simulateDevice(device: DeviceSpec, rng: Random, rows: RowFactory, start: number, end: number, emit: RowSink, backgroundRng?: Random): void {
    const profile = SDK_PROFILES[device.sdk];
    const mqtt = device.identity.protocol.startsWith("Mqtt");
    const behaviour = device.behaviour;
    const cycle = behaviour.kind === "periodicTokenExpiry" ? behaviour.periodMs : profile.renewalIntervalMs;
    const out = (time: number, op: "deviceConnect" | "deviceDisconnect", code: ResultCode, label: RowLabel, cause?: FailureCause): void => {
        if (time >= start && time < end) emit(rows.row(time, op, device.identity, code), label, cause);
    };
    // The device has been connected for a random part of its cycle when the window opens.
    let lastConnect = start - rng.uniform(0, cycle);
    const nextFailure = (from: number): number =>
        behaviour.kind === "randomDisconnects" ? Math.max(from, behaviour.startAt ?? -Infinity) + rng.exponential(behaviour.meanIntervalMs) : Infinity;
    let failureAt = nextFailure(lastConnect);
    let massIndex = 0;
    const backgroundMean = device.backgroundMeanIntervalMs;
    if (backgroundMean !== undefined && backgroundRng === undefined) throw new Error("simulateDevice: a background needs its own random stream");
    const nextBackground = (from: number): number => (backgroundMean !== undefined && backgroundRng ? from + backgroundRng.exponential(backgroundMean) : Infinity);
    let backgroundAt = nextBackground(lastConnect);
    // A symptom-1 device renews like a healthy one until its onset.
    const expiring = (connectedAt: number): boolean => behaviour.kind === "periodicTokenExpiry" && connectedAt >= (behaviour.startAt ?? -Infinity);

    for (;;) {
        const renewalAt = lastConnect + (behaviour.kind === "periodicTokenExpiry" && !expiring(lastConnect) ? profile.renewalIntervalMs : cycle) + rng.uniform(-3 * SECOND, 3 * SECOND);
        while (massIndex < device.massDisruptions.length && device.massDisruptions[massIndex].at + device.massDisruptions[massIndex].withinMs <= lastConnect) massIndex++;
        const mass = device.massDisruptions[massIndex];
        const massAt = mass ? Math.max(lastConnect + SECOND, mass.at + rng.uniform(0, mass.withinMs)) : Infinity;
        if (failureAt <= lastConnect) failureAt = nextFailure(lastConnect);
        if (backgroundAt <= lastConnect) backgroundAt = nextBackground(lastConnect);
        const t = Math.min(renewalAt, massAt, failureAt, backgroundAt);
        if (t >= end) return;

        if (t === backgroundAt && backgroundRng) {
            // The link drops (out of coverage, a gateway asleep): the hub closes the connection; the device is back within minutes.
            out(t, "deviceDisconnect", "404104", "background");
            lastConnect = t + backgroundRng.uniform(5 * SECOND, 5 * 60 * SECOND);
            out(lastConnect, "deviceConnect", "", "background");
            backgroundAt = nextBackground(lastConnect);
        } else if (t === massAt && mass) {
            massIndex++;
            out(t, "deviceDisconnect", "404104", "symptom3");
            let attempt = t + rng.uniform(1 * SECOND, 10 * SECOND);
            let backoff = 5 * SECOND;
            while (attempt < mass.recoverAt) {
                out(attempt, "deviceConnect", rng.chance(0.7) ? "500001" : "500008", "symptom3");
                attempt += backoff * rng.uniform(0.8, 1.2);
                backoff = Math.min(backoff * 2, 60 * SECOND);
            }
            lastConnect = attempt;
            out(lastConnect, "deviceConnect", "", "symptom3");
        } else if (t === failureAt && behaviour.kind === "randomDisconnects") {
            const cause = rng.weighted<FailureCause>(behaviour.causes);
            let back: number;
            if (cause === "keepAliveTimeout") {
                const closedAt = t + idleTimeoutMs(profile);
                back = closedAt + rng.uniform(30 * SECOND, 15 * 60 * SECOND);
                out(closedAt, "deviceDisconnect", "404104", "symptom2", cause);
            } else {
                back = t + (cause === "tcpReset" ? rng.uniform(2 * SECOND, 60 * SECOND) : rng.uniform(30 * SECOND, 180 * SECOND));
                out(t, "deviceDisconnect", "404104", "symptom2", cause);
            }
            out(back, "deviceConnect", "", "symptom2", cause);
            lastConnect = back;
            failureAt = nextFailure(back);
        } else if (behaviour.kind === "periodicTokenExpiry" && expiring(lastConnect)) {
            out(t, "deviceDisconnect", "404104", "symptom1");
            let reconnect = t + rng.uniform(1 * SECOND, 30 * SECOND);
            if (behaviour.with401003) {
                const refused = t + rng.uniform(2 * SECOND, 25 * SECOND);
                out(refused, "deviceConnect", "401003", "symptom1");
                reconnect = refused + rng.uniform(3 * SECOND, 30 * SECOND);
            }
            out(reconnect, "deviceConnect", "", "symptom1");
            lastConnect = reconnect;
        } else if (mqtt) {
            out(t, "deviceDisconnect", "", "healthy");
            lastConnect = t + rng.uniform(0.5 * SECOND, 3 * SECOND);
            out(lastConnect, "deviceConnect", "", "healthy");
        } else {
            lastConnect = t;
        }
    }
}
