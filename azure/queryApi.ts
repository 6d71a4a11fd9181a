/**
 * What the Log Analytics query API (the data plane the backtest queries) allows and answers, each
 * fact with Azure's published word: the query limits (result rows and size, running time, per-user
 * concurrency and rate), the status and the texts by which the service reports hitting them, and
 * the role a caller needs. Every quote is in a vendored file under `test/fixtures/azure-docs/`
 * (listed with its commit in that folder's SOURCES.json); `test/backtest-limits.test.ts` checks it.
 *
 * Like `azure/limits.ts`, this module sits at the bottom of the layers: it imports nothing of the
 * package but the source type.
 */
import { MONITOR_DOCS, type LimitSource } from "./limits";

/** One fact of the query API: its value, unit and where Azure states it. */
export interface QueryApiFact {
    /** Stable id, named in messages (e.g. `log-query-result-rows`). */
    readonly id: string;
    /** What it is, in words. */
    readonly subject: string;
    /** The number Azure states. */
    readonly value: number;
    /** What the number counts. */
    readonly unit: string;
    /** Where Azure states it (a Learn source file at a commit, with the words). */
    readonly source: Extract<LimitSource, { kind: "learn" }>;
}

const WORKSPACE_LIMITS = {
    url: "https://learn.microsoft.com/azure/azure-monitor/fundamentals/service-limits#la-query-api",
    repo: MONITOR_DOCS,
    path: "articles/azure-monitor/logs/includes/azure-monitor-limits-workspaces.md",
    commit: "81ff70d37858c70febec650aedf7624e57a7f321",
} as const;
const QUERY_LIMITS = {
    url: "https://learn.microsoft.com/azure/azure-monitor/fundamentals/service-limits#log-queries-and-language",
    repo: MONITOR_DOCS,
    path: "articles/azure-monitor/logs/includes/azure-monitor-limits-log-queries.md",
    commit: "005411c2ae0b1234548af8c9312231d443eee023",
} as const;
const TIMEOUTS = {
    url: "https://learn.microsoft.com/azure/azure-monitor/logs/api/timeouts",
    repo: MONITOR_DOCS,
    path: "articles/azure-monitor/logs/api/timeouts.md",
    commit: "26af34ca099d0da62013bc738c8ebd9c563fb3a9",
} as const;
const KUSTO_QUERY_LIMITS = {
    url: "https://learn.microsoft.com/kusto/concepts/query-limits",
    repo: "MicrosoftDocs/dataexplorer-docs",
    path: "data-explorer/kusto/concepts/query-limits.md",
    commit: "01c6493ee191726b98576db66306df78c5594980",
} as const;
const PERMISSIONS = {
    url: "https://learn.microsoft.com/azure/azure-monitor/logs/api/access-api",
    repo: MONITOR_DOCS,
    path: "articles/azure-monitor/logs/includes/log-analytics-query-permissions.md",
    commit: "c34bb2246f2c0741d5b4d3182daf163c8b1967eb",
} as const;

const fact = (f: QueryApiFact): QueryApiFact => f;

