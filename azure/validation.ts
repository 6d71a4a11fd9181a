/**
 * Input validation shared by the components, the query catalog and the program. Every check throws a
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

import { citeLimit, LIMITS, type AzureLimit, type NameRule, type RangeRule, type SetRule } from "./limits";

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

/** Requires a number within a range limit of the table ({@link LIMITS}); the error cites the limit. */
export function requireInLimit(field: string, value: unknown, limit: AzureLimit<RangeRule>): number {
    const { min, max, integer, unit } = limit.rule;
    const ok = typeof value === "number" && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
    if (!ok) {
        throw new ValidationError(field, value, `allowed: ${integer ? "an integer" : "a number"} from ${min} to ${max}${unit ? ` ${unit}` : ""} ${citeLimit(limit)}`);
    }
    return value as number;
}

/** Requires one of the values of a set limit of the table; the error cites the limit. */
export function requireInSet<T extends string | number>(field: string, value: unknown, limit: AzureLimit<SetRule>): T {
    if (!(limit.rule.values as readonly unknown[]).includes(value)) {
        throw new ValidationError(field, value, `allowed: one of ${limit.rule.values.join(", ")} ${citeLimit(limit)}`);
    }
    return value as T;
}

/** Whether `value` is a name a name limit of the table allows. */
export function fitsName(value: string, limit: AzureLimit<NameRule>): boolean {
    const { minLength, maxLength, pattern } = limit.rule;
    return value.length >= minLength && value.length <= maxLength && new RegExp(pattern).test(value);
}

/** Requires a name a name limit of the table allows; the error cites the limit. */
export function requireName(field: string, value: unknown, limit: AzureLimit<NameRule>): string {
    if (typeof value !== "string" || !fitsName(value, limit)) {
        throw new ValidationError(field, value, `allowed: ${limit.rule.description} ${citeLimit(limit)}`);
    }
    return value;
}

/** Requires an alert severity 0..4. */
export function requireSeverity(field: string, value: unknown): Severity {
    return requireInLimit(field, value, LIMITS.alertSeverity) as Severity;
}

/** The problems of a set of resource tags under Azure's tag limits ({@link LIMITS}.tags), each naming the tag; empty when they fit. */
export function tagProblems(tags: Readonly<Record<string, unknown>>): { key?: string; shown: unknown; message: string }[] {
    const { maxTags, maxKeyLength, maxValueLength, forbiddenKeyCharacters } = LIMITS.tags.rule;
    const problems: { key?: string; shown: unknown; message: string }[] = [];
    const keys = Object.keys(tags);
    if (keys.length > maxTags) problems.push({ shown: `(${keys.length} tags)`, message: `${keys.length} tags; allowed: at most ${maxTags}` });
    for (const key of keys) {
        const value = tags[key];
        const bad = [...key].filter((c) => forbiddenKeyCharacters.includes(c));
        if (key.length === 0 || key.length > maxKeyLength) problems.push({ key, shown: key, message: `a tag name of ${key.length} characters; allowed: 1 to ${maxKeyLength}` });
        if (bad.length > 0) problems.push({ key, shown: key, message: `a tag name with ${[...new Set(bad)].map((c) => JSON.stringify(c)).join(", ")}; tag names may not contain any of ${[...forbiddenKeyCharacters].join(" ")}` });
        if (typeof value !== "string") problems.push({ key, shown: value, message: `a tag value of type ${value === null ? "null" : typeof value}; allowed: a string` });
        else if (value.length > maxValueLength) problems.push({ key, shown: value, message: `a tag value of ${value.length} characters; allowed: at most ${maxValueLength}` });
    }
    return problems;
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
const RESOURCE_GROUP = LIMITS.resourceGroupName.rule.pattern.replace(/^\^/, "").replace(/\$$/, "");

/** The parts of an Azure resource id of one provider type. */
export interface ParsedResourceId {
    /** The id as given. */
    readonly id: string;
    /** The subscription GUID. */
    readonly subscriptionId: string;
    /** The resource group. */
    readonly resourceGroupName: string;
    /** The resource's own name (the last segment). */
    readonly name: string;
}

interface ResourceIdKind {
    readonly provider: string;
    readonly type: string;
    /** The limit of the table the resource's name must fit. */
    readonly name: AzureLimit<NameRule>;
}

function requireResourceId(field: string, value: unknown, kind: ResourceIdKind): ParsedResourceId {
    const example = `/subscriptions/<subscription guid>/resourceGroups/<group>/providers/${kind.provider}/${kind.type}/<name>`;
    const re = new RegExp(`^/subscriptions/(${GUID})/resourceGroups/(${RESOURCE_GROUP})/providers/${kind.provider.replace(".", "\\.")}/${kind.type}/([^/]+)$`, "i");
    const m = typeof value === "string" ? re.exec(value) : null;
    if (!m || !fitsName(m[3], kind.name)) {
        throw new ValidationError(field, value, `allowed: a resource id of the form ${example} (${kind.name.subject}: ${kind.name.rule.description}) ${citeLimit(kind.name)}`);
    }
    return { id: value as string, subscriptionId: m[1], resourceGroupName: m[2], name: m[3] };
}

/** Requires an IoT Hub resource id (`Microsoft.Devices/IotHubs`, the hub name as {@link LIMITS}.iotHubName allows). */
export function requireIotHubId(field: string, value: unknown): ParsedResourceId {
    return requireResourceId(field, value, { provider: "Microsoft.Devices", type: "IotHubs", name: LIMITS.iotHubName });
}

/** Requires a Log Analytics workspace resource id (`Microsoft.OperationalInsights/workspaces`, the name as {@link LIMITS}.workspaceName allows). */
export function requireWorkspaceId(field: string, value: unknown): ParsedResourceId {
    return requireResourceId(field, value, { provider: "Microsoft.OperationalInsights", type: "workspaces", name: LIMITS.workspaceName });
}

/** Requires an action group resource id (`microsoft.insights/actionGroups`, the name as {@link LIMITS}.actionGroupName allows). */
export function requireActionGroupId(field: string, value: unknown): ParsedResourceId {
    return requireResourceId(field, value, { provider: "microsoft.insights", type: "actionGroups", name: LIMITS.actionGroupName });
}

/** Requires a resource group name as Azure allows it (1-90 characters, no trailing period). */
export function requireResourceGroupName(field: string, value: unknown): string {
    return requireName(field, value, LIMITS.resourceGroupName);
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

const WHOLE_GUID = new RegExp(`^${GUID}$`);

/** Whether `value` is a GUID (either case). */
export function isGuid(value: unknown): boolean {
    return typeof value === "string" && WHOLE_GUID.test(value);
}

/** Requires a GUID. */
export function requireGuid(field: string, value: unknown): string {
    if (typeof value !== "string" || !isGuid(value)) {
        throw new ValidationError(field, value, "allowed: a GUID such as 00000000-0000-0000-0000-000000000000");
    }
    return value;
}

/**
 * Requires a list with no duplicate entries (compared case-insensitively, as Azure compares resource
 * ids). `field` is the list's path (entries named `field[i]`) or each entry's own path.
 */
export function requireUnique(field: string | readonly string[], values: readonly string[]): void {
    const pathOf = (i: number): string => (typeof field === "string" ? `${field}[${i}]` : field[i]);
    const seen = new Map<string, number>();
    values.forEach((v, i) => {
        const key = v.toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) {
            throw new ValidationError(pathOf(i), v, `allowed: each entry once; it repeats ${pathOf(first)}`);
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
