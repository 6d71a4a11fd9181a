/**
 * Input validation shared by the components and the program. Every check throws a
 * {@link ValidationError} that names the field (a config key or an argument path), the bad value
 * and what is allowed, before any resource is registered with Pulumi.
 */

/** An input the package refuses: `field` names where it came from, `value` what was given, `allowed` what would be accepted. */
export class ValidationError extends Error {
    /** The config key or argument path of the bad input, e.g. `hubs[1]` or `HubMonitoringArgs.severity`. */
    public readonly field: string;
    /** The value as given, rendered for the message. */
    public readonly value: string;
    /** A short statement of what would be accepted. */
    public readonly allowed: string;

    constructor(field: string, value: unknown, allowed: string) {
        const shown = describeValue(value);
        super(`${field}: ${shown} is not valid; ${allowed}`);
        this.name = "ValidationError";
        this.field = field;
        this.value = shown;
        this.allowed = allowed;
    }
}

function describeValue(value: unknown): string {
    if (value === undefined) return "(missing)";
    if (typeof value === "string") return JSON.stringify(value);
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        return String(value);
    }
}

/** Azure's alert severities: 0 Critical, 1 Error, 2 Warning, 3 Informational, 4 Verbose. */
export type Severity = 0 | 1 | 2 | 3 | 4;

/** Requires an integer in `min..max` (inclusive). */
export function requireInteger(field: string, value: unknown, min: number, max: number): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw new ValidationError(field, value, `allowed: an integer from ${min} to ${max}`);
    }
    return value;
}

/** Requires a finite number in `min..max` (inclusive). */
export function requireNumber(field: string, value: unknown, min: number, max: number): number {
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
        throw new ValidationError(field, value, `allowed: a number from ${min} to ${max}`);
    }
    return value;
}

/** Requires an alert severity 0..4. */
export function requireSeverity(field: string, value: unknown): Severity {
    return requireInteger(field, value, 0, 4) as Severity;
}

/** Requires a drop percentage 1..100. */
export function requirePercent(field: string, value: unknown): number {
    return requireNumber(field, value, 1, 100);
}

/** Requires a boolean. */
export function requireBoolean(field: string, value: unknown): boolean {
    if (typeof value !== "boolean") throw new ValidationError(field, value, "allowed: true or false");
    return value;
}

/** Requires a non-empty string without surrounding whitespace. */
export function requireNonEmptyString(field: string, value: unknown): string {
    if (typeof value !== "string" || value.length === 0 || value.trim() !== value) {
        throw new ValidationError(field, value, "allowed: a non-empty string without leading or trailing spaces");
    }
    return value;
}

