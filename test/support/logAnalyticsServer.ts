/**
 * A stand-in for the Log Analytics query API on 127.0.0.1, for the backtest's tests: it speaks the
 * API's wire format as the vendored data-plane spec states it
 * (`specification/operationalinsights/data-plane/Microsoft.OperationalInsights/stable/2022-10-27/OperationalInsights.json`,
 * Azure/azure-rest-api-specs 598efa66665d, under test/fixtures/azure-specs/) and answers from the
 * in-repo KQL evaluator over a synthetic workspace.
 *
 * - Routes: `POST /v1/workspaces/{workspaceId}/query` (`Query_Execute`) and
 *   `POST /v1/{resourceId}/query` (`Query_ResourceExecute`), over TLS (Azure's SDK sends a bearer
 *   token over https only) with a certificate the test makes (test/support/tlsCertificate.ts).
 * - Every request is validated before it is answered: the body against `#/definitions/queryBody`,
 *   the `Prefer` header (`wait=<seconds>`, at most the API's 600), the bearer token, the path; a
 *   request the spec refuses is answered 400 and kept in `violations`, which every test expects
 *   empty. Every answer is validated against `#/definitions/queryResults` or
 *   `#/definitions/errorResponse` too; the one exception is the type of a row's cells, which the
 *   spec gives as `object` while the service sends JSON scalars (strings, numbers, booleans, null)
 *   and the SDK passes cells through as they come.
 * - Answers: the request's `timespan` (`start/end`) bounds the rows by `TimeGenerated` (inclusive,
 *   "in addition to any [time filter] in the query expression", as the spec says), the query runs on
 *   them, and the primary table is written as the service writes it: datetimes as ISO text,
 *   timespans as `[d.]hh:mm:ss[.fffffff]`, dynamic values as JSON text.
 * - Faults on demand: throttling (429 with `Retry-After` or `retry-after-ms`), the time-out (504, the
 *   status the Learn page on time-outs states), a workspace without data (204, the same page) and a
 *   result past a record limit (a partial query
 *   failure whose text is Kusto's documented one). The error codes of these answers are the
 *   server's own; the client recognizes limits by status and by Kusto's text, not by codes.
 *
 * - A token for child processes: `GET /msi/token` answers as App Service's managed identity endpoint
 *   does for `@azure/identity` (the `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` variables, which
 *   `DefaultAzureCredential` reads), so a backtest run as a command signs in with its real credential
 *   chain and gets the token the server accepts. This is test plumbing, not a rule of the query API.
 *
 * Speed: Microsoft's parser takes tens of milliseconds to analyze a detection's query, and a
 * backtest sends one query per evaluation, each the same but for its datetime literals. Like a
 * database's plan cache with auto-parameterization, the server compiles each query once with its
 * datetime literals written relative to `now()` (`datetime(L)` as `(now() - <N - L>ms)`) and runs
 * it with `now()` = N, the latest literal: the same value for every literal, so the same answer. A
 * query that calls `now()` or `ago()` itself is not rewritten: it runs at the server's clock.
 */
import * as https from "https";
import type { AddressInfo } from "net";
import { compileKql, formatTimespan, INGESTION_TIME_KEY, type CompiledKql, type EvalColumn, type EvalRow, type InputRow } from "../../kql/eval";
import { lowerBound } from "../../replay/engine";
import type { ReplayRow } from "../../replay/logs";
import { specValueViolations } from "./azureSpecs";
import { localhostCertificate } from "./tlsCertificate";

/** The vendored spec of the query API. */
export const QUERY_API_SPEC = "specification/operationalinsights/data-plane/Microsoft.OperationalInsights/stable/2022-10-27/OperationalInsights.json";

/** One query request the server received. */
export interface ReceivedQuery {
    /** Order of arrival, from 1. */
    readonly sequence: number;
    /** `workspace-id` or `resource-id`, and the id from the path. */
    readonly target: { readonly kind: "workspace-id" | "resource-id"; readonly id: string };
    readonly query: string;
    /** The request's `timespan`, epoch ms. */
    readonly from: number;
    readonly to: number;
    /** `Prefer: wait=` seconds, when sent. */
    readonly wait?: number;
}

/** What the server answers instead of the query's rows. */
export type Fault =
    | { readonly kind: "throttle"; readonly retryAfterMs?: number; readonly retryAfterSeconds?: number }
    | { readonly kind: "time-out" }
    /** 400 with an inner error, as the service refuses a query it cannot compile. */
    | { readonly kind: "refuse" }
    | { readonly kind: "no-data" }
    | { readonly kind: "row-limit"; readonly limit: number };

