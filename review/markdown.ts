/**
 * Renders the review as Markdown for a pull-request comment: the alerts with their KQL, condition,
 * severity, schedule, action groups, time to detect and estimated monthly cost; the `Connections`
 * ingestion per hub; the price table and assumptions; and, against a base, what changed.
 */
import type { AlertingDiff, AlertReview, StackReview } from "./model";
import { DAYS_PER_MONTH, formatMoney } from "./prices";

/** Escapes a table cell (pipes and line breaks). */
export function cell(text: string): string {
    return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** A Markdown table. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
    const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(" | ")} |`;
    return [line(headers), `|${headers.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

/** A fenced code block whose fence is longer than any backtick run in `text`. */
export function fenced(text: string, language = ""): string {
    const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = "`".repeat(longest + 1);
    return `${fence}${language}\n${text.replace(/\n$/, "")}\n${fence}`;
}

/** A unified line diff of two texts with `context` unchanged lines around each change; empty when they are equal. */
export function lineDiff(before: string, after: string, context = 3): string {
    const a = before.split("\n");
    const b = after.split("\n");
    // Longest common subsequence table, then walk it to get the edit script.
    const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    const ops: { op: " " | "-" | "+"; text: string }[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
        if (i < a.length && j < b.length && a[i] === b[j]) {
            ops.push({ op: " ", text: a[i++] });
            j++;
        } else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ op: "-", text: a[i++] });
        else ops.push({ op: "+", text: b[j++] });
    }
    const keep = ops.map((o, k) => o.op !== " " || ops.slice(Math.max(0, k - context), k + context + 1).some((x) => x.op !== " "));
    if (!ops.some((o) => o.op !== " ")) return "";
    const out: string[] = [];
    ops.forEach((o, k) => {
        if (keep[k]) out.push(`${o.op}${o.text}`);
        else if (k === 0 || keep[k - 1]) out.push("@@ … @@");
    });
    return out.join("\n");
}

function alertTable(alerts: readonly AlertReview[]): string {
    return markdownTable(
        ["rule", "hub", "symptom", "sev", "every", "window", "condition", "action groups", "alert delay", "est. $/month"],
        alerts.map((a) => [`${a.rule}${a.enabled ? "" : " (disabled)"}`, a.hub, a.symptom, a.severity, a.frequency, a.window, a.condition, a.actionGroups, a.timeToDetect, formatMoney(a.monthlyCost)]),
    );
}

/** The line that binds a rule's query to its hub; the queries of one detection differ only there. */
const HUB_BINDING = /^let\s+monitoredHubs\s*=.*$/m;

/** Log alerts grouped by their query with the hub binding left out: one group per detection in practice. */
export function queryGroups(alerts: readonly AlertReview[]): { readonly label: string; readonly query: string; readonly rules: readonly AlertReview[] }[] {
    const groups = new Map<string, AlertReview[]>();
    for (const a of alerts) {
        if (!a.query) continue;
        const key = a.query.replace(HUB_BINDING, "let monitoredHubs = <the rule's hub>;");
        groups.set(key, [...(groups.get(key) ?? []), a]);
    }
    return [...groups.values()].map((rules, i) => ({ label: rules[0].detection ?? `query ${i + 1}`, query: rules[0].query as string, rules }));
}

function alertDetails(a: AlertReview, queryLabel: string | undefined): string {
    const parts = [
        `- \`${a.rule}\` (${a.kind === "log" ? "log search alert" : a.kind === "metric" ? "metric alert" : "activity log alert"}, hub ${a.hub}): ${formatMoney(a.monthlyCost)}/month = ${a.costBasis}.`,
        `Auto-resolve ${a.autoMitigate}${a.muteActionsDuration === "none" ? "" : `, notifications muted ${a.muteActionsDuration} after firing`}.`,
        `Alert delay once the condition holds in the logs: ${a.timeToDetect}${a.timeToDetectNote ? `. Time to detect from the first symptom, as the detection states it: ${a.timeToDetectNote}` : "."}`,
    ];
    if (queryLabel) parts.push(`KQL: *${queryLabel}* below.`);
    return parts.join(" ");
}

function querySection(alerts: readonly AlertReview[], includeQueries: boolean): string[] {
    const groups = queryGroups(alerts);
    if (groups.length === 0) return [];
    const out = ["### KQL", ""];
    if (!includeQueries) {
        out.push("The queries are left out to fit a pull-request comment: run `npm run review -- --stack <name>` locally, or read `queries/*.kql`.", "");
        return out;
    }
    out.push("Each rule runs its detection's query with `let monitoredHubs` bound to its own hub; the first rule's binding is shown.", "");
    for (const g of groups) {
        out.push(`<details><summary><i>${g.label}</i>: ${g.rules.map((r) => `<code>${r.rule}</code>`).join(", ")}</summary>`, "", fenced(g.query, "kusto"), "", "</details>", "");
    }
    return out;
}

