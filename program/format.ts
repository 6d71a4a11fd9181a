/**
 * Plain-text formatting of what the offline engine recorded: the resource tree and the alert
 * table, shared by the offline preview and the tests.
 */
import type { RecordedResource } from "./offline";
import { resourceKey } from "./offline";

/** Formats rows as a left-aligned table with a header rule. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: readonly string[]): string => cells.map((c, i) => (c ?? "").padEnd(widths[i])).join("  ").trimEnd();
    return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The resource tree: one line per resource, `type  name`, indented under its parent. */
export function formatResourceTree(resources: readonly RecordedResource[]): string {
    const children = new Map<string | undefined, RecordedResource[]>();
    for (const r of resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const lines: string[] = [];
    const walk = (parent: string | undefined, depth: number): void => {
        for (const r of children.get(parent) ?? []) {
            lines.push(`${"  ".repeat(depth)}${depth > 0 ? "└─ " : ""}${r.type}  ${r.name}`);
            walk(resourceKey(r.type, r.name), depth + 1);
        }
    };
    walk(undefined, 0);
    return lines.join("\n");
}

const OPERATORS: Record<string, string> = {
    GreaterThan: ">",
    GreaterThanOrEqual: ">=",
    LessThan: "<",
    LessThanOrEqual: "<=",
    Equals: "==",
};

/** One alert as the preview and report show it. */
export interface AlertRow {
    readonly rule: string;
    readonly kind: "log" | "metric" | "activity";
    readonly symptom: string;
    readonly severity: string;
    readonly frequency: string;
    readonly window: string;
    readonly condition: string;
    readonly actionGroups: string;
}

/** The alerts among the recorded resources: scheduled query rules and metric alerts. */
export function alertRows(resources: readonly RecordedResource[]): AlertRow[] {
    const groups = (ids: unknown): string => {
        const list = Array.isArray(ids) ? ids.map((id) => String(id).split("/").pop() ?? "") : [];
        return list.length ? list.join(", ") : "(none)";
    };
    const rows: AlertRow[] = [];
    for (const r of resources) {
        const i = r.inputs;
        if (r.type === "azure-native:monitor:ScheduledQueryRule") {
            const c = ((i.criteria as { allOf?: Record<string, unknown>[] } | undefined)?.allOf ?? [])[0] ?? {};
            const fp = (c.failingPeriods ?? {}) as { numberOfEvaluationPeriods?: number; minFailingPeriodsToAlert?: number };
            const dims = ((c.dimensions ?? []) as { name: string }[]).map((d) => d.name);
            const measure = c.timeAggregation === "Count" ? "rows" : String(c.metricMeasureColumn);
            const actions = (i.actions ?? {}) as { actionGroups?: unknown; customProperties?: Record<string, string> };
            rows.push({
                rule: r.name,
                kind: "log",
                symptom: actions.customProperties?.symptom ?? "?",
                severity: String(i.severity),
                frequency: String(i.evaluationFrequency),
                window: String(i.windowSize),
                condition:
                    `${c.timeAggregation}(${measure}) ${OPERATORS[String(c.operator)] ?? c.operator} ${c.threshold}` +
                    ` per ${[String(c.resourceIdColumn), ...dims].join("+")}, ${fp.minFailingPeriodsToAlert ?? 1} of ${fp.numberOfEvaluationPeriods ?? 1} periods`,
                actionGroups: groups(actions.actionGroups),
            });
        } else if (r.type === "azure-native:monitor:MetricAlert") {
            const c = ((i.criteria as { allOf?: Record<string, unknown>[] } | undefined)?.allOf ?? [])[0] ?? {};
            rows.push({
                rule: r.name,
                kind: "metric",
                symptom: "3",
                severity: String(i.severity),
                frequency: String(i.evaluationFrequency),
                window: String(i.windowSize),
                condition: `${c.timeAggregation}(${c.metricName}) ${OPERATORS[String(c.operator)] ?? c.operator} ${c.threshold}`,
                actionGroups: groups(((i.actions ?? []) as { actionGroupId?: string }[]).map((a) => a.actionGroupId)),
            });
        } else if (r.type === "azure-native:monitor:ActivityLogAlert") {
            // Resource Health and Service Health: no severity, no schedule; they fire on the event.
            const clauses = ((i.condition as { allOf?: { field?: string; equals?: string; containsAny?: string[]; anyOf?: { equals?: string }[] }[] } | undefined)?.allOf ?? []);
            const category = clauses.find((c) => c.field === "category")?.equals ?? "?";
            const values = clauses.filter((c) => c.field !== "category").map((c) => (c.anyOf ? c.anyOf.map((l) => l.equals).join("|") : (c.containsAny ?? [c.equals]).join("|")));
            const scopes = Array.isArray(i.scopes) ? i.scopes.map((s) => String(s).split("/").pop()) : [];
            rows.push({
                rule: r.name,
                kind: "activity",
                symptom: "3",
                severity: "-",
                frequency: "on event",
                window: "-",
                condition: `${category}: ${values.join(", ")} on ${scopes.join(", ")}`,
                actionGroups: groups(((i.actions as { actionGroups?: { actionGroupId?: string }[] } | undefined)?.actionGroups ?? []).map((a) => a.actionGroupId)),
            });
        }
    }
    return rows;
}