/** Options of {@link startLogAnalyticsServer}. */
export interface LogAnalyticsServerOptions {
    /** The workspace id (GUID) the server answers for. */
    readonly workspaceId: string;
    /** The workspace's resource id the server answers for (any case). */
    readonly resourceId: string;
    /** The bearer token it accepts. */
    readonly token: string;
    /** `AzureDiagnostics` rows, each with `$IngestionTime`. */
    readonly rows: readonly InputRow[];
    /** A fault for a request, or undefined to answer it; called once per request, in order. */
    readonly fault?: (request: ReceivedQuery) => Fault | undefined;
    /** The `X-IDENTITY-HEADER` secret `GET /msi/token` requires; without it the route does not exist. */
    readonly managedIdentityHeader?: string;
    /** Called after each request is answered (e.g. to stop a client after so many). */
    readonly onAnswered?: (request: ReceivedQuery) => void;
}

/** A running server. */
export interface LogAnalyticsServer {
    /** The managed identity token endpoint (`IDENTITY_ENDPOINT`), when `managedIdentityHeader` is set. */
    readonly identityEndpoint: string;
    /** The query endpoint, `https://127.0.0.1:<port>/v1`. */
    readonly endpoint: string;
    /** The certificate (PEM) to trust, and its file. */
    readonly ca: string;
    readonly caFile: string;
    /** Every query request received, in order. */
    readonly received: ReceivedQuery[];
    /** Requests and answers the spec refuses, with what was wrong: empty when all conformed. */
    readonly violations: string[];
    /** Answers given per status. */
    readonly statuses: Map<number, number>;
    close(): Promise<void>;
}

