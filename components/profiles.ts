/**
 * Environment profiles: the defaults a stack gets from being `dev`, `staging` or `prod`.
 * Detection severities per profile live in the detection catalog (`queries/catalog.ts`); the
 * rest of the per-profile defaults live here.
 */
import type { EnvironmentProfile } from "../queries/detection";
import type { Severity } from "../azure/validation";

export type { EnvironmentProfile } from "../queries/detection";
export { ENVIRONMENT_PROFILES } from "../queries/detection";

/** The defaults one environment profile sets. */
export interface ProfileDefaults {
    /** Days a created Log Analytics workspace keeps logs. */
    readonly retentionInDays: number;
    /** Severity of the connected-devices drop alert. */
    readonly connectedDevicesSeverity: Severity;
    /** Drop of `connectedDeviceCount` below the expected count, in percent, that fires the drop alert. */
    readonly maxDropPercent: number;
    /** Whether the stack must route alerts to at least one receiver or existing action group. */
    readonly requireReceivers: boolean;
    /** Whether the stack must use a secure (Entra ID) webhook rather than plain webhooks, when it has webhooks. */
    readonly requireSecureWebhook: boolean;
}

/** The defaults of each environment profile. */
export const PROFILE_DEFAULTS: Readonly<Record<EnvironmentProfile, ProfileDefaults>> = {
    dev: { retentionInDays: 30, connectedDevicesSeverity: 3, maxDropPercent: 50, requireReceivers: false, requireSecureWebhook: false },
    staging: { retentionInDays: 30, connectedDevicesSeverity: 2, maxDropPercent: 30, requireReceivers: true, requireSecureWebhook: false },
    prod: { retentionInDays: 90, connectedDevicesSeverity: 1, maxDropPercent: 20, requireReceivers: true, requireSecureWebhook: true },
};
