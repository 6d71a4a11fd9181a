/**
 * The price table the review report estimates monthly costs from, with its source and date, and
 * the cost formulas. Prices are Azure's pay-as-you-go list prices in USD for East US; other
 * regions and currencies differ (Log Analytics ingestion is priced per region), and agreements,
 * commitment tiers and free grants change what is actually billed. The report prints the table's
 * date, source and every assumption next to the totals.
 *
 * How Azure bills what this package creates (Microsoft, "Azure Monitor pricing" and "Azure
 * Monitor Logs cost calculations and options"):
 * - a log search alert rule is billed per monitored time series per month, at a price that
 *   depends on how often it runs (the rules here split by hub only, so one series per hub);
 * - a metric alert rule is billed per monitored time series per month (one per hub: the drop
 *   alert watches one metric without dimensions on one hub);
 * - Analytics Logs are billed per GB ingested (GB = 10^9 bytes of the billed size of each row);
 *   31 days of retention are included.
 */

/** One price of the table. */
export interface Price {
    /** Price in `currency`. */
    readonly amount: number;
    /** What one unit is. */
    readonly unit: string;
}

/** The price table: dated, sourced, one entry per meter the report uses. */
export interface PriceTable {
    /** Day the prices were recorded, `YYYY-MM-DD`. */
    readonly recorded: string;
    /** Whether the values were compared with the live pricing page on that day. */
    readonly checkedAgainstLivePage: boolean;
    /** Where the prices come from. */
    readonly sources: readonly string[];
    /** Currency of every amount. */
    readonly currency: "USD";
    /** Region the prices are for. */
    readonly region: string;
    /** Log search alert rules per monitored time series per month, by evaluation frequency band (minutes: at least 1, 5, 10, 15). */
    readonly logAlertPerTimeSeries: Readonly<Record<"1" | "5" | "10" | "15", Price>>;
    /** Metric alert rules per monitored time series per month. */
    readonly metricAlertPerTimeSeries: Price;
    /** Analytics Logs ingestion, pay-as-you-go, per GB. */
    readonly analyticsLogsIngestionPerGb: Price;
    /** Free grants the estimates do not subtract (they are shared by everything in a subscription or billing account). */
    readonly freeGrants: readonly string[];
}

/**
 * The price table (recorded 2026-11-22, East US, USD, pay-as-you-go list prices). The values are
 * the ones Microsoft publishes on the Azure Monitor pricing page; they were not re-checked against
 * the live page from the machine this was written on (no access to it), which
 * `checkedAgainstLivePage: false` records and the report prints. Update the amounts and
 * `recorded` together.
 */
export const PRICES: PriceTable = {
    recorded: "2026-11-22",
    checkedAgainstLivePage: false,
    sources: [
        "https://azure.microsoft.com/pricing/details/monitor/ (Alerts: log search and metric alert rules; Logs: Analytics Logs pay-as-you-go ingestion)",
        "https://learn.microsoft.com/azure/azure-monitor/logs/cost-logs (billed data size, GB = 10^9 bytes, 31 days of retention included)",
    ],
    currency: "USD",
    region: "East US",
    logAlertPerTimeSeries: {
        "1": { amount: 3.0, unit: "time series per month, rule runs every 1 to 4 minutes" },
        "5": { amount: 1.5, unit: "time series per month, rule runs every 5 to 9 minutes" },
        "10": { amount: 1.0, unit: "time series per month, rule runs every 10 to 14 minutes" },
        "15": { amount: 0.5, unit: "time series per month, rule runs every 15 minutes or less often" },
    },
    metricAlertPerTimeSeries: { amount: 0.1, unit: "time series per month" },
    analyticsLogsIngestionPerGb: { amount: 2.3, unit: "GB ingested (Analytics Logs, pay-as-you-go)" },
    freeGrants: [
        "Log Analytics: the first 5 GB ingested per billing account per month are free.",
        "Metric alerts: the first 10 monitored time series per subscription per month are free.",
        "Retention: 31 days of Analytics Logs retention are included; longer retention (e.g. the prod workspace's 90 days) is billed per GB per month and not estimated here.",
    ],
};

/** Average days in a month, used to turn daily volumes into monthly ones. */
export const DAYS_PER_MONTH = 30.4375;

/** The frequency band a log search alert rule is billed at, from its evaluation frequency in seconds. */
export function logAlertBand(frequencySeconds: number): "1" | "5" | "10" | "15" {
    const minutes = frequencySeconds / 60;
    if (minutes < 5) return "1";
    if (minutes < 10) return "5";
    if (minutes < 15) return "10";
    return "15";
}

/** Monthly cost of a log search alert rule that monitors `timeSeries` series and runs every `frequencySeconds`. */
export function logAlertMonthlyCost(frequencySeconds: number, timeSeries: number, table: PriceTable = PRICES): number {
    return table.logAlertPerTimeSeries[logAlertBand(frequencySeconds)].amount * timeSeries;
}

/** Monthly cost of a metric alert rule that monitors `timeSeries` series. */
export function metricAlertMonthlyCost(timeSeries: number, table: PriceTable = PRICES): number {
    return table.metricAlertPerTimeSeries.amount * timeSeries;
}

/** What the Connections-log ingestion estimate assumes for one hub. */
export interface IngestionAssumptions {
    /** Devices connected to the hub. */
    readonly devices: number;
    /** `Connections` rows per device per day (connects, disconnects and errors). */
    readonly eventsPerDevicePerDay: number;
    /** Billed size of one row in bytes. */
    readonly bytesPerRow: number;
}

/** GB of `Connections` logs a hub sends per month under the assumptions. */
export function connectionsGbPerMonth(a: IngestionAssumptions): number {
    return (a.devices * a.eventsPerDevicePerDay * a.bytesPerRow * DAYS_PER_MONTH) / 1e9;
}

/** Monthly cost of ingesting a hub's `Connections` logs under the assumptions. */
export function ingestionMonthlyCost(a: IngestionAssumptions, table: PriceTable = PRICES): number {
    return connectionsGbPerMonth(a) * table.analyticsLogsIngestionPerGb.amount;
}

/** Formats an amount of money of the table's currency, e.g. `$1.50`. */
export function formatMoney(amount: number): string {
    return `$${amount.toFixed(2)}`;
}