function assumptionsSection(r: StackReview): string {
    const p = r.prices;
    const a = r.assumptions;
    return [
        "### Prices and assumptions",
        "",
        `Prices: ${p.currency} pay-as-you-go list prices for ${p.region}, recorded ${p.recorded}${p.checkedAgainstLivePage ? "" : " (not re-checked against the live pricing page)"}; sources: ${p.sources.join("; ")}.`,
        "",
        markdownTable(
            ["meter", "price"],
            [
                ...Object.entries(p.logAlertPerTimeSeries).map(([, price]) => [`log search alert rule`, `${formatMoney(price.amount)} per ${price.unit}`]),
                ["metric alert rule", `${formatMoney(p.metricAlertPerTimeSeries.amount)} per ${p.metricAlertPerTimeSeries.unit}`],
                ["Connections logs", `${formatMoney(p.analyticsLogsIngestionPerGb.amount)} per ${p.analyticsLogsIngestionPerGb.unit}`],
            ],
        ),
        "",
        "Assumptions (flags of `npm run review`):",
        `- devices per hub: ${a.devices !== undefined ? `${a.devices} for every hub (--devices)` : `the hub's expectedConnectedDevices from the stack config, else ${a.fallbackDevices} (--devices to override)`};`,
        `- Connections rows per device per day: ${a.eventsPerDevicePerDay} (--events-per-device-per-day; 48 = a disconnect and a reconnect every hour, the SAS-token renewal of a healthy fleet);`,
        `- billed bytes per row: ${a.bytesPerRow} (--bytes-per-row); a month is ${DAYS_PER_MONTH} days; GB = 10^9 bytes;`,
        "- log search alerts split by hub only: one billed time series per hub bound to the rule; a metric alert: one per scoped hub;",
        `- alert delay: from the moment the condition holds in the data to the alert: logs reach Log Analytics 3 to 10 minutes late, metrics about 1 to 3 minutes, plus up to one evaluation period; how long a symptom takes to build up to the condition is each detection's own time to detect, given in its details;`,
        ...p.freeGrants.map((g) => `- not subtracted: ${g}`),
        "- not estimated: the hub's platform metrics (`AllMetrics`) that the diagnostic setting also sends to the workspace (AzureMetrics table), any additional log categories, and query costs of Basic or Auxiliary logs (the detections read Analytics Logs).",
    ].join("\n");
}

/** What {@link renderStack} includes. */
export interface RenderOptions {
    /** The {@link renderDiff} section (with `--base`), placed right after the summary. Default: none. */
    readonly changes?: string;
    /** Whether the KQL of every detection is included. Default: `true`. */
    readonly includeQueries?: boolean;
}

/** The report of one stack. */
export function renderStack(r: StackReview, options: RenderOptions = {}): string {
    const changes = options.changes;
    const queryLabels = new Map(queryGroups(r.alerts).flatMap((g) => g.rules.map((a) => [a.rule, g.label] as const)));
    const hubs = new Set(r.alerts.map((a) => a.hub));
    const out = [
        `## 404104 alerting: stack \`${r.stack}\` (profile ${r.profile})`,
        "",
        `${r.alerts.length} alerts on ${hubs.size} hub(s) from \`${r.stackFile}\`. Estimated monthly cost **${formatMoney(r.totals.all)}**: alert rules ${formatMoney(r.totals.alerts)}, Connections log ingestion ${formatMoney(r.totals.ingestion)}.`,
        "",
        ...(changes ? [changes, ""] : []),
        "### Alerts",
        "",
        alertTable(r.alerts),
        "",
        "### Alert details",
        "",
        ...r.alerts.map((a) => alertDetails(a, queryLabels.get(a.rule))),
        "",
        ...querySection(r.alerts, options.includeQueries ?? true),
        "### Connections log ingestion",
        "",
        markdownTable(
            ["hub", "devices", "from", "GB/month", "est. $/month"],
            r.ingestion.map((h) => [h.hub, String(h.devices), h.devicesFrom, h.gbPerMonth.toFixed(2), formatMoney(h.monthlyCost)]),
        ),
        "",
    ];
    if (r.disabled.length > 0) {
        out.push("### Detections turned off", "", ...r.disabled.map((d) => `- ${d.hub}: ${d.detections.join(", ")} (the policy pack requires a waiver for each)`), "");
    }
    out.push(assumptionsSection(r), "");
    out.push(
        `_Generated offline by \`npm run review\`: the stack's program ran under Pulumi's mock engine (no Pulumi CLI, no Azure); ids are made up${r.placeholders > 0 ? `, and ${r.placeholders} secret value(s) were replaced by a placeholder` : ""}._`,
    );
    return out.join("\n");
}

/** The "what changed" section of a comparison with a base. */
export function renderDiff(base: StackReview | undefined, head: StackReview, diff: AlertingDiff | undefined, baseLabel: string): string {
    const out = [`### Changes to the alerting since ${baseLabel}`, ""];
    if (!base || !diff) {
        out.push(`The stack \`${head.stack}\` did not exist at ${baseLabel}: every alert above is new.`);
        return out.join("\n");
    }
    const delta = head.totals.all - base.totals.all;
    out.push(
        `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed. Estimated monthly cost ${formatMoney(base.totals.all)} → ${formatMoney(head.totals.all)} (${delta >= 0 ? "+" : "−"}${formatMoney(Math.abs(delta))}).`,
        "",
    );
    if (diff.added.length + diff.removed.length + diff.changed.length === 0) {
        out.push("No alert rule was added, removed or changed.");
        return out.join("\n");
    }
    if (diff.added.length > 0) out.push("#### Added", "", alertTable(diff.added), "");
    if (diff.removed.length > 0) out.push("#### Removed", "", alertTable(diff.removed), "");
    if (diff.changed.length > 0) {
        out.push("#### Changed", "");
        for (const c of diff.changed) {
            const plainFields = c.fields.filter((f) => f.label !== "KQL");
            out.push(`**\`${c.after.rule}\`**`, "");
            if (plainFields.length > 0) out.push(markdownTable(["field", "before", "after"], plainFields.map((f) => [f.label, f.before, f.after])), "");
            if (c.fields.some((f) => f.label === "KQL")) {
                out.push("<details><summary>KQL changed</summary>", "", fenced(lineDiff(c.before.query ?? "", c.after.query ?? ""), "diff"), "", "</details>", "");
            }
        }
    }
    return out.join("\n").trimEnd();
}
