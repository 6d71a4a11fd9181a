/**
 * Reading resource properties inside the policy pack: the resource type tokens the policies look
 * at, values that are unknown during `pulumi preview`, hub identities, and whether a stack counts
 * as prod-like.
 *
 * During `pulumi preview` the CLI sends outputs that are not known yet (the id of a workspace or
 * action group created in the same update) as sentinel strings; the policy SDK wraps the
 * properties in a proxy that throws when such a value is read. The policies read the plain object
 * behind the proxy and decide for themselves what an unknown value means (usually: "will be set,
 * check again at `pulumi up`"), so one unknown id does not abort a whole stack policy.
 */
import { LIMITS } from "../azure/limits";
import { fitsName } from "../azure/validation";

/** Resource type tokens (azure-native v3) the policies look at. */
export const TYPES = {
    iotHub: "azure-native:iothub:IotHubResource",
    diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
    scheduledQueryRule: "azure-native:monitor:ScheduledQueryRule",
    metricAlert: "azure-native:monitor:MetricAlert",
    actionGroup: "azure-native:monitor:ActionGroup",
    workspace: "azure-native:operationalinsights:Workspace",
    activityLogAlert: "azure-native:monitor:ActivityLogAlert",
} as const;

/** The IoT Hub platform metric counting connected devices, and its deprecated twin. */
export const CONNECTED_DEVICES_METRICS: readonly string[] = ["connectedDeviceCount", "devices.connectedDevices.allProtocol"];

/**
 * The sentinel strings Pulumi uses for values that are unknown during preview (from
 * `@pulumi/policy`'s proxy module, where they are internal). The CLI marshals every unknown as
 * the string sentinel; the others appear in values built by the SDKs.
 */
export const UNKNOWN_SENTINELS: readonly string[] = [
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

/** Whether a value is Pulumi's "unknown during preview" sentinel. */
export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.includes(value);
}

const PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * The plain object behind the policy SDK's unknown-checking proxy (or the value itself when it is
 * not proxied). Reading through the result never throws; check values with {@link isUnknown}.
 */
export function plain(value: unknown): unknown {
    if (value !== null && typeof value === "object") {
        const target = (value as Record<string, unknown>)[PROXY_TARGET];
        if (target !== undefined && target !== value) return target;
    }
    return value;
}

/** A resource's properties as a plain record (empty when they are not an object). */
export function propsOf(props: unknown): Record<string, unknown> {
    const p = plain(props);
    return p !== null && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

/** The value at `path` inside `value`; `undefined` when any step is missing, `unknown` markers are returned as they are. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
    let v = plain(value);
    for (const key of path) {
        if (v === null || typeof v !== "object" || isUnknown(v)) return undefined;
        v = plain((v as Record<string | number, unknown>)[key]);
    }
    return v;
}

/** A list value: the array, `"unknown"` when the whole list is unknown during preview, or `undefined` when absent. */
export function listAt(value: unknown, ...path: (string | number)[]): unknown[] | "unknown" | undefined {
    const v = at(value, ...path);
    if (isUnknown(v)) return "unknown";
    return Array.isArray(v) ? v.map(plain) : undefined;
}

/** A string value (possibly the unknown sentinel: check with {@link isUnknown}), or `undefined` when absent or not a string. */
export function stringAt(value: unknown, ...path: (string | number)[]): string | undefined {
    const v = at(value, ...path);
    return typeof v === "string" ? v : undefined;
}

/** The stack name written in a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`), or `undefined`. */
export function stackFromUrn(urn: string): string | undefined {
    const m = /^urn:pulumi:([^:]+)::/.exec(urn);
    return m?.[1];
}

const IOT_HUB_ID = /\/providers\/microsoft\.devices\/iothubs\/([^/]+)$/i;

/**
 * The key the policies identify an IoT Hub by: its name in lower case. IoT Hub names are globally
 * unique (each is a DNS name `<name>.azure-devices.net`), so a name and a resource id of the same
 * hub give the same key. Accepts a resource id or a bare name; `undefined` for anything else.
 */
export function hubKey(idOrName: string): string | undefined {
    const m = IOT_HUB_ID.exec(idOrName.trim());
    if (m) return m[1].toLowerCase();
    return fitsName(idOrName.trim(), LIMITS.iotHubName) ? idOrName.trim().toLowerCase() : undefined;
}

/** Whether a resource id names an IoT Hub. */
export function isIotHubId(id: string): boolean {
    return IOT_HUB_ID.test(id.trim());
}

/** Whether a resource id names a Log Analytics workspace. */
export function isWorkspaceId(id: string): boolean {
    return /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.operationalinsights\/workspaces\/[^/]+$/i.test(id.trim());
}

/** How a stack's prod-likeness is decided: an explicit switch, or the stack's name against patterns. */
export interface ProdLikeConfig {
    /** Stack names (case-insensitive; `*` matches any characters) that count as prod-like. */
    readonly prodLikeStacks: readonly string[];
    /** When set, decides prod-likeness for every stack the pack checks, whatever its name. */
    readonly prodLike?: boolean;
}

/** Default stack-name patterns that count as prod-like. */
export const DEFAULT_PROD_LIKE_STACKS: readonly string[] = ["prod", "prod-*", "production", "staging"];

/**
 * Stack names whose webhooks must be secure, by default: the stacks the program runs with the prod
 * profile, the one profile that requires a secure webhook (`requireSecureWebhook`), so the pack
 * refuses exactly what `npm start` refuses. Staging requires receivers (no silent alerts) but not
 * secure webhooks.
 */
export const DEFAULT_SECURE_WEBHOOK_STACKS: readonly string[] = ["prod", "prod-*", "production"];

/** Whether a stack name matches one of the patterns (case-insensitive, `*` wildcard). */
export function matchesStackPattern(stack: string, patterns: readonly string[]): boolean {
    return patterns.some((p) => {
        const re = new RegExp(`^${p.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
        return re.test(stack);
    });
}

/**
 * Whether the stack of a resource is prod-like: `prodLike` when the pack config sets it, otherwise
 * whether the stack name (read from the resource's URN, which always carries it) matches
 * `prodLikeStacks`. A URN without a stack name is not prod-like.
 */
export function isProdLike(urn: string, config: ProdLikeConfig): boolean {
    if (config.prodLike !== undefined) return config.prodLike;
    const stack = stackFromUrn(urn);
    return stack !== undefined && matchesStackPattern(stack, config.prodLikeStacks);
}
