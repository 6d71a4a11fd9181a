/**
 * A table of bad invocations of the scripts, run as child processes the way a user runs them: each
 * must end within a bound with a non-zero exit, print one line (no stack frame) and leave no output
 * file; and a few good but unusual invocations (`--flag=value`, offsets) that must keep working.
 * Covers the scripts on the shared argument layer (scripts/cli.ts): synth, preview, build, matrix,
 * review, replay, and kql:check's empty inputs.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-bad-"));
fs.mkdirSync(path.join(tmp, "empty-folder"));
fs.writeFileSync(path.join(tmp, "empty.kql"), "\n");
fs.writeFileSync(path.join(tmp, "empty.jsonl"), "");
fs.writeFileSync(
    path.join(tmp, "other-metric.jsonl"),
    JSON.stringify({ TimeGenerated: "2026-11-20T00:00:00Z", _ResourceId: "x", MetricName: "d2c.telemetry.ingress.success", Minimum: 1, Average: 1, Maximum: 1 }) + "\n",
);
const OTHER_HUB = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-x/providers/Microsoft.Devices/IotHubs/hub-elsewhere";
fs.writeFileSync(
    path.join(tmp, "other-hub.jsonl"),
    JSON.stringify({ TimeGenerated: "2026-11-20T00:00:00Z", _ResourceId: OTHER_HUB, ResourceProvider: "MICROSOFT.DEVICES", ResourceType: "IOTHUBS", Category: "Connections", OperationName: "deviceDisconnect", Level: "Error", ResultType: "404104", ResultDescription: "DeviceConnectionClosedRemotely", properties_s: JSON.stringify({ deviceId: "d1" }) }) + "\n",
);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

function run(script: string, args: readonly string[], timeoutMs = 60_000): Run {
    const r = spawnSync(TSX, [path.join("scripts", script), ...args], { cwd: ROOT, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const out = (name: string): string => path.join(tmp, name);

/** [script, args, what the one error line must say, the output file that must not exist]. */
const BAD: readonly (readonly [string, readonly string[], RegExp, string?])[] = [
    ["synth.ts", ["--scenario", "symptom1", "--out", out("a.jsonl"), "--hours", "abc"], /^error: --hours: "abc" is not valid; allowed: a number from/, out("a.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("b.jsonl"), "--hours", "0"], /^error: --hours: "0" is not valid/, out("b.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("c.jsonl"), "--hours", "Infinity"], /^error: --hours: "Infinity" is not valid/, out("c.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("d.jsonl"), "--devices=-1"], /^error: --devices: "-1" is not valid; allowed: a whole number from 1 to 1000000$/, out("d.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("d2.jsonl"), "--devices", "-1"], /^error: --devices: a value starting with "-" is written --devices=<value>/, out("d2.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("e.jsonl"), "--devices", "2.5"], /^error: --devices: "2\.5" is not valid/, out("e.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("f.jsonl"), "--devices", "1e30"], /^error: --devices: "1e30" is not valid/, out("f.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("g.jsonl"), "--devices", "1000000", "--hours", "240"], /^error: --devices 1000000 x --hours 240 on 1 hub\(s\) is 240000000 device-hours; allowed: at most 2400000/, out("g.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("h.jsonl"), "--start", "tomorrow"], /^error: --start: "tomorrow" is not valid; allowed: an ISO 8601 time with an offset/, out("h.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("i.jsonl"), "--start", "2026-02-30T00:00:00Z"], /^error: --start: "2026-02-30T00:00:00Z" is not valid/, out("i.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("j.jsonl"), "--format", "xml"], /^error: --format: "xml" is not valid; allowed: jsonl, csv$/, out("j.jsonl")],
    ["synth.ts", ["--scenario", "symptom9", "--out", out("k.jsonl")], /^error: --scenario: "symptom9" is not valid; allowed: healthy, symptom1, symptom2, symptom3, mixed$/, out("k.jsonl")],
    ["synth.ts", ["--out", out("l.jsonl")], /^error: --scenario is required/, out("l.jsonl")],
    ["synth.ts", ["--scenario", "symptom1"], /^error: --out is required/],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("m.xml")], /^error: --out: ".*m\.xml" is not valid; allowed: a file ending \.jsonl, \.json, \.ndjson$/, out("m.xml")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("no-such-folder/n.jsonl")], /^error: --out: ".*n\.jsonl" is not valid; its folder .* does not exist or cannot be written$/],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("empty-folder")], /^error: --out: ".*empty-folder" is not valid; allowed: a file ending/],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("o.jsonl"), "--seed=-3"], /^error: --seed: "-3" is not valid/, out("o.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("p.jsonl"), "--hours", "1", "--hours", "2"], /^error: --hours is given twice; give it once/, out("p.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("q.jsonl"), "--minutes", "5"], /^error: Unknown option '--minutes'/, out("q.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("r.jsonl"), "--stack", "no-such"], /^error: Pulumi\.no-such\.yaml: no such stack file/, out("r.jsonl")],
    ["preview.ts", ["--stack"], /^error: Option '--stack <value>' argument missing/],
    ["preview.ts", ["--stack", "dev", "--stack", "prod"], /^error: --stack is given twice/],
    ["preview.ts", ["--stak", "prod"], /^error: Unknown option '--stak'/],
    ["preview.ts", ["extra"], /^error: Unexpected argument 'extra'/],
    ["build.ts", ["--out"], /^error: Option '--out <value>' argument missing/],
    ["confusion-matrix.ts", ["--sizes", "abc"], /^error: --sizes: "abc" is not valid; allowed: comma-separated whole numbers/],
    ["confusion-matrix.ts", ["--seed", "1.5"], /^error: --seed: "1\.5" is not valid/],
    ["review.ts", ["--stack", "dev", "--base", "no-such-ref", "--out", out("r1.md")], /^error: --base: "no-such-ref" is not a commit, branch or tag of this repository/, out("r1.md")],
    ["review.ts", ["--stack", "dev", "--out", out("empty-folder")], /^error: --out: ".*empty-folder" is not valid; allowed: a file ending \.md, \.markdown, \.txt$/],
    ["review.ts", ["--stack", "dev", "--out", out("no-such-folder/r2.md")], /^error: --out: ".*r2\.md" is not valid; its folder .* does not exist or cannot be written$/],
    ["review.ts", ["--stack", "dev", "--devices", "1e30", "--out", out("r3.md")], /^error: --devices: "1e30" is not valid; allowed: a whole number from 1 to 1000000$/, out("r3.md")],
    ["review.ts", ["--stack", "dev", "--bytes-per-row", "abc"], /^error: --bytes-per-row: "abc" is not valid/],
    ["review.ts", ["--base", "HEAD"], /^error: --stack is required/],
    ["replay.ts", ["--logs", path.join(tmp, "empty.jsonl")], /^error: .*empty\.jsonl: no row to replay \(0 rows read\); nothing replayed$/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl")], /^error: .*other-hub\.jsonl: no row is of a hub stack "dev" monitors; the file has rows of .*hub-elsewhere: replay with a stack file whose hubs list them/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--chart", "/proc/x.svg"], /^error: --chart: "\/proc\/x\.svg" is not valid; \/proc is a kernel or device folder/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--chart", out("c.png")], /^error: --chart: ".*c\.png" is not valid; allowed: a file ending \.svg, \.html$/, out("c.png")],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--chart", out("no-such-folder/c.svg")], /^error: --chart: ".*c\.svg" is not valid; its folder .* does not exist/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--ingestion-delay", "P9999D"], /^error: --ingestion-delay: "P9999D" is not valid; allowed: an ISO 8601 duration from PT0M to P1D/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--from", "yesterday"], /^error: --from: "yesterday" is not an ISO 8601 time/],
    ["replay.ts", [], /^error: --logs is required/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--stack", "dev", "--metrics", path.join(tmp, "other-metric.jsonl")], /^error: .*(no row is of a hub|--metrics: .*other-metric\.jsonl holds d2c\.telemetry\.ingress\.success, not connectedDeviceCount)/],
    ["kql-check.ts", [path.join(tmp, "empty.kql")], /the file is empty; a \.kql file holds one query \[empty\]$/],
    ["kql-check.ts", [path.join(tmp, "empty-folder")], /the folder holds no \.kql files; nothing to check \[empty\]$/],
];

