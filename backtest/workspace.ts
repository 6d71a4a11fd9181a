/**
 * The Log Analytics workspace the backtest queries, through Microsoft's `@azure/monitor-query-logs`
 * client and a credential of `@azure/identity`: which workspace (its id or its resource id), one
 * query with its span, and what came back, sorted into the outcomes the backtest acts on:
 *
 * - rows (the query's primary table, datetimes as epoch milliseconds, as the evaluator gives them;
 *   none for a workspace without data, which the API answers with 204 No Content);
 * - a limit hit by this one query, named: the result's rows or size, an operator's memory (a
 *   "partial query failure", recognized by the engine's text), or the query time-out (504);
 * - throttling (429, or 503 with a retry hint) is ridden out here: the wait the service asks for
 *   (`retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` in seconds or as a date, the order
 *   Azure's own SDK reads them in), else an exponential backoff; every query waits while the
 *   service has asked for a pause, so concurrent queries do not keep hammering it;
 * - what no retry mends (no credential, no access, no such workspace, a query the service refuses)
 *   is a {@link WorkspaceAccessError} that ends the run with one line.
 *
 * The SDK's own retry policy is turned off (`maxRetries: 0`): it would retry a 504 three times
 * (each up to ten minutes) and give up on a long 429 storm, and the backtest must name both.
 */
import { LogsQueryClient, LogsQueryResultStatus, type LogsQueryResult, type LogsTable } from "@azure/monitor-query-logs";
import { isRestError, type PipelinePolicy, type PipelineRequest, type PipelineResponse, type RestError, type SendRequest, type TlsSettings } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import { PARTIAL_FAILURE_TEXTS, QUERY_API, QUERY_ROLE } from "../azure/queryApi";
import { isGuid, requireWorkspaceId, ValidationError } from "../azure/validation";
import type { EvalRow, EvalValue } from "../kql/eval";

/** The workspace to query: its workspace (customer) id, or its Azure resource id. */
export type WorkspaceTarget = { readonly kind: "workspace-id"; readonly id: string } | { readonly kind: "resource-id"; readonly id: string };

/**
 * Reads `--workspace`: the workspace id (a GUID, "Workspace ID" on the workspace's overview page) or
 * its resource id (`/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>`).
 * Anything else is a {@link ValidationError} naming both forms.
 */
export function parseWorkspaceTarget(field: string, text: string): WorkspaceTarget {
    if (isGuid(text)) return { kind: "workspace-id", id: text.toLowerCase() };
    if (!text.startsWith("/")) throw new ValidationError(field, text, "allowed: the workspace id (a GUID, Workspace ID on the workspace's overview page) or its resource id /subscriptions/<subscription guid>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>");
    return { kind: "resource-id", id: requireWorkspaceId(field, text).id };
}

/** The public cloud's query endpoint (the SDK's default); sovereign clouds have their own (`https://api.loganalytics.azure.cn/v1`, `https://api.loganalytics.us/v1`). */
export const DEFAULT_QUERY_ENDPOINT = "https://api.loganalytics.io/v1";

/** The token scope of a query endpoint: its origin and `/.default`, as the SDK asks Entra ID for it. */
export function queryScope(endpoint: string): string {
    return `${new URL(endpoint).origin}/.default`;
}

/** A query for one evaluation: the text and the span the request's `timespan` bounds it to (epoch ms; the query narrows further itself). */
export interface WorkspaceQuery {
    readonly query: string;
    readonly from: number;
    readonly to: number;
}

/** A limit one query hit, by the service's word: result rows, result size, operator memory, another partial failure, or the time-out. */
export type QueryLimit = "result-rows" | "result-size" | "memory" | "partial-failure" | "time-out" | "throttled";

/** What one query came to. */
export type QueryOutcome =
    | { readonly kind: "rows"; readonly rows: readonly EvalRow[] }
    | { readonly kind: "limit"; readonly limit: QueryLimit; readonly message: string };

