/**
 * Waivers: the only way to turn off a detection (or the connected-devices drop alert) on a
 * monitored hub without the `hub-detections-enabled` policy failing. A waiver is a named, reasoned,
 * approved entry in the pack's config:
 *
 * ```json
 * {
 *   "hub-detections-enabled": {
 *     "waivers": [
 *       { "hub": "contoso-iot-prod-neu", "detection": "random-disconnect",
 *         "reason": "Field devices on metered links reconnect at random by design (INC-1234)",
 *         "approvedBy": "iot-platform-leads", "expires": "2027-03-31" }
 *     ]
 *   }
 * }
 * ```
 *
 * `hub` is the hub's name or resource id; `detection` a detection id of the catalog or
 * `connected-devices-drop`; `reason` and `approvedBy` are required free text; `expires`
 * (`YYYY-MM-DD`, optional) ends the waiver after that day. Malformed and expired waivers are
 * reported as violations that name the waiver.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { hubKey } from "./resources";

/** Id under which waivers name the connected-devices drop alert. */
export const DROP_ALERT_ID = "connected-devices-drop";

/** The waiver id of the Resource Health alert in `hub-detections-enabled`. */
export const RESOURCE_HEALTH_ID = "resource-health";

/** One waiver as written in the pack's config. */
export interface DetectionWaiver {
    /** Name or resource id of the IoT Hub. Required. */
    readonly hub: string;
    /** Detection id of the catalog (e.g. `random-disconnect`) or `connected-devices-drop`. Required. */
    readonly detection: string;
    /** Why the detection is off on this hub. Required, non-empty. */
    readonly reason: string;
    /** Who approved the waiver (person or team). Required, non-empty. */
    readonly approvedBy: string;
    /** Last day the waiver applies, `YYYY-MM-DD`. Default: no end. */
    readonly expires?: string;
}

/** A waiver that passed validation, with its position in the config for messages. */
export interface ValidWaiver extends DetectionWaiver {
    /** 1-based position in the `waivers` list. */
    readonly index: number;
    /** The hub key (lower-case hub name) the waiver applies to. */
    readonly hubKey: string;
}

/** The JSON schema of the `waivers` config property (the CLI validates the pack config against it). */
export function waiversSchema(detectionIds: readonly string[]): PolicyConfigJSONSchema {
    return {
        type: "array",
        description: "Detections turned off on purpose: each entry names the hub, the detection, why, and who approved it.",
        default: [],
        items: {
            type: "object",
            additionalProperties: false,
            required: ["hub", "detection", "reason", "approvedBy"],
            properties: {
                hub: { type: "string", minLength: 1, description: "IoT Hub name or resource id." },
                detection: { type: "string", enum: [...detectionIds, DROP_ALERT_ID, RESOURCE_HEALTH_ID], description: "Detection id, connected-devices-drop, or resource-health." },
                reason: { type: "string", minLength: 1, description: "Why the detection is off on this hub." },
                approvedBy: { type: "string", minLength: 1, description: "Who approved the waiver." },
                expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "Last day the waiver applies (YYYY-MM-DD)." },
            },
        },
    };
}

/** A short label naming a waiver in messages: its position, hub and detection. */
export function waiverLabel(w: { index: number; hub?: unknown; detection?: unknown }): string {
    const hub = typeof w.hub === "string" ? w.hub : "?";
    const detection = typeof w.detection === "string" ? w.detection : "?";
    return `waiver #${w.index} (hub "${hub}", detection "${detection}")`;
}

/** The result of reading the waivers: usable ones, expired ones, and problems with the rest. */
export interface WaiverCheck {
    readonly valid: readonly ValidWaiver[];
    readonly expired: readonly ValidWaiver[];
    /** One message per malformed waiver, naming it and what to fix. */
    readonly problems: readonly string[];
}

function isDate(s: string): boolean {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Validates the `waivers` config value against the known detection ids. `today` (`YYYY-MM-DD`,
 * default: the current UTC date) decides which waivers have expired: a waiver applies through its
 * `expires` day. Never throws: malformed entries become `problems`.
 */
export function checkWaivers(raw: unknown, detectionIds: readonly string[], today: string = new Date().toISOString().slice(0, 10)): WaiverCheck {
    if (raw === undefined) return { valid: [], expired: [], problems: [] };
    if (!Array.isArray(raw)) return { valid: [], expired: [], problems: [`"waivers" must be a list of {hub, detection, reason, approvedBy, expires?} objects; got ${JSON.stringify(raw)}`] };
    const allowed = [...detectionIds, DROP_ALERT_ID, RESOURCE_HEALTH_ID];
    const valid: ValidWaiver[] = [];
    const expired: ValidWaiver[] = [];
    const problems: string[] = [];
    raw.forEach((entry: unknown, i) => {
        const index = i + 1;
        if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
            problems.push(`waiver #${index}: must be an object {hub, detection, reason, approvedBy, expires?}; got ${JSON.stringify(entry)}`);
            return;
        }
        const w = entry as Record<string, unknown>;
        const label = waiverLabel({ index, hub: w.hub, detection: w.detection });
        const issues: string[] = [];
        const unknownKeys = Object.keys(w).filter((k) => !["hub", "detection", "reason", "approvedBy", "expires"].includes(k));
        if (unknownKeys.length > 0) issues.push(`unknown field(s) ${unknownKeys.join(", ")}`);
        const key = typeof w.hub === "string" ? hubKey(w.hub) : undefined;
        if (key === undefined) issues.push("hub must be the IoT Hub's name or resource id");
        if (typeof w.detection !== "string" || !allowed.includes(w.detection)) issues.push(`detection must be one of ${allowed.join(", ")}`);
        for (const field of ["reason", "approvedBy"] as const) {
            if (typeof w[field] !== "string" || (w[field] as string).trim() === "") issues.push(`${field} is required (non-empty text)`);
        }
        if (w.expires !== undefined && (typeof w.expires !== "string" || !isDate(w.expires))) issues.push("expires must be a date YYYY-MM-DD");
        if (issues.length > 0 || key === undefined) {
            problems.push(`${label}: ${issues.join("; ")}`);
            return;
        }
        const waiver: ValidWaiver = {
            index,
            hubKey: key,
            hub: w.hub as string,
            detection: w.detection as string,
            reason: (w.reason as string).trim(),
            approvedBy: (w.approvedBy as string).trim(),
            expires: w.expires as string | undefined,
        };
        if (waiver.expires !== undefined && waiver.expires < today) expired.push(waiver);
        else valid.push(waiver);
    });
    return { valid, expired, problems };
}