/** The query API's facts the backtest relies on, by name. */
export const QUERY_API = {
    resultRows: fact({
        id: "log-query-result-rows",
        subject: "records one query returns",
        value: 500_000,
        unit: "records",
        source: { kind: "learn", ...WORKSPACE_LIMITS, quotes: ["| Maximum records returned in a single query | 500,000 | |"] },
    }),
    resultSize: fact({
        id: "log-query-result-size",
        subject: "data one query returns",
        value: 64,
        unit: "MB compressed (about 100 MiB of raw data)",
        source: { kind: "learn", ...WORKSPACE_LIMITS, quotes: ["| Maximum size of data returned | ~104 MB (~100 MiB)|The API returns up to 64 MB of compressed data, which translates to up to 100 MB of raw data. |"] },
    }),
    maxTimeout: fact({
        id: "log-query-running-time",
        subject: "longest time the service runs one query (Prefer: wait=<seconds>)",
        value: 600,
        unit: "seconds",
        source: { kind: "learn", ...TIMEOUTS, quotes: ["The default timeout is 3 minutes. The maximum timeout is 10 minutes."] },
    }),
    defaultTimeout: fact({
        id: "log-query-default-timeout",
        subject: "time the service runs one query when the request sets none",
        value: 180,
        unit: "seconds",
        source: { kind: "learn", ...TIMEOUTS, quotes: ["The default timeout is 3 minutes."] },
    }),
    timeoutStatus: fact({
        id: "log-query-timeout-status",
        subject: "HTTP status of a query that ran out of time",
        value: 504,
        unit: "HTTP status",
        source: { kind: "learn", ...TIMEOUTS, quotes: ["If a query takes longer than the specified timeout (or default timeout, if unspecified), it fails with a status code of 504 Gateway Timeout."] },
    }),
    concurrentQueries: fact({
        id: "log-query-concurrency",
        subject: "queries one user runs at once against Analytics tables (more wait in a queue)",
        value: 5,
        unit: "queries",
        source: { kind: "learn", ...QUERY_LIMITS, quotes: ["| Concurrent Analytics queries | 5 | A user can run up to five concurrent queries against Analytics tables."] },
    }),
    queryRate: fact({
        id: "log-query-rate",
        subject: "queries one user submits per 30 seconds; past 200 waiting in the queue, a query is refused with 429",
        value: 200,
        unit: "queries per 30 seconds",
        source: {
            kind: "learn",
            ...QUERY_LIMITS,
            quotes: ["| Query rate | 200 queries per 30 seconds |", "When the number of queries in the queue reaches 200, the next query is rejected with an HTTP error code 429."],
        },
    }),
} as const;

/** The engine's texts for a result past a limit, as Kusto's query-limits page gives them (a "partial query failure"). */
export const PARTIAL_FAILURE_TEXTS = {
    /** The result had more records than {@link QUERY_API}.resultRows. */
    rows: "Query result set has exceeded the internal record count limit",
    /** The result was larger than the data size limit. */
    size: "Query result set has exceeded the internal data size limit",
    /** An operator ran out of its memory budget. */
    memory: "E_RUNAWAY_QUERY",
    /** Where the texts are stated. */
    source: {
        kind: "learn",
        ...KUSTO_QUERY_LIMITS,
        quotes: [
            "The Kusto DataEngine has failed to execute a query: 'Query result set has exceeded the internal data size limit 67108864 (E_QUERY_RESULT_SET_TOO_LARGE).'",
            "The Kusto DataEngine has failed to execute a query: 'Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE).'",
            "When the query reaches the configured memory per operator limit, a partial query failure message displays and includes the text `E_RUNAWAY_QUERY`.",
        ],
    } satisfies LimitSource,
} as const;

/** The built-in role that lets a principal query a workspace, and where Azure says so. */
export const QUERY_ROLE = {
    /** The role's name as the Azure portal shows it. */
    name: "Log Analytics Reader",
    /** The permission it grants that the query API checks. */
    permission: "Microsoft.OperationalInsights/workspaces/query/*/read",
    source: {
        kind: "learn",
        ...PERMISSIONS,
        quotes: ["You must have `Microsoft.OperationalInsights/workspaces/query/*/read` permissions to the Log Analytics workspaces you query, as provided by the [Log Analytics Reader built-in role]"],
    } satisfies LimitSource,
} as const;

/** Every sourced fact of this module, for the test that checks the quotes. */
export const QUERY_API_SOURCES: readonly { readonly id: string; readonly source: Extract<LimitSource, { kind: "learn" }> }[] = [
    ...Object.values(QUERY_API).map((f) => ({ id: f.id, source: f.source })),
    { id: "partial-failure-texts", source: PARTIAL_FAILURE_TEXTS.source },
    { id: "query-role", source: QUERY_ROLE.source },
];