describe("bad invocations: a non-zero exit within a minute, one line, no stack frame, no output file", () => {
    it.each(BAD.map((b) => [`${b[0]} ${b[1].map((x) => x.replace(tmp, "<tmp>")).join(" ")}`, b] as const))("%s", (_, [script, args, message, file]) => {
        const r = run(script, args);
        expect(r.status, r.stderr).not.toBe(0);
        expect(r.status).not.toBeNull();
        const text = script === "kql-check.ts" ? r.stdout : r.stderr;
        const lines = text.trim().split("\n");
        if (script !== "kql-check.ts") expect(lines, text).toHaveLength(1);
        expect(lines[0], text).toMatch(message);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        if (file !== undefined) expect(fs.existsSync(file)).toBe(false);
        expect(fs.readdirSync(tmp).filter((f) => f.includes(".tmp"))).toEqual([]);
    });
});

describe("good but unusual invocations keep working", () => {
    it("synth takes --flag=value, an offset start and a short span, and writes the file whole", () => {
        const file = out("good.jsonl");
        const r = run("synth.ts", ["--scenario=healthy", `--out=${file}`, "--hours=0.5", "--devices=5", "--start=2026-11-20T01:00:00+01:00"]);
        expect(r.status, r.stderr).toBe(0);
        const lines = fs.readFileSync(file, "utf8").trim().split("\n");
        expect(lines.length).toBeGreaterThan(0);
        for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    });
    it("preview takes --stack=prod", () => {
        const r = run("preview.ts", ["--stack=prod"]);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain('Offline preview of stack "prod"');
    });
});
