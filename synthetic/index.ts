/**
 * Synthetic IoT Hub fleets: seeded, deterministic `AzureDiagnostics` Connections rows of healthy
 * fleets and of the 404104 article's three symptoms, with ingestion times (late arrival), arrival
 * order, duplicates, ground truth, and writers to JSON Lines and CSV.
 *
 * ```ts
 * const fleet = generateFleet(mixedFleet({ seed: 7, start: "2026-11-22T00:00:00Z" }));
 * const rows = visibleAt(withDuplicates(fleet.records, { seed: 7 }), evaluationTime);
 * ```
 */
export {
    generateFleet,
    streamFleet,
    type BackgroundSpec,
    type FleetSpec,
    type HubScenario,
    type HubSpec,
    type Incident,
    type LatenessSpec,
    type MassDisconnectSpec,
    type PeriodicTokenExpirySpec,
    type RandomDisconnectsSpec,
    type SyntheticFleet,
    type SyntheticHub,
    type SyntheticRecord,
    type TimeInput,
} from "./fleet";
export { Random, hash32 } from "./random";
export { CONNECTIONS_COLUMNS, RESULT_CODES, hubResourceId, type ConnectionsRow, type DeviceIdentity, type HubIdentity, type ResultCode } from "./rows";
export { healthyFleet, massDisconnectFleet, mixedFleet, noisyHealthyFleet, periodicOutbreakFleet, periodicTokenExpiryFleet, randomDisconnectsFleet, randomOutbreakFleet, type NoisyPresetOptions, type PresetOptions } from "./scenarios";
export { SDK_PROFILES, SDK_STYLES, idleTimeoutMs, type SdkProfile, type SdkStyle } from "./sdk";
export { simulateDevice, type DeviceBehaviour, type DeviceSpec, type FailureCause, type MassDisruption, type RowLabel } from "./simulate";
export { arrivalOrder, rowsOf, shuffled, visibleAt, withDuplicates, type DuplicateSpec } from "./transforms";
export { PORTAL_COLUMN_ORDER, csvLines, isoTime, jsonLines, portalTime, writeLines, type CsvStyle } from "./writers";