const KQL_DATETIME = /datetime\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\)/g;
const READS_CLOCK = /\b(now|ago)\s*\(/;

/** The query compiled once per shape (datetime literals relative to now()), and the now() to run it at; verbatim when it reads the clock. */
function plan(cache: Map<string, CompiledKql>, query: string): { compiled: CompiledKql; now: number } {
    const literals = READS_CLOCK.test(query) ? [] : [...query.matchAll(KQL_DATETIME)].map((m) => Date.parse(m[1]));
    const now = literals.length > 0 ? Math.max(...literals) : Date.now();
    const text = literals.length > 0 ? query.replace(KQL_DATETIME, (_, iso: string) => `(now() - ${now - Date.parse(iso)}ms)`) : query;
    let compiled = cache.get(text);
    if (!compiled) {
        compiled = compileKql(text);
        cache.set(text, compiled);
    }
    return { compiled, now };
}

/** A cell as the service writes it. */
function cell(value: EvalRow[string], type: EvalColumn["type"]): unknown {
    if (value === null) return null;
    if (type === "datetime") return new Date(value as number).toISOString();
    if (type === "timespan") return formatTimespan(value as number);
    if (type === "dynamic") return JSON.stringify(value);
    return value;
}

/** The query's primary table as the service writes it. */
function table(columns: readonly EvalColumn[], rows: readonly EvalRow[]): unknown {
    return { name: "PrimaryResult", columns: columns.map((c) => ({ name: c.name, type: c.type })), rows: rows.map((r) => columns.map((c) => cell(r[c.name] ?? null, c.type))) };
}

function errorBody(code: string, message: string, innererror?: { code: string; message: string }): unknown {
    return { error: { code, message, ...(innererror ? { innererror } : {}) } };
}

/** Starts the server on 127.0.0.1 (a free port). */
export async function startLogAnalyticsServer(options: LogAnalyticsServerOptions): Promise<LogAnalyticsServer> {
    const { cert, key, certFile } = localhostCertificate();
    // The rows by TimeGenerated (a stable sort), in the replay's row shape, to cut a timespan with its binary search.
    const rows: ReplayRow[] = options.rows
        .map((row) => ({ row: row as ReplayRow["row"], time: Number(row.TimeGenerated), visibleAt: Number(row[INGESTION_TIME_KEY]) }))
        .sort((a, b) => a.time - b.time);
    const received: ReceivedQuery[] = [];
    const violations: string[] = [];
    const statuses = new Map<number, number>();
    const cache = new Map<string, CompiledKql>();

    const answer = (res: import("http").ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
        const schema = status === 200 ? "/definitions/queryResults" : "/definitions/errorResponse";
        // The spec types a row's cells as objects; the service sends JSON scalars (see the module comment).
        const found = specValueViolations(QUERY_API_SPEC, schema, body, (at, keyword) => keyword === "type" && /^\/tables\/\d+\/rows\/\d+\/\d+$/.test(at));
        violations.push(...found.map((v) => `answer ${status}: ${v}`));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
        res.end(JSON.stringify(body));
    };

    const handle = (req: import("http").IncomingMessage, body: string, res: import("http").ServerResponse): void => {
        const url = new URL(req.url ?? "/", "https://127.0.0.1");
        if (req.method === "GET" && url.pathname === "/msi/token" && options.managedIdentityHeader !== undefined) {
            if (req.headers["x-identity-header"] !== options.managedIdentityHeader) {
                res.writeHead(401).end();
                return;
            }
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ access_token: options.token, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource: url.searchParams.get("resource"), token_type: "Bearer" }));
            return;
        }
        const route = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(url.pathname) ?? /^\/v1(\/subscriptions\/.+)\/query$/.exec(url.pathname);
        if (req.method !== "POST" || !route) return answer(res, 404, errorBody("PathNotFoundError", "The requested path does not exist"));
        const kind = url.pathname.startsWith("/v1/workspaces/") ? "workspace-id" : "resource-id";
        const id = decodeURIComponent(route[1]);
        // As the query API's error page answers: 401 without a token, 403 for a token it does not accept.
        if (req.headers.authorization === undefined) return answer(res, 401, errorBody("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."));
        if (req.headers.authorization !== `Bearer ${options.token}`) return answer(res, 403, errorBody("InvalidAuthenticationToken", "The access token is invalid."));
        const problems: string[] = [];
        if (!/^application\/json/.test(req.headers["content-type"] ?? "")) problems.push(`content-type ${req.headers["content-type"]}`);
        let parsed: unknown;
        try {
            parsed = JSON.parse(body);
        } catch {
            problems.push("the body is not JSON");
        }
        problems.push(...specValueViolations(QUERY_API_SPEC, "/definitions/queryBody", parsed));
        const prefer = req.headers.prefer;
        let wait: number | undefined;
        if (prefer !== undefined) {
            const m = /^wait=(\d+)$/.exec(String(prefer));
            if (!m || Number(m[1]) < 1 || Number(m[1]) > 600) problems.push(`Prefer: ${prefer} (allowed: wait=<1..600>)`);
            else wait = Number(m[1]);
        }
        const known = kind === "workspace-id" ? id === options.workspaceId : id.toLowerCase() === options.resourceId.toLowerCase();
        const request = parsed as { query?: string; timespan?: string };
        const span = /^([^/]+)\/([^/]+)$/.exec(request?.timespan ?? "");
        const from = span ? Date.parse(span[1]) : NaN;
        const to = span ? Date.parse(span[2]) : NaN;
        if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) problems.push(`timespan ${JSON.stringify(request?.timespan)} (the backtest sends an ISO 8601 interval start/end)`);
        if (problems.length > 0) {
            violations.push(...problems.map((p) => `request ${req.method} ${url.pathname}: ${p}`));
            return answer(res, 400, errorBody("BadArgumentError", problems.join("; ")));
        }
        if (!known) return answer(res, 404, errorBody("PathNotFoundError", "The requested path does not exist"));
        const q: ReceivedQuery = { sequence: received.length + 1, target: { kind, id }, query: String(request.query), from, to, ...(wait === undefined ? {} : { wait }) };
        received.push(q);
        const fault = options.fault?.(q);
        if (fault?.kind === "throttle") {
            const headers: Record<string, string> = {};
            if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
            if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
            answer(res, 429, errorBody("ThrottledError", "Your request was throttled; retry after the time in the Retry-After header."), headers);
        } else if (fault?.kind === "no-data") {
            // "If a workspace has no data in it, the API returns 204 No Content": no body to validate.
            statuses.set(204, (statuses.get(204) ?? 0) + 1);
            res.writeHead(204).end();
        } else if (fault?.kind === "refuse") {
            answer(res, 400, errorBody("BadArgumentError", "The request had some invalid properties", { code: "SemanticError", message: "'where' operator: Failed to resolve column or scalar expression named 'Nope'" }));
        } else if (fault?.kind === "time-out") {
            answer(res, 504, errorBody("GatewayTimeout", `The query ran longer than its time-out of ${wait ?? 180} seconds.`));
        } else {
            let result: { columns: readonly EvalColumn[]; rows: readonly EvalRow[] };
            try {
                const { compiled, now } = plan(cache, q.query);
                result = compiled.run({ AzureDiagnostics: rows.slice(lowerBound(rows, from), lowerBound(rows, to + 1)).map((r) => r.row) }, { now });
            } catch (e) {
                violations.push(`query ${q.sequence}: the evaluator refused it: ${(e as Error).message.split("\n")[0]}`);
                return answer(res, 400, errorBody("BadArgumentError", (e as Error).message.split("\n")[0]));
            }
            if (fault?.kind === "row-limit" && result.rows.length > fault.limit) {
                answer(res, 200, {
                    tables: [table(result.columns, result.rows.slice(0, fault.limit))],
                    error: {
                        code: "PartialError",
                        message: "There were some errors when processing your query.",
                        details: [{ code: "EngineError", message: `The Kusto DataEngine has failed to execute a query: 'Query result set has exceeded the internal record count limit ${fault.limit} (E_QUERY_RESULT_SET_TOO_LARGE).'` }],
                    },
                });
            } else {
                answer(res, 200, { tables: [table(result.columns, result.rows)] });
            }
        }
        options.onAnswered?.(q);
    };

    const server = https.createServer({ key, cert }, (req, res) => {
        let body = "";
        req.setEncoding("utf8");
        req.on("data", (chunk: string) => (body += chunk));
        req.on("end", () => handle(req, body, res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        endpoint: `https://127.0.0.1:${port}/v1`,
        identityEndpoint: `https://127.0.0.1:${port}/msi/token`,
        ca: cert,
        caFile: certFile,
        received,
        violations,
        statuses,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