/** A failure no retry mends: no credential, no access to the workspace, no such workspace, a query refused. The run stops with its one-line message. */
export class WorkspaceAccessError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "WorkspaceAccessError";
    }
}

/** A {@link WorkspaceAccessError} that concerns one query (the service refused it, or answered a status no retry helps): the run names the rule and time. */
export class QueryRefusedError extends WorkspaceAccessError {
    constructor(message: string) {
        super(message);
        this.name = "QueryRefusedError";
    }
}

/** How the client waits and how long it keeps trying. */
export interface RetryPolicy {
    /** Most attempts of one query while the service throttles it (429, or 503 with a retry hint); past them the evaluation is reported as throttled. */
    readonly maxThrottledAttempts: number;
    /** Most attempts of one query after network faults and 500/502/503 without a hint; past them the run stops. */
    readonly maxTransientAttempts: number;
    /** The first backoff when the service gives no retry hint (ms); it doubles each attempt. */
    readonly baseDelayMs: number;
    /** The longest backoff without a hint (ms); a hint from the service is always honoured in full. */
    readonly maxDelayMs: number;
}

/** The retry policy of a run: generous, since a month of evaluations meets throttling as a matter of course. */
export const DEFAULT_RETRY: RetryPolicy = { maxThrottledAttempts: 30, maxTransientAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/** Why the client waits: before a query's own retry, or because the service asked every caller to pause. */
export type WaitReason = "retry" | "paused";

/** Counters of a client's traffic, for the run's summary. */
export interface TrafficCounters {
    /** HTTP requests sent (attempts, retries included). */
    requests: number;
    /** Answers that asked the client to wait (429, or 503 with a hint). */
    throttled: number;
    /** Time spent waiting on throttling and backoff (ms, summed over queries). */
    waitedMs: number;
}

/** Options of {@link WorkspaceClient}. */
export interface WorkspaceClientOptions {
    /** The query endpoint (with `/v1`). Default: {@link DEFAULT_QUERY_ENDPOINT}. */
    readonly endpoint?: string;
    /** Seconds the service may spend on one query (`Prefer: wait=`), up to the API's maximum. Default: the maximum, 600. */
    readonly serverTimeoutSeconds?: number;
    /** Retry limits and backoff. Default: {@link DEFAULT_RETRY}. */
    readonly retry?: RetryPolicy;
    /** TLS settings for the SDK's HTTPS client (e.g. `ca` for a private certificate authority); the SDK's pipeline option. Default: Node's trust store. */
    readonly tls?: TlsSettings;
    /** How the client sleeps (ms): `retry` before a query's own next attempt, `paused` while another query's throttling pause lasts; tests pass one that records the waits. Default: a timer. */
    readonly sleep?: (ms: number, reason: WaitReason) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The retry hint of a throttling answer in ms, read in the order Azure's SDK reads it; undefined without one. */
export function retryAfterMs(headers: { get(name: string): string | undefined }, now: number = Date.now()): number | undefined {
    for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
        const v = headers.get(name);
        if (v !== undefined && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
    }
    const v = headers.get("retry-after");
    if (v === undefined) return undefined;
    if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
    const date = Date.parse(v);
    return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** The messages of an error and its details and inner errors, joined: where the engine's texts are. */
function errorTexts(e: { message?: string; code?: string; details?: readonly unknown[]; innererror?: unknown } | undefined, depth = 0): string[] {
    if (!e || depth > 8) return [];
    const out = [`${e.code ?? ""}: ${e.message ?? ""}`];
    for (const d of e.details ?? []) out.push(...errorTexts(d as typeof e, depth + 1));
    out.push(...errorTexts(e.innererror as typeof e, depth + 1));
    return out;
}

/** Which limit a partial failure's texts name ({@link PARTIAL_FAILURE_TEXTS}). */
export function partialFailureLimit(texts: readonly string[]): QueryLimit {
    const all = texts.join("\n");
    if (all.includes(PARTIAL_FAILURE_TEXTS.rows)) return "result-rows";
    if (all.includes(PARTIAL_FAILURE_TEXTS.size)) return "result-size";
    if (all.includes(PARTIAL_FAILURE_TEXTS.memory)) return "memory";
    return "partial-failure";
}

/** What each limit means, for the failure lines of a run. */
export const LIMIT_DESCRIPTIONS: Readonly<Record<QueryLimit, string>> = {
    "result-rows": `the result passed the query API's ${QUERY_API.resultRows.value.toLocaleString("en-US")} records (${QUERY_API.resultRows.id})`,
    "result-size": `the result passed the query API's data size (${QUERY_API.resultSize.value} ${QUERY_API.resultSize.unit}, ${QUERY_API.resultSize.id})`,
    memory: "an operator passed its memory budget (E_RUNAWAY_QUERY)",
    "partial-failure": "the service answered with a partial query failure",
    "time-out": `the query ran out of time (${QUERY_API.timeoutStatus.value} Gateway Timeout; the service runs a query at most ${QUERY_API.maxTimeout.value} s, ${QUERY_API.maxTimeout.id})`,
    throttled: `the service kept throttling the query (429: a user's queries past ${QUERY_API.concurrentQueries.value} at once wait in a queue, and one is refused when the queue is full; ${QUERY_API.queryRate.id})`,
};

/** The longest wait a throttled query honours; a longer hint ends the evaluation as throttled (named, never dropped). */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** The wait before retrying a throttled query whose hint is 0 or a date in the past. */
export const MIN_RETRY_WAIT_MS = 1_000;

/** The first line of an error's message, without control characters. */
function oneLine(text: string): string {
    return text.split("\n")[0].replace(/[\u0000-\u001f\u007f]/g, " ").trim();
}

/** The service's error code and message of a failed request, from its body when it has one. */
function serviceError(e: RestError): string {
    const details = (e as RestError & { details?: { error?: ServiceErrorBody } }).details?.error;
    if (!details?.code) return oneLine(e.message);
    // The innermost inner error says what went wrong (a SyntaxError, a SemanticError with the name at fault).
    let inner = details.innererror;
    for (let depth = 0; inner?.innererror && depth < 8; depth++) inner = inner.innererror;
    const cause = inner?.message ? `; ${inner.code ? `${inner.code}: ` : ""}${oneLine(inner.message)}` : "";
    return `${details.code}: ${oneLine(details.message ?? "")}${cause}`;
}

/** The error body of the query API (its ErrorInfo): a code, a message and nested inner errors. */
interface ServiceErrorBody {
    readonly code?: string;
    readonly message?: string;
    readonly innererror?: ServiceErrorBody;
}

/** A credential failure of `@azure/identity` (no credential in the chain, or one that could not sign in): its name ends in one of these. */
const CREDENTIAL_ERRORS = ["CredentialUnavailableError", "AuthenticationError", "AggregateAuthenticationError", "AuthenticationRequiredError"];

/** The one line for a credential that cannot sign in. */
export function credentialMessage(e: Error): string {
    return `no Azure credential could sign in for the query API (${oneLine(e.message).slice(0, 200)}); sign in with az login, or run with a managed identity or workload identity (OIDC) federation (DefaultAzureCredential); the principal needs the ${QUERY_ROLE.name} role on the workspace`;
}

/**
 * Queries one workspace with Microsoft's client, retrying throttling and transient faults and
 * naming every limit a query hits (see the module comment). Safe to use from concurrent tasks.
 */
export class WorkspaceClient {
    /** Traffic so far. */
    readonly counters: TrafficCounters = { requests: 0, throttled: 0, waitedMs: 0 };
    private readonly client: LogsQueryClient;
    private readonly retry: RetryPolicy;
    private readonly sleep: (ms: number, reason: WaitReason) => Promise<void>;
    private readonly serverTimeout: number;
    /** No query starts before this instant (epoch ms): the service asked every caller to wait. */
    private pausedUntil = 0;

    constructor(
        readonly target: WorkspaceTarget,
        readonly credential: TokenCredential,
        options: WorkspaceClientOptions = {},
    ) {
        const endpoint = options.endpoint ?? DEFAULT_QUERY_ENDPOINT;
        this.retry = options.retry ?? DEFAULT_RETRY;
        this.sleep = options.sleep ?? defaultSleep;
        this.serverTimeout = options.serverTimeoutSeconds ?? QUERY_API.maxTimeout.value;
        this.client = new LogsQueryClient(credential, {
            endpoint,
            credentials: { scopes: [queryScope(endpoint)] },
            retryOptions: { maxRetries: 0 },
            ...(options.tls ? { tlsOptions: options.tls } : {}),
        });
        this.client.pipeline.addPolicy(noDataPolicy);
    }

    /** Runs one query, with the retries above; resolves to its rows or the limit it hit, rejects with a {@link WorkspaceAccessError} when no retry can help. */
    async query(q: WorkspaceQuery): Promise<QueryOutcome> {
        let throttledAttempts = 0;
        let transientAttempts = 0;
        for (;;) {
            await this.waitForPause();
            let result: LogsQueryResult;
            try {
                this.counters.requests++;
                result = await this.send(q);
            } catch (e) {
                const decision = this.decide(e, throttledAttempts + 1, transientAttempts + 1);
                if (decision.kind === "outcome") return decision.outcome;
                if (decision.throttled) throttledAttempts++;
                else transientAttempts++;
                await this.pause(decision.waitMs, decision.throttled);
                continue;
            }
            return outcomeOf(result);
        }
    }

    private send(q: WorkspaceQuery): Promise<LogsQueryResult> {
        const timespan = { startTime: new Date(q.from), endTime: new Date(q.to) };
        const options = { serverTimeoutInSeconds: this.serverTimeout };
        if (this.target.kind === "workspace-id") return this.client.queryWorkspace(this.target.id, q.query, timespan, options);
        // The SDK expands /{+resourceId}/query: without its leading slash the id gives /v1/subscriptions/..., the API's documented path.
        return this.client.queryResource(this.target.id.replace(/^\/+/, ""), q.query, timespan, options);
    }

    /** What to do after a failed request: wait and retry (throttled or transient), give the evaluation an outcome, or stop the run (thrown). */
    private decide(e: unknown, throttledAttempts: number, transientAttempts: number): { kind: "outcome"; outcome: QueryOutcome } | { kind: "retry"; waitMs: number; throttled: boolean } {
        if (e instanceof Error && CREDENTIAL_ERRORS.includes(e.name)) throw new WorkspaceAccessError(credentialMessage(e));
        if (!isRestError(e)) throw e;
        const status = e.statusCode;
        const hint = e.response ? retryAfterMs(e.response.headers) : undefined;
        if (status === 429 || (status === 503 && hint !== undefined)) {
            this.counters.throttled++;
            if (throttledAttempts >= this.retry.maxThrottledAttempts) {
                return { kind: "outcome", outcome: { kind: "limit", limit: "throttled", message: `${LIMIT_DESCRIPTIONS.throttled}: gave up after ${throttledAttempts} attempts (${serviceError(e)})` } };
            }
            if (hint !== undefined && hint > MAX_RETRY_AFTER_MS) {
                return { kind: "outcome", outcome: { kind: "limit", limit: "throttled", message: `${LIMIT_DESCRIPTIONS.throttled}: the service asked to wait ${Math.round(hint / 1000)} s, more than the ${MAX_RETRY_AFTER_MS / 60_000} minutes a backtest waits (${serviceError(e)})` } };
            }
            // A hint of zero or a date in the past would send the attempts back to back: wait a second then.
            return { kind: "retry", waitMs: hint === undefined ? this.backoff(throttledAttempts) : hint > 0 ? hint : MIN_RETRY_WAIT_MS, throttled: true };
        }
        if (status === QUERY_API.timeoutStatus.value) return { kind: "outcome", outcome: { kind: "limit", limit: "time-out", message: `${LIMIT_DESCRIPTIONS["time-out"]}; it was given ${this.serverTimeout} s (--server-timeout)` } };
        if (status === 401 || status === 403) throw new WorkspaceAccessError(`the query API refused the credential (${status} ${serviceError(e)}); the principal needs the ${QUERY_ROLE.name} role (${QUERY_ROLE.permission}) on the workspace`);
        if (status === 404) throw new WorkspaceAccessError(`the query API knows no workspace ${this.target.id} (404 ${serviceError(e)}); give its workspace id or resource id (--workspace)`);
        if (status === 400) throw new QueryRefusedError(`the query API refused the query (400 ${serviceError(e)})`);
        const transient = status === undefined || status >= 500;
        if (!transient) throw new QueryRefusedError(`the query API answered ${status} (${serviceError(e)})`);
        if (transientAttempts >= this.retry.maxTransientAttempts) {
            throw new WorkspaceAccessError(`the query API could not be reached after ${transientAttempts} attempts (${status === undefined ? oneLine(e.message) : `${status} ${serviceError(e)}`})`);
        }
        return { kind: "retry", waitMs: this.backoff(transientAttempts), throttled: false };
    }

    private backoff(attempt: number): number {
        return Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    }

    /** Waits `ms` before this query's next attempt; a throttling pause also holds back every other query until it ends. */
    private async pause(ms: number, throttled: boolean): Promise<void> {
        if (throttled) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
        this.counters.waitedMs += ms;
        await this.sleep(ms, "retry");
    }

    private async waitForPause(): Promise<void> {
        const left = this.pausedUntil - Date.now();
        if (left > 0) {
            this.counters.waitedMs += left;
            await this.sleep(left, "paused");
        }
    }
}

/**
 * "If a workspace has no data in it, the API returns 204 No Content" (the Learn page on the query
 * API's time-outs and errors). `@azure/monitor-query-logs` 1.0.0 expects 200 and fails on the empty
 * body with a TypeError; this pipeline policy (the SDK's own extension point) hands such an answer on
 * as what it means, a result without tables, so every evaluation over it has no rows.
 */
const noDataPolicy: PipelinePolicy = {
    name: "logAnalyticsNoContentPolicy",
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
        const response = await next(request);
        return response.status === 204 ? { ...response, status: 200, bodyAsText: JSON.stringify({ tables: [] }) } : response;
    },
};

/** A value of a result cell as the evaluator holds it: datetimes (which the SDK makes `Date`s) as epoch milliseconds. */
function cellValue(v: unknown): EvalValue {
    if (v instanceof Date) return v.getTime();
    return v as EvalValue;
}

/** The primary table of a result as evaluator rows (column name to value). */
export function tableRows(table: LogsTable): EvalRow[] {
    const names = table.columnDescriptors.map((c) => c.name ?? "");
    return table.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, cellValue(row[i])])));
}

/** Sorts a query result into rows or the limit it names. */
function outcomeOf(result: LogsQueryResult): QueryOutcome {
    if (result.status === LogsQueryResultStatus.PartialFailure) {
        const texts = errorTexts(result.partialError as Parameters<typeof errorTexts>[0]);
        const limit = partialFailureLimit(texts);
        return { kind: "limit", limit, message: `${LIMIT_DESCRIPTIONS[limit]} (${texts.map(oneLine).filter((t) => t !== ":").join("; ").slice(0, 300)})` };
    }
    const primary = result.tables.find((t) => t.name === "PrimaryResult") ?? result.tables[0];
    return { kind: "rows", rows: primary ? tableRows(primary) : [] };
}
