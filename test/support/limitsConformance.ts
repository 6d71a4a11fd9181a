/**
 * Applies the limits table (`azure/limits.ts`) to a recorded resource's inputs: every row whose
 * `appliesTo` names the resource's type (or `*`) is checked at its input path, the way Azure would
 * refuse the value. Used by the conformance tests beside the REST API spec check, for the limits the
 * specs do not state (mute durations, stateful frequency, tag limits, ...).
 */
import { parseIsoDuration } from "../../azure/durations";
import { LIMIT_ROWS, type AzureLimit, type LimitRule } from "../../azure/limits";
import { fitsName, tagProblems } from "../../azure/validation";

/** A resource as the offline engine records it (type token, logical name, inputs). */
export interface ResourceInputs {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
}

/** Inputs of a scheduled query rule that are path parameters or top-level ARM fields, not rule properties. */
const NOT_RULE_PROPERTIES = new Set(["resourceGroupName", "ruleName", "location", "tags", "kind", "identity"]);

/** The values at a path such as `criteria.allOf[].threshold` (`[]` walks every element). */
export function valuesAt(inputs: unknown, path: string): unknown[] {
    let current: unknown[] = [inputs];
    for (const part of path.split(".")) {
        const each = part.endsWith("[]");
        const key = each ? part.slice(0, -2) : part;
        const next: unknown[] = [];
        for (const v of current) {
            if (typeof v !== "object" || v === null) continue;
            const child = (v as Record<string, unknown>)[key];
            if (child === undefined) continue;
            if (each) {
                if (Array.isArray(child)) next.push(...child);
            } else next.push(child);
        }
        current = next;
    }
    return current;
}

const seconds = (v: unknown): number | undefined => (typeof v === "string" ? parseIsoDuration(v) : undefined);

function ruleViolation(limit: AzureLimit<LimitRule>, r: ResourceInputs, path: string, value: unknown): string | undefined {
    const rule = limit.rule;
    const at = `${r.type} ${r.name} ${path}`;
    switch (rule.kind) {
        case "duration-set": {
            const s = seconds(value);
            return s !== undefined && rule.minutes.includes(s / 60) ? undefined : `${at}: ${JSON.stringify(value)} is not one of ${rule.minutes.join(", ")} minutes`;
        }
        case "set":
            return rule.values.includes(value as string | number) ? undefined : `${at}: ${JSON.stringify(value)} is not one of ${rule.values.join(", ")}`;
        case "name":
            return typeof value === "string" && fitsName(value, limit as AzureLimit<typeof rule>) ? undefined : `${at}: ${JSON.stringify(value)} does not fit: ${rule.description}`;
        case "tags": {
            const problems = typeof value === "object" && value !== null ? tagProblems(value as Record<string, unknown>) : [{ shown: value, message: "not an object" }];
            return problems.length === 0 ? undefined : `${at}: ${problems.map((p) => p.message).join("; ")}`;
        }
        case "range": {
            const measured = measure(limit.id, r, value);
            const ok = typeof measured === "number" && measured >= rule.min && measured <= rule.max && (!rule.integer || Number.isInteger(measured));
            return ok ? undefined : `${at}: ${JSON.stringify(measured)} is outside ${rule.min}..${rule.max}${rule.unit ? ` ${rule.unit}` : ""}`;
        }
        case "relation":
            return relationViolation(limit, r, at);
    }
}

/** The number a range row limits: the value itself, or what the row measures (query range, property bytes, dimension count). */
function measure(id: string, r: ResourceInputs, value: unknown): unknown {
    switch (id) {
        case "log-alert-query-range": {
            const periods = Math.max(1, ...valuesAt(r.inputs, "criteria.allOf[].failingPeriods.numberOfEvaluationPeriods").map(Number));
            return (seconds(value) ?? NaN) * periods;
        }
        case "log-alert-properties-size": {
            const properties = Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !NOT_RULE_PROPERTIES.has(k)));
            return Buffer.byteLength(JSON.stringify(properties), "utf8");
        }
        case "log-alert-dimensions":
            return Array.isArray(value) ? value.length : value;
        default:
            return value;
    }
}

function relationViolation(limit: AzureLimit<LimitRule>, r: ResourceInputs, at: string): string | undefined {
    const id = limit.id;
    const frequency = seconds(r.inputs.evaluationFrequency);
    switch (id) {
        case "log-alert-mute-covers-frequency": {
            const mute = seconds(r.inputs.muteActionsDuration);
            return mute === undefined || frequency === undefined || mute >= frequency ? undefined : `${at}: mute ${String(r.inputs.muteActionsDuration)} is shorter than the frequency ${String(r.inputs.evaluationFrequency)}`;
        }
        case "log-alert-stateful-frequency":
            return r.inputs.autoMitigate === true && frequency !== undefined && frequency > (limit.rule.kind === "relation" ? (limit.rule.seconds ?? Infinity) : Infinity)
                ? `${at}: a stateful rule every ${String(r.inputs.evaluationFrequency)}`
                : undefined;
        default:
            return `${at}: no check for relation row ${id}`;
    }
}

/** The limit-table violations of one resource; empty when every applicable row holds. */
export function limitViolations(r: ResourceInputs): string[] {
    const problems: string[] = [];
    for (const limit of LIMIT_ROWS) {
        for (const target of limit.appliesTo.filter((t) => t.type === r.type || (t.type === "*" && r.type.startsWith("azure-native:")))) {
            const values = target.path === "*" ? [r.inputs] : valuesAt(r.inputs, target.path);
            for (const value of values) {
                const problem = ruleViolation(limit, r, target.path, value);
                if (problem !== undefined) problems.push(`${problem} (limit ${limit.id})`);
            }
        }
    }
    return problems;
}

/** The rows of the table that applied to at least one of `resources` (to show the check is not vacuous). */
export function appliedLimitIds(resources: readonly ResourceInputs[]): Set<string> {
    const ids = new Set<string>();
    for (const limit of LIMIT_ROWS) {
        for (const r of resources) {
            for (const t of limit.appliesTo) {
                if ((t.type === r.type || (t.type === "*" && r.type.startsWith("azure-native:"))) && (t.path === "*" || valuesAt(r.inputs, t.path).length > 0)) ids.add(limit.id);
            }
        }
    }
    return ids;
}
