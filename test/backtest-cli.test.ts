/**
 * `npm run backtest` as a command, in child processes: without a workspace or a credential it ends
 * with one line; against the query API stand-in (signed in by `DefaultAzureCredential` through a
 * managed identity endpoint the stand-in serves, its TLS certificate trusted via NODE_EXTRA_CA_CERTS)
 * a run killed midway resumes from its checkpoint with `--resume`, queries no answered evaluation
 * again, and writes exactly the firings `npm run replay` writes for the same logs; its `--chart`
 * and `--truth` outputs are those of the replay's tools.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { checkpointPath, evaluationKey } from "../backtest/checkpoint";
import { evaluationQuery, planEvaluationList } from "../backtest/run";
import { timelineQuery } from "../backtest/timeline";
import { INGESTION_TIME_KEY, type InputRow } from "../kql/eval";
import { fleetHubPlans } from "../components/monitoring";
import { planReplay } from "../replay/plan";
import { generateForHubs, recordLines } from "../replay/synthetic";
import { truthJson } from "../replay/truth";
import { readStackSettings } from "../scripts/stackOutputs";
import { writeLines } from "../synthetic/writers";
import { startLogAnalyticsServer, type LogAnalyticsServer } from "./support/logAnalyticsServer";
import { ROOT } from "./support/runStack";

const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backtest-cli-"));
const WORKSPACE = "7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const TOKEN = "token-from-the-managed-identity-endpoint";
const IDENTITY_HEADER = "identity-header-secret";

/** The environment of a command: no Azure sign-in of this machine leaks in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(AZURE_|IDENTITY_|MSI_|IMDS_|NODE_EXTRA_CA_CERTS$)/.test(k)) env[k] = v;
    return { ...env, ...extra };
}

function npm(args: readonly string[], env = cleanEnv()): { code: number | null; out: string; err: string } {
    const r = spawnSync("npm", ["run", "-s", ...args], { cwd: ROOT, encoding: "utf8", env, timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("npm run backtest without what it needs", () => {
    it("ends with one line when no workspace is given", () => {
        const r = npm(["backtest"]);
        expect(r.code).toBe(1);
        expect(r.err.trim().split("\n")).toHaveLength(1);
        expect(r.err).toMatch(/^error: --workspace is required: the Log Analytics workspace to query/);
        expect(r.out).toBe("");
    });
    it("ends with one line when no credential can sign in", () => {
        // No sign-in of this machine reaches the child: empty Azure CLI and azd folders, and the managed identity endpoint on a closed local port.
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "backtest-no-credential-"));
        const isolated = cleanEnv({ HOME: empty, AZURE_CONFIG_DIR: empty, AZD_CONFIG_DIR: empty, AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9" });
        const r = npm(["backtest", "--", "--workspace", WORKSPACE, "--from", "2026-11-20T00:00:00Z", "--to", "2026-11-20T06:00:00Z"], isolated);
        fs.rmSync(empty, { recursive: true, force: true });
        expect(r.code).toBe(1);
        expect(r.err.trim().split("\n")).toHaveLength(1);
        expect(r.err).toMatch(/^error: no Azure credential could sign in .*az login.*managed identity.*Log Analytics Reader role/);
        expect(r.out).toBe("");
    });
});

describe("a killed backtest resumes", () => {
    const settings = readStackSettings(undefined, "dev");
    const hubs = fleetHubPlans(settings.fleet, "stack").map((p) => p.hubResourceId);
    const fleet = generateForHubs("symptom3", hubs, { seed: 2, start: "2026-11-20T00:00:00Z", durationMinutes: 6 * 60, devicesPerHub: 30 });
    const logs = path.join(tmp, "logs.jsonl");
    const truth = path.join(tmp, "truth.json");
    writeLines(logs, recordLines(fleet.records));
    fs.writeFileSync(truth, truthJson(fleet));
    // The workspace holds the export's rows, each ingested at its _TimeReceived.
    const rows: InputRow[] = fs
        .readFileSync(logs, "utf8")
        .trim()
        .split("\n")
        .map((line) => {
            const r = JSON.parse(line) as Record<string, string>;
            return { ...r, TimeGenerated: Date.parse(r.TimeGenerated), [INGESTION_TIME_KEY]: Date.parse(r._TimeReceived) } as InputRow;
        });
    const from = new Date(fleet.start).toISOString();
    const to = new Date(fleet.end + 15 * 60_000).toISOString();
    const evaluations = planEvaluationList(planReplay(settings), fleet.start, fleet.end + 15 * 60_000);
    const keyOfRequest = (query: string, end: number): string | undefined => {
        const e = evaluations.find((x) => x.t === end && evaluationQuery(x).query === query);
        return e && evaluationKey(e.rule.name, e.t);
    };
    const out = path.join(tmp, "firings.jsonl");
    const chart = path.join(tmp, "timeline.svg");
    let server: LogAnalyticsServer | undefined;
    afterAll(async () => server?.close());

    function backtest(extra: readonly string[], onStart?: (kill: () => void) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
        const s = server as LogAnalyticsServer;
        const env = cleanEnv({ NODE_EXTRA_CA_CERTS: s.caFile, IDENTITY_ENDPOINT: s.identityEndpoint, IDENTITY_HEADER });
        // node itself, not tsx's launcher: a SIGKILL must stop the process that runs the backtest, not a parent that leaves it running.
        const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "backtest.ts"), "--workspace", WORKSPACE, "--endpoint", s.endpoint, "--stack", "dev", "--from", from, "--to", to, "--out", out, "--concurrency", "2", ...extra], { cwd: ROOT, env });
        let err = "";
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        onStart?.(() => child.kill("SIGKILL"));
        return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, err })));
    }

    it("from its checkpoint, querying only what it had not answered, and writes the replay's firings", async () => {
        let kill: (() => void) | undefined;
        server = await startLogAnalyticsServer({
            workspaceId: WORKSPACE,
            resourceId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/unused",
            token: TOKEN,
            rows,
            managedIdentityHeader: IDENTITY_HEADER,
            onAnswered: (q) => {
                if (q.sequence === 40) kill?.();
            },
        });
        const first = await backtest([], (k) => (kill = k));
        expect(first.signal).toBe("SIGKILL");
        expect(fs.existsSync(out)).toBe(false);
        const checkpoint = checkpointPath(out);
        const kept = fs.readFileSync(checkpoint, "utf8").split("\n").slice(1).filter((l) => l.endsWith("}")).map((l) => JSON.parse(l) as { rule: string; t: number });
        const keptKeys = new Set(kept.map((r) => evaluationKey(r.rule, r.t)));
        expect(keptKeys.size).toBe(kept.length);
        expect(kept.length).toBeGreaterThan(30);
        expect(kept.length).toBeLessThan(evaluations.length);
        const firstRun = server.received.length;
        kill = undefined;

        // Without --resume the checkpoint is not overwritten.
        const refused = await backtest([]);
        expect(refused.code).toBe(1);
        expect(refused.err.trim()).toMatch(/^error: --out: an unfinished run left its checkpoint .*--resume/);
        expect(server.received.length).toBe(firstRun);

        const resumed = await backtest(["--resume", "--chart", chart, "--truth", truth]);
        expect(resumed.err).toContain(`${evaluations.length} evaluations: ${evaluations.length - kept.length} queried, ${kept.length} from the checkpoint`);
        expect(resumed.code).toBe(0);
        // The resumed run queried each evaluation the checkpoint lacked, none it held, and then the chart's rows (one day: one query).
        const again = server.received.slice(firstRun);
        const chartQuery = timelineQuery(planReplay(settings).hubs, fleet.start, fleet.end + 15 * 60_000).query;
        expect(again.filter((q) => q.query === chartQuery)).toHaveLength(1);
        const queriedAgain = again.filter((q) => q.query !== chartQuery).map((q) => keyOfRequest(q.query, q.to));
        expect(queriedAgain.filter((k) => k === undefined || keptKeys.has(k))).toEqual([]);
        expect(new Set([...keptKeys, ...queriedAgain]).size).toBe(evaluations.length);
        expect(fs.existsSync(checkpoint)).toBe(false);
        expect(server.violations).toEqual([]);

        // The same firings as npm run replay of the same logs over the same span.
        const replay = spawnSync(TSX, [path.join(ROOT, "scripts", "replay.ts"), "--logs", logs, "--stack", "dev", "--from", from, "--to", to], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
        expect(replay.status).toBe(0);
        expect(replay.stdout.length).toBeGreaterThan(0);
        expect(fs.readFileSync(out, "utf8")).toBe(replay.stdout);

        // The replay's output tools on the backtest's output: the timeline, and the confusion matrix against the truth file.
        const firings = replay.stdout.trim().split("\n").length;
        const svg = fs.readFileSync(chart, "utf8");
        expect(svg.match(/data-firing-rule=/g)).toHaveLength(firings);
        expect(svg).toMatch(/data-result="404104"/);
        expect(resumed.err).toMatch(/confusion matrix against the truth file:[\s\S]*mass-disconnect[\s\S]*\byes\b/);
        const matrix = npm(["matrix", "--", "--firings", out, "--truth", truth]);
        expect(matrix.code).toBe(0);
        expect(matrix.out).toMatch(/All 1 hubs correct\./);
    }, 180_000);
});
