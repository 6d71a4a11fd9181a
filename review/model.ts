/**
 * The review model: what a stack's alerting is, alert by alert, with its expected time to detect
 * and an estimated monthly cost, plus the `Connections` log ingestion per hub. Built from what the
 * offline engine recorded ({@link CollectedStack}); the alert fields come from the offline
 * preview's own `alertRows` (program/format.ts), so the report and `npm start` agree.
 */
import { parseIsoDuration } from "../azure/durations";
import { alertRows, type AlertRow } from "../program/format";
import type { RecordedResource } from "../program/offline";
import type { CollectedStack } from "./collect";
import { connectionsGbPerMonth, formatMoney, ingestionMonthlyCost, logAlertBand, logAlertMonthlyCost, metricAlertMonthlyCost, PRICES, type PriceTable } from "./prices";

/** What the cost estimate assumes; each is a flag of `npm run review`. */
export interface ReviewAssumptions {
    /** Devices per hub for every hub (`--devices`). Default: each hub's `expectedConnectedDevices`, else `fallbackDevices`. */
    readonly devices?: number;
    /** Devices per hub when neither `--devices` nor the stack config gives a number. Default: 1000. */
    readonly fallbackDevices: number;
    /** `Connections` rows per device per day (`--events-per-device-per-day`). Default: 48, a disconnect and a reconnect every hour (SAS token renewal). */
    readonly eventsPerDevicePerDay: number;
    /** Billed size of one `Connections` row in bytes (`--bytes-per-row`). Default: 900. */
    readonly bytesPerRow: number;
}

/** The default assumptions. */
export const DEFAULT_ASSUMPTIONS: ReviewAssumptions = { fallbackDevices: 1000, eventsPerDevicePerDay: 48, bytesPerRow: 900 };

/** How late IoT Hub resource logs reach Log Analytics: 3 to 10 minutes (Microsoft, "data-ingestion-time"). */
export const LOG_LATENCY_MINUTES: readonly [number, number] = [3, 10];
/** How late platform metrics reach metric alerts: about 1 to 3 minutes (an assumption the report prints). */
export const METRIC_LATENCY_MINUTES: readonly [number, number] = [1, 3];

/** One alert of the stack as the report shows it. */
export interface AlertReview extends AlertRow {
    /** The hub the alert watches (name). */
    readonly hub: string;
    /** Detection id (log alerts of the catalog). */
    readonly detection?: string;
    /** Whether the rule is enabled. */
    readonly enabled: boolean;
    /** Whether Azure resolves the alert by itself. */
    readonly autoMitigate: string;
    /** How long notifications are muted after the alert fires (log alerts that do not resolve themselves), or `none`. */
    readonly muteActionsDuration: string;
    /** The KQL (log alerts). */
    readonly query?: string;
    /** Expected time to detect, computed from latency and frequency, e.g. `3–15 min`. */
    readonly timeToDetect: string;
    /** The detection author's statement of the time to detect, from the rule's description, when it has one. */
    readonly timeToDetectNote?: string;
    /** Monitored time series the rule is billed for. */
    readonly timeSeries: number;
    /** Estimated monthly cost in the price table's currency. */
    readonly monthlyCost: number;
    /** How the cost was computed, e.g. `1 time series × $1.50 (runs every 5 to 9 minutes)`. */
    readonly costBasis: string;
}

/** The `Connections` log ingestion of one hub. */
export interface HubIngestion {
    readonly hub: string;
    readonly devices: number;
    /** Where the device count comes from. */
    readonly devicesFrom: "--devices" | "expectedConnectedDevices" | "assumed";
    readonly gbPerMonth: number;
    readonly monthlyCost: number;
}

/** A stack's alerting for the report (stack identity as collected). */
export interface StackReview extends Pick<CollectedStack, "project" | "stack" | "profile" | "stackFile" | "placeholders"> {
    readonly alerts: readonly AlertReview[];
    readonly ingestion: readonly HubIngestion[];
    /** Detections turned off, per hub name. */
    readonly disabled: readonly { readonly hub: string; readonly detections: readonly string[] }[];
    readonly totals: { readonly alerts: number; readonly ingestion: number; readonly all: number };
    readonly assumptions: ReviewAssumptions;
    readonly prices: PriceTable;
}

function minutes(m: number): string {
    if (m < 60) return `${m} min`;
    const h = Math.floor(m / 60);
    const rest = m % 60;
    if (h >= 48 && rest === 0 && h % 24 === 0) return `${h / 24} d`;
    return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
}