/** Requires one of a fixed set of strings. */
export function requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
        throw new ValidationError(field, value, `allowed: ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
    }
    return value as T;
}

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const RESOURCE_GROUP = "[-\\w._()]{0,89}[-\\w_()]";

/** The parts of an Azure resource id of one provider type. */
export interface ParsedResourceId {
    /** The id as given. */
    readonly id: string;
    readonly subscriptionId: string;
    readonly resourceGroupName: string;
    readonly name: string;
}

interface ResourceIdKind {
    readonly provider: string;
    readonly type: string;
    readonly namePattern: string;
    readonly nameRule: string;
}

function requireResourceId(field: string, value: unknown, kind: ResourceIdKind): ParsedResourceId {
    const example = `/subscriptions/<subscription guid>/resourceGroups/<group>/providers/${kind.provider}/${kind.type}/<name>`;
    const re = new RegExp(
        `^/subscriptions/(${GUID})/resourceGroups/(${RESOURCE_GROUP})/providers/${kind.provider.replace(".", "\\.")}/${kind.type}/(${kind.namePattern})$`,
        "i",
    );
    const m = typeof value === "string" ? re.exec(value) : null;
    if (!m) {
        throw new ValidationError(field, value, `allowed: a resource id of the form ${example} (${kind.nameRule})`);
    }
    return { id: value as string, subscriptionId: m[1], resourceGroupName: m[2], name: m[3] };
}

/** Requires an IoT Hub resource id (`Microsoft.Devices/IotHubs`, hub name 3-50 letters, digits or hyphens, not ending with a hyphen). */
export function requireIotHubId(field: string, value: unknown): ParsedResourceId {
    return requireResourceId(field, value, {
        provider: "Microsoft.Devices",
        type: "IotHubs",
        namePattern: "[A-Za-z0-9][A-Za-z0-9-]{1,48}[A-Za-z0-9]",
        nameRule: "hub name: 3-50 letters, digits or hyphens, not ending with a hyphen",
    });
}

/** Requires a Log Analytics workspace resource id (`Microsoft.OperationalInsights/workspaces`). */
export function requireWorkspaceId(field: string, value: unknown): ParsedResourceId {
    return requireResourceId(field, value, {
        provider: "Microsoft.OperationalInsights",
        type: "workspaces",
        namePattern: "[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]",
        nameRule: "workspace name: 4-63 letters, digits or hyphens",
    });
}

/** Requires an action group resource id (`microsoft.insights/actionGroups`). */
export function requireActionGroupId(field: string, value: unknown): ParsedResourceId {
    return requireResourceId(field, value, {
        provider: "microsoft.insights",
        type: "actionGroups",
        namePattern: "[-\\w.]{1,260}",
        nameRule: "action group name: 1-260 letters, digits, hyphens, underscores or periods",
    });
}

/** Requires a resource group name as Azure allows it (1-90 characters, no trailing period). */
export function requireResourceGroupName(field: string, value: unknown): string {
    if (typeof value !== "string" || !new RegExp(`^${RESOURCE_GROUP}$`).test(value)) {
        throw new ValidationError(field, value, "allowed: 1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending with a period");
    }
    return value;
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Requires an email address (`local@domain.tld`). */
export function requireEmail(field: string, value: unknown): string {
    if (typeof value !== "string" || value.length > 254 || !EMAIL.test(value)) {
        throw new ValidationError(field, value, "allowed: an email address such as oncall@example.com");
    }
    return value;
}

/** Requires an absolute `https://` URL with a host. The value is not echoed in the error, because webhook URLs carry secrets. */
export function requireHttpsUrl(field: string, value: unknown): string {
    let ok = false;
    if (typeof value === "string") {
        try {
            const u = new URL(value);
            ok = u.protocol === "https:" && u.hostname.length > 0;
        } catch {
            ok = false;
        }
    }
    if (!ok) {
        const scheme = typeof value === "string" ? (/^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1] ?? "no scheme") : typeof value;
        throw new ValidationError(field, `<secret URL, scheme: ${scheme}>`, "allowed: an https:// URL (plain http and other schemes are refused)");
    }
    return value as string;
}

/** Requires a GUID. */
export function requireGuid(field: string, value: unknown): string {
    if (typeof value !== "string" || !new RegExp(`^${GUID}$`).test(value)) {
        throw new ValidationError(field, value, "allowed: a GUID such as 00000000-0000-0000-0000-000000000000");
    }
    return value;
}

/** Requires a list with no duplicate entries (compared case-insensitively, as Azure compares resource ids). */
export function requireUnique(field: string, values: readonly string[]): void {
    const seen = new Map<string, number>();
    values.forEach((v, i) => {
        const key = v.toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) {
            throw new ValidationError(`${field}[${i}]`, v, `allowed: each entry once; it repeats ${field}[${first}]`);
        }
        seen.set(key, i);
    });
}

/** Requires a plain object whose keys are all in `known`; an unknown key is reported as a likely typo. */
export function requireKnownKeys(field: string, value: unknown, known: readonly string[]): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new ValidationError(field, value, `allowed: an object with keys ${known.join(", ")}`);
    }
    for (const key of Object.keys(value)) {
        if (!known.includes(key)) {
            const hint = closest(key, known);
            throw new ValidationError(`${field}.${key}`, key, `unknown key${hint ? ` (did you mean "${hint}"?)` : ""}; allowed keys: ${known.join(", ")}`);
        }
    }
    return value as Record<string, unknown>;
}

/** The entry of `candidates` closest to `word` by edit distance, when it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) {
            bestDistance = d;
            best = c;
        }
    }
    return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = tmp;
        }
    }
    return row[b.length];
}
