/**
 * The backtest against a stand-in of the Log Analytics query API (test/support/logAnalyticsServer.ts:
 * TLS on 127.0.0.1, requests and answers validated against the vendored data-plane spec, answers
 * from the in-repo evaluator over a synthetic workspace), through Microsoft's real
 * `@azure/monitor-query-logs` client with a static token credential; the test certificate is
 * trusted through the SDK's pipeline option `tlsOptions.ca`.
 *
 * Asserted: the backtest's firings equal the replay's on the same fleet for every scenario; a 429
 * storm is ridden out, each wait the one the service asked for; a storm that never ends, a query
 * time-out and a result past the record limit are each reported by rule and time and named, the
 * other evaluations kept; a refused token, an unknown workspace stop the run with one message; an
 * interrupted run resumes from its checkpoint without querying an answered evaluation again.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { CheckpointFileError, checkpointPath, CheckpointWriter, evaluationKey, readCheckpoint, runFingerprint } from "../backtest/checkpoint";
import { evaluationQuery, planEvaluationList, runBacktest, type Evaluation } from "../backtest/run";
import { partialFailureLimit, retryAfterMs, WorkspaceAccessError, WorkspaceClient, type RetryPolicy, type WaitReason, type WorkspaceTarget } from "../backtest/workspace";
import { replay, type ReplayPlan } from "../replay/engine";
import { MIXED_PARTS_BY_PRIORITY, SCENARIOS } from "../replay/synthetic";
import { PARTIAL_FAILURE_TEXTS } from "../azure/queryApi";
import { startLogAnalyticsServer, type Fault, type LogAnalyticsServer, type ReceivedQuery } from "./support/logAnalyticsServer";
import { devPlan, syntheticWorkspace, type SyntheticWorkspace } from "./support/syntheticWorkspace";

const TOKEN = "test-token-for-the-stand-in";
const WORKSPACE_GUID = "7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const WORKSPACE_RESOURCE = "/subscriptions/3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-backtest";
const OPTIONS = { seed: 7, start: "2026-11-20T00:00:00Z", durationMinutes: 6 * 60, devicesPerHub: 30 };

/** A credential that always gives the same token (the stand-in accepts only that one). */
function staticCredential(token = TOKEN): TokenCredential {
    return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

const servers: LogAnalyticsServer[] = [];
afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(fleet: SyntheticWorkspace, fault?: (q: ReceivedQuery) => Fault | undefined): Promise<LogAnalyticsServer> {
    const server = await startLogAnalyticsServer({ workspaceId: WORKSPACE_GUID, resourceId: WORKSPACE_RESOURCE, token: TOKEN, rows: fleet.tableRows, ...(fault ? { fault } : {}) });
    servers.push(server);
    return server;
}

/** Waits recorded instead of slept (a query's own retries apart from pauses for another's throttling): the tests assert the waits asked for, without timing anything. */
function recordedSleep(): { sleep: (ms: number, reason: WaitReason) => Promise<void>; waits: number[]; paused: number[] } {
    const waits: number[] = [];
    const paused: number[] = [];
    return { waits, paused, sleep: async (ms, reason) => void (reason === "retry" ? waits : paused).push(ms) };
}

function client(server: LogAnalyticsServer, options: { target?: WorkspaceTarget; token?: string; retry?: RetryPolicy; sleep?: (ms: number, reason: WaitReason) => Promise<void> } = {}): WorkspaceClient {
    return new WorkspaceClient(options.target ?? { kind: "workspace-id", id: WORKSPACE_GUID }, staticCredential(options.token), {
        endpoint: server.endpoint,
        tls: { ca: server.ca },
        serverTimeoutSeconds: 120,
        ...(options.retry ? { retry: options.retry } : {}),
        sleep: options.sleep ?? recordedSleep().sleep,
    });
}

/** The evaluation a request is for: the rule whose bound query it is, and its time (the request's end). */
function evaluationOf(evaluations: readonly Evaluation[], q: ReceivedQuery): Evaluation | undefined {
    return evaluations.find((e) => e.t === q.to && evaluationQuery(e).query === q.query);
}

const replayed = (plan: ReplayPlan, fleet: SyntheticWorkspace) => replay(plan, fleet.replayRows, fleet.from, fleet.to);

describe("the backtest equals the replay", () => {
    let firingsSeen = 0;
    it.each(Object.keys(SCENARIOS))("on the %s scenario", async (name) => {
        // The mixture on three hubs (periodic and random disconnects on one, a mass disconnect, a periodic one), as a three-hub stack gets it.
        const spec = SCENARIOS[name](OPTIONS);
        const fleet = syntheticWorkspace(name === "mixed" ? { ...spec, hubs: spec.hubs.filter((h) => MIXED_PARTS_BY_PRIORITY.slice(0, 3).includes(h.name)) } : spec, 3);
        // Two rules over several evaluation periods, so the split into periods is compared too.
        const plan = devPlan(fleet.hubs, { "mass-disconnect": { windowSize: "PT1H", failingPeriods: { numberOfEvaluationPeriods: 3, minFailingPeriodsToAlert: 1 } } });
        const server = await serve(fleet);
        // The mixture is queried by the workspace's resource id, the other scenarios by its workspace id.
        const target: WorkspaceTarget = name === "mixed" ? { kind: "resource-id", id: WORKSPACE_RESOURCE } : { kind: "workspace-id", id: WORKSPACE_GUID };
        const evaluations = planEvaluationList(plan, fleet.from, fleet.to);
        const result = await runBacktest({ evaluations, query: (q) => client(server, { target }).query(q), concurrency: 4 });
        const expected = replayed(plan, fleet);
        expect(result.failures).toEqual([]);
        expect(result.firings).toEqual(expected.firings);
        expect([...result.perRule]).toEqual([...expected.perRule]);
        expect(server.violations).toEqual([]);
        expect(server.received).toHaveLength(evaluations.length);
        expect(new Set(server.received.map((q) => q.target.kind))).toEqual(new Set([target.kind]));
        // Prefer: wait= carries the server time-out.
        expect(server.received.every((q) => q.wait === 120)).toBe(true);
        firingsSeen += expected.firings.length;
    }, 120_000);
    it("compared scenarios that fire (not only empty lists)", () => {
        expect(firingsSeen).toBeGreaterThan(20);
    });
});

describe("limits and faults", () => {
    const fleet = syntheticWorkspace(SCENARIOS.symptom3({ ...OPTIONS, durationMinutes: 4 * 60 }), 4);
    const plan = devPlan(fleet.hubs);
    const evaluations = planEvaluationList(plan, fleet.from, fleet.to);
    const expected = replayed(plan, fleet);

    it("rides out a 429 storm, waiting what the service asks each time, and still answers every evaluation", async () => {
        // The first 60 requests are throttled, alternately with retry-after-ms and Retry-After (seconds).
        const server = await serve(fleet, (q) => (q.sequence <= 60 ? (q.sequence % 2 === 0 ? { kind: "throttle", retryAfterMs: 250 } : { kind: "throttle", retryAfterSeconds: 2 }) : undefined));
        const { sleep, waits, paused } = recordedSleep();
        const c = client(server, { sleep });
        const result = await runBacktest({ evaluations, query: (q) => c.query(q), concurrency: 5 });
        expect(result.failures).toEqual([]);
        expect(result.firings).toEqual(expected.firings);
        expect(server.statuses.get(429)).toBe(60);
        expect(c.counters.throttled).toBe(60);
        expect(c.counters.requests).toBe(evaluations.length + 60);
        // Each throttled attempt waited the service's hint (ms, or seconds x 1000) before trying again; the others held back meanwhile.
        expect(waits.filter((w) => w === 250)).toHaveLength(30);
        expect(waits.filter((w) => w === 2000)).toHaveLength(30);
        expect(waits).toHaveLength(60);
        expect(paused.length).toBeGreaterThan(0);
        expect(server.violations).toEqual([]);
    }, 60_000);

    it("reports an evaluation the service never stops throttling, by rule and time, and answers the others", async () => {
        const target = evaluations[10];
        const server = await serve(fleet, (q) => (evaluationOf(evaluations, q) === target ? { kind: "throttle" } : undefined));
        const { sleep, waits } = recordedSleep();
        const c = client(server, { sleep, retry: { maxThrottledAttempts: 4, maxTransientAttempts: 2, baseDelayMs: 100, maxDelayMs: 1_000 } });
        const result = await runBacktest({ evaluations, query: (q) => c.query(q), concurrency: 3 });
        expect(result.failures).toHaveLength(1);
        expect(result.failures[0]).toMatchObject({ rule: target.rule.name, evaluatedAt: new Date(target.t).toISOString(), limit: "throttled" });
        expect(result.failures[0].message).toMatch(/429.*gave up after 4 attempts/);
        // Without a hint the client backs off exponentially: 100, 200, 400 ms.
        expect(waits).toEqual([100, 200, 400]);
        expect(result.queried).toBe(evaluations.length);
    }, 60_000);

    it("reports a query time-out by rule and time, without retrying it, and keeps every other evaluation's firings", async () => {
        // The time-out hits an evaluation that fires, so its firings are missing from the result and nothing else is.
        const firing = expected.firings[0];
        const target = evaluations.find((e) => e.rule.name === firing.rule && new Date(e.t).toISOString() === firing.evaluatedAt) as Evaluation;
        const server = await serve(fleet, (q) => (evaluationOf(evaluations, q) === target ? { kind: "time-out" } : undefined));
        const result = await runBacktest({ evaluations, query: (q) => client(server).query(q), concurrency: 4 });
        expect(result.failures).toEqual([{ rule: target.rule.name, evaluatedAt: firing.evaluatedAt, limit: "time-out", message: expect.stringMatching(/504 Gateway Timeout.*600 s.*given 120 s/) }]);
        expect(server.received.filter((q) => evaluationOf(evaluations, q) === target)).toHaveLength(1);
        expect(result.firings).toEqual(expected.firings.filter((f) => !(f.rule === firing.rule && f.evaluatedAt === firing.evaluatedAt)));
        expect(server.violations).toEqual([]);
    }, 60_000);

    it("names a result past the record limit (a partial query failure) by rule and time", async () => {
        const server = await serve(fleet, () => ({ kind: "row-limit", limit: 0 }));
        const result = await runBacktest({ evaluations, query: (q) => client(server).query(q), concurrency: 4 });
        // Every evaluation that returned rows passed the limit of none; the others answered.
        const firingTimes = new Set(expected.firings.map((f) => `${f.rule}@${f.evaluatedAt}`));
        expect(result.failures.length).toBeGreaterThanOrEqual(firingTimes.size);
        expect(result.failures.every((f) => f.limit === "result-rows" && /500,000 records/.test(f.message) && f.message.includes(PARTIAL_FAILURE_TEXTS.rows))).toBe(true);
        expect(result.firings).toEqual([]);
        expect(server.violations).toEqual([]);
    }, 60_000);

    it("reads 204 No Content, the answer of a workspace without data, as no rows", async () => {
        const server = await serve(fleet, () => ({ kind: "no-data" }));
        const result = await runBacktest({ evaluations, query: (q) => client(server).query(q), concurrency: 4 });
        expect(result.failures).toEqual([]);
        expect(result.firings).toEqual([]);
        expect(server.statuses.get(204)).toBe(evaluations.length);
    }, 60_000);

    it("stops a run whose query the service refuses, naming the rule, the time and the service's innermost cause", async () => {
        const target = evaluations[5];
        const server = await serve(fleet, (q) => (evaluationOf(evaluations, q) === target ? { kind: "refuse" } : undefined));
        await expect(runBacktest({ evaluations, query: (q) => client(server).query(q), concurrency: 1 })).rejects.toThrow(
            `${target.rule.name} at ${new Date(target.t).toISOString()}: the query API refused the query (400 BadArgumentError: The request had some invalid properties; SemanticError: 'where' operator: Failed to resolve column`,
        );
    }, 60_000);

    it("caps the wait a throttled query honours: a hint past 10 minutes ends the evaluation as throttled, a hint of 0 still waits a second", async () => {
        const [long, zero] = [evaluations[3], evaluations[7]];
        let zeroes = 0;
        const server = await serve(fleet, (q) => {
            const e = evaluationOf(evaluations, q);
            if (e === long) return { kind: "throttle", retryAfterSeconds: 3600 };
            if (e === zero && zeroes++ < 2) return { kind: "throttle", retryAfterMs: 0 };
            return undefined;
        });
        const { sleep, waits } = recordedSleep();
        const c = client(server, { sleep });
        const result = await runBacktest({ evaluations, query: (q) => c.query(q), concurrency: 2 });
        expect(result.failures).toEqual([{ rule: long.rule.name, evaluatedAt: new Date(long.t).toISOString(), limit: "throttled", message: expect.stringMatching(/asked to wait 3600 s, more than the 10 minutes/) }]);
        expect(server.received.filter((q) => evaluationOf(evaluations, q) === long)).toHaveLength(1);
        expect(waits).toEqual([1000, 1000]);
    }, 60_000);

    it("stops with one message when the token is refused or the workspace is unknown", async () => {
        const server = await serve(fleet);
        const q = evaluationQuery(evaluations[0]);
        await expect(client(server, { token: "someone-else" }).query(q)).rejects.toThrow(/refused the credential \(403 InvalidAuthenticationToken.*Log Analytics Reader/);
        await expect(client(server, { target: { kind: "workspace-id", id: "00000000-0000-4000-8000-000000000000" } }).query(q)).rejects.toThrow(WorkspaceAccessError);
        await expect(runBacktest({ evaluations, query: (x) => client(server, { token: "someone-else" }).query(x), concurrency: 3 })).rejects.toThrow(/403/);
    }, 60_000);
});

describe("the checkpoint", () => {
    const fleet = syntheticWorkspace(SCENARIOS.symptom3({ ...OPTIONS, durationMinutes: 4 * 60 }), 5);
    const plan = devPlan(fleet.hubs);
    const evaluations = planEvaluationList(plan, fleet.from, fleet.to);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backtest-checkpoint-"));

    it("lets an interrupted run resume: no evaluation queried twice, none left out, the replay's firings", async () => {
        const server = await serve(fleet);
        const file = checkpointPath(path.join(dir, "firings.jsonl"));
        const fingerprint = runFingerprint({ run: "resume" });
        const abort = new AbortController();
        let answered = 0;
        const first = new CheckpointWriter(file, fingerprint, true);
        const partial = await runBacktest({
            evaluations,
            query: (q) => client(server).query(q),
            concurrency: 3,
            checkpoint: first,
            signal: abort.signal,
            onEvaluated: () => {
                if (++answered === 20) abort.abort();
            },
        });
        first.close();
        // Stopped after 20 answers (and the queries then in flight): the rest is not answered.
        expect(partial.queried).toBeGreaterThanOrEqual(20);
        expect(partial.queried).toBeLessThan(evaluations.length);
        expect(partial.unanswered).toBe(evaluations.length - partial.queried);
        const firstRun = server.received.length;
        // A kill can cut the last line short: it is ignored, and that evaluation is queried again.
        fs.appendFileSync(file, '{"rule":"cut sh');
        const { records, truncatedTail } = readCheckpoint(file, fingerprint);
        expect(truncatedTail).toBe(true);
        expect(records.size).toBe(partial.queried);
        const second = new CheckpointWriter(file, fingerprint, false);
        const resumed = await runBacktest({ evaluations, query: (q) => client(server).query(q), concurrency: 3, done: records, checkpoint: second });
        second.close();
        expect(resumed.resumed).toBe(records.size);
        expect(resumed.queried).toBe(evaluations.length - records.size);
        const queriedAgain = server.received.slice(firstRun).map((q) => evaluationOf(evaluations, q));
        expect(queriedAgain.some((e) => e === undefined || records.has(evaluationKey(e.rule.name, e.t)))).toBe(false);
        expect(new Set(server.received.map((q) => `${q.to}|${q.query}`)).size).toBe(evaluations.length);
        expect(resumed.firings).toEqual(replayed(plan, fleet).firings);
        // The checkpoint now holds every evaluation once, and its cut line is gone.
        expect(readCheckpoint(file, fingerprint)).toEqual({ records: expect.any(Map), truncatedTail: false });
        expect(readCheckpoint(file, fingerprint).records.size).toBe(evaluations.length);
    }, 60_000);

    it("cuts a line left short by a kill at its byte offset, after records with characters of several bytes", () => {
        const file = path.join(dir, "utf8.checkpoint.jsonl");
        const fingerprint = runFingerprint({ run: "utf8" });
        const first = new CheckpointWriter(file, fingerprint, true);
        first.append({ rule: "rule-ü", t: 0, failed: { limit: "time-out", message: "Zeitüberschreitung – 超时" } });
        first.close();
        fs.appendFileSync(file, '{"rule":"cut sh');
        const second = new CheckpointWriter(file, fingerprint, false);
        second.append({ rule: "rule-ü", t: 60_000, failed: { limit: "time-out", message: "again" } });
        second.close();
        const { records, truncatedTail } = readCheckpoint(file, fingerprint);
        expect(truncatedTail).toBe(false);
        expect([...records.keys()]).toEqual([evaluationKey("rule-ü", 0), evaluationKey("rule-ü", 60_000)]);
    });

    it("refuses a checkpoint of another run and a damaged one", () => {
        const file = path.join(dir, "other.checkpoint.jsonl");
        new CheckpointWriter(file, runFingerprint({ run: 1 }), true).close();
        expect(() => readCheckpoint(file, runFingerprint({ run: 2 }))).toThrow(/of another run/);
        fs.appendFileSync(file, "not json\n{}\n");
        expect(() => readCheckpoint(file, runFingerprint({ run: 1 }))).toThrow(CheckpointFileError);
        expect(() => new CheckpointWriter(file, runFingerprint({ run: 1 }), true)).toThrow(/EEXIST/);
    });
});

describe("reading the service's answers", () => {
    const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] });
    it("takes the retry hint in the order Azure's SDK reads it: retry-after-ms, x-ms-retry-after-ms, then Retry-After in seconds or as a date", () => {
        expect(retryAfterMs(headers({ "retry-after-ms": "1500", "retry-after": "9" }))).toBe(1500);
        expect(retryAfterMs(headers({ "x-ms-retry-after-ms": "20" }))).toBe(20);
        expect(retryAfterMs(headers({ "retry-after": "3" }))).toBe(3000);
        expect(retryAfterMs(headers({ "retry-after": "Fri, 20 Nov 2026 05:00:10 GMT" }), Date.parse("2026-11-20T05:00:00Z"))).toBe(10_000);
        expect(retryAfterMs(headers({ "retry-after": "soon" }))).toBeUndefined();
        expect(retryAfterMs(headers({}))).toBeUndefined();
    });
    it("names the limit of a partial failure by Kusto's documented texts", () => {
        expect(partialFailureLimit(["EngineError: The Kusto DataEngine has failed to execute a query: 'Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE).'"])).toBe("result-rows");
        expect(partialFailureLimit(["x", "Query result set has exceeded the internal data size limit 67108864 (E_QUERY_RESULT_SET_TOO_LARGE)."])).toBe("result-size");
        expect(partialFailureLimit(["The HashJoin operator has exceeded the memory budget during evaluation. Results might be incorrect or incomplete (E_RUNAWAY_QUERY)."])).toBe("memory");
        expect(partialFailureLimit(["PartialError: something else"])).toBe("partial-failure");
    });
});