/** Expected time to detect: latency of the data plus up to one evaluation period. */
export function timeToDetect(kind: "log" | "metric" | "activity", frequency: string): string {
    // Activity log events reach their alerts as Azure posts them; Learn gives no bound, so none is promised.
    if (kind === "activity") return "as Azure posts the event";
    const f = Math.round((parseIsoDuration(frequency) ?? 0) / 60);
    const [lo, hi] = kind === "log" ? LOG_LATENCY_MINUTES : METRIC_LATENCY_MINUTES;
    return hi + f < 60 ? `${lo}–${hi + f} min` : `${minutes(lo)}–${minutes(hi + f)}`;
}

function describedTimeToDetect(description: unknown): string | undefined {
    if (typeof description !== "string") return undefined;
    const line = description.split("\n").find((l) => /^(Expected )?time to detect:/i.test(l.trim()));
    return line?.replace(/^(Expected )?time to detect:\s*/i, "").trim() || undefined;
}

/** Hub resource ids bound to a query's `monitoredHubs` parameter. */
export function monitoredHubsOf(query: string): string[] {
    const m = /^let\s+monitoredHubs\s*=\s*dynamic\(\[(.*)\]\)\s*;/m.exec(query);
    if (!m) return [];
    return [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
}

// The preview's alertRows reads only the type, name and inputs of each record; the collected
// resources carry those (the engine's other bookkeeping fields stay behind in the child process).
function asRecorded(c: CollectedStack): readonly RecordedResource[] {
    return c.resources as unknown as readonly RecordedResource[];
}

function lastSegment(id: unknown): string {
    return typeof id === "string" ? (id.split("/").pop() ?? id) : "?";
}

/** Builds the review of a collected stack under the given assumptions and prices. */
export function reviewStack(c: CollectedStack, assumptions: ReviewAssumptions = DEFAULT_ASSUMPTIONS, prices: PriceTable = PRICES): StackReview {
    const recorded = asRecorded(c);
    const byName = new Map(recorded.filter((r) => r.custom).map((r) => [`${r.type}::${r.name}`, r]));
    const rows = alertRows(recorded);
    const alerts: AlertReview[] = rows.map((row) => {
        const type = row.kind === "log" ? "azure-native:monitor:ScheduledQueryRule" : row.kind === "metric" ? "azure-native:monitor:MetricAlert" : "azure-native:monitor:ActivityLogAlert";
        const i = byName.get(`${type}::${row.rule}`)?.inputs ?? {};
        const enabled = i.enabled !== false;
        const autoMitigate = i.autoMitigate === undefined ? "default" : String(i.autoMitigate);
        const muteActionsDuration = typeof i.muteActionsDuration === "string" ? i.muteActionsDuration : "none";
        if (row.kind === "log") {
            const criterion = ((i.criteria as { allOf?: Record<string, unknown>[] } | undefined)?.allOf ?? [])[0] ?? {};
            const query = typeof criterion.query === "string" ? criterion.query : undefined;
            const custom = ((i.actions as { customProperties?: Record<string, string> } | undefined)?.customProperties ?? {}) as Record<string, string>;
            const seconds = parseIsoDuration(row.frequency) ?? 300;
            const timeSeries = Math.max(1, query ? monitoredHubsOf(query).length : 1);
            const price = prices.logAlertPerTimeSeries[logAlertBand(seconds)];
            return {
                ...row,
                hub: custom.hub ?? "?",
                detection: custom.detection,
                enabled,
                autoMitigate,
                muteActionsDuration,
                query,
                timeToDetect: timeToDetect("log", row.frequency),
                timeToDetectNote: describedTimeToDetect(i.description),
                timeSeries,
                monthlyCost: enabled ? logAlertMonthlyCost(seconds, timeSeries, prices) : 0,
                costBasis: `${timeSeries} time series × ${formatMoney(price.amount)} (${price.unit})${enabled ? "" : "; disabled rules are not billed"}`,
            };
        }
        const scopes = Array.isArray(i.scopes) ? i.scopes : [];
        if (row.kind === "activity") {
            return {
                ...row,
                hub: scopes.map(lastSegment).join(", ") || "?",
                enabled,
                autoMitigate: "-",
                muteActionsDuration: "none",
                timeToDetect: timeToDetect("activity", row.frequency),
                timeSeries: 0,
                monthlyCost: 0,
                costBasis: "activity log alerts (Resource Health, Service Health) are free",
            };
        }
        const timeSeries = Math.max(1, scopes.length);
        return {
            ...row,
            hub: scopes.map(lastSegment).join(", ") || "?",
            enabled,
            autoMitigate,
            muteActionsDuration,
            timeToDetect: timeToDetect("metric", row.frequency),
            timeSeries,
            monthlyCost: enabled ? metricAlertMonthlyCost(timeSeries, prices) : 0,
            costBasis: `${timeSeries} time series × ${formatMoney(prices.metricAlertPerTimeSeries.amount)} (${prices.metricAlertPerTimeSeries.unit})${enabled ? "" : "; disabled rules are not billed"}`,
        };
    });
    const ingestion: HubIngestion[] = c.hubs.map((h) => {
        const devicesFrom: HubIngestion["devicesFrom"] = assumptions.devices !== undefined ? "--devices" : h.expectedConnectedDevices !== undefined ? "expectedConnectedDevices" : "assumed";
        const devices = assumptions.devices ?? h.expectedConnectedDevices ?? assumptions.fallbackDevices;
        const a = { devices, eventsPerDevicePerDay: assumptions.eventsPerDevicePerDay, bytesPerRow: assumptions.bytesPerRow };
        return { hub: h.name, devices, devicesFrom, gbPerMonth: connectionsGbPerMonth(a), monthlyCost: ingestionMonthlyCost(a, prices) };
    });
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    const alertTotal = sum(alerts.map((a) => a.monthlyCost));
    const ingestionTotal = sum(ingestion.map((h) => h.monthlyCost));
    return {
        project: c.project,
        stack: c.stack,
        profile: c.profile,
        stackFile: c.stackFile,
        placeholders: c.placeholders,
        alerts,
        ingestion,
        disabled: c.hubs.filter((h) => h.disabledDetections.length > 0).map((h) => ({ hub: h.name, detections: h.disabledDetections })),
        totals: { alerts: alertTotal, ingestion: ingestionTotal, all: alertTotal + ingestionTotal },
        assumptions,
        prices,
    };
}

/** The fields of an alert the diff compares and their labels, in display order. */
export const COMPARED_FIELDS: Readonly<Partial<Record<keyof AlertReview, string>>> = {
    hub: "hub", kind: "kind", symptom: "symptom", enabled: "enabled", severity: "severity", frequency: "every", window: "window",
    condition: "condition", actionGroups: "action groups", autoMitigate: "auto-resolve", muteActionsDuration: "mute after firing", timeToDetect: "alert delay", monthlyCost: "est. monthly cost", query: "KQL",
};

/** One changed field of an alert. */
export interface FieldChange {
    readonly label: string;
    readonly before: string;
    readonly after: string;
}

/** What changed in a stack's alerting between a base and a head review. */
export interface AlertingDiff {
    readonly added: readonly AlertReview[];
    readonly removed: readonly AlertReview[];
    readonly changed: readonly { readonly before: AlertReview; readonly after: AlertReview; readonly fields: readonly FieldChange[] }[];
}

function show(key: keyof AlertReview, value: unknown): string {
    if (key === "monthlyCost") return formatMoney(Number(value));
    return value === undefined ? "(none)" : String(value);
}

/** Compares two reviews alert by alert (matched by rule name): added, removed and changed rules with the old and new value of each changed field. */
export function diffAlerting(base: StackReview, head: StackReview): AlertingDiff {
    const baseByRule = new Map(base.alerts.map((a) => [a.rule, a]));
    const headByRule = new Map(head.alerts.map((a) => [a.rule, a]));
    const changed: AlertingDiff["changed"][number][] = [];
    for (const after of head.alerts) {
        const before = baseByRule.get(after.rule);
        if (!before) continue;
        const fields = (Object.entries(COMPARED_FIELDS) as [keyof AlertReview, string][])
            .filter(([key]) => show(key, before[key]) !== show(key, after[key]))
            .map(([key, label]) => ({ label, before: show(key, before[key]), after: show(key, after[key]) }));
        if (fields.length > 0) changed.push({ before, after, fields });
    }
    return {
        added: head.alerts.filter((a) => !baseByRule.has(a.rule)),
        removed: base.alerts.filter((a) => !headByRule.has(a.rule)),
        changed,
    };
}
