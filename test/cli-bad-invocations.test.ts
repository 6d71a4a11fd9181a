/**
 * A table of bad invocations of the scripts, run as child processes the way a user runs them: each
 * must end within a bound with a non-zero exit, print one line (no stack frame) and leave no output
 * file; and a few good but unusual invocations (`--flag=value`, offsets) that must keep working.
 * Covers every script on the shared argument layer (scripts/cli.ts): synth, preview, build, matrix,
 * review, replay, backtest, bench, kql:check and chart-check, each flag's edge values, the runner's one-line
 * errors (the stack only with --verbose), and a signal during a replay.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-bad-"));
fs.mkdirSync(path.join(tmp, "empty-folder"));
fs.mkdirSync(path.join(tmp, "not-a-build"));
fs.writeFileSync(path.join(tmp, "empty.kql"), "\n");
fs.writeFileSync(path.join(tmp, "empty.jsonl"), "");
fs.writeFileSync(path.join(tmp, "blank-lines.jsonl"), "\n\n   \r\n\n");
fs.writeFileSync(
    path.join(tmp, "other-metric.jsonl"),
    JSON.stringify({ TimeGenerated: "2026-11-20T00:00:00Z", _ResourceId: "x", MetricName: "d2c.telemetry.ingress.success", Minimum: 1, Average: 1, Maximum: 1 }) + "\n",
);
const OTHER_HUB = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-x/providers/Microsoft.Devices/IotHubs/hub-elsewhere";
fs.writeFileSync(
    path.join(tmp, "other-hub.jsonl"),
    JSON.stringify({ TimeGenerated: "2026-11-20T00:00:00Z", _ResourceId: OTHER_HUB, ResourceProvider: "MICROSOFT.DEVICES", ResourceType: "IOTHUBS", Category: "Connections", OperationName: "deviceDisconnect", Level: "Error", ResultType: "404104", ResultDescription: "DeviceConnectionClosedRemotely", properties_s: JSON.stringify({ deviceId: "d1" }) }) + "\n",
);

const DEV_HUB = "/subscriptions/3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c/resourceGroups/rg-iot-dev/providers/Microsoft.Devices/IotHubs/contoso-iot-dev";
const devRow = (time: string, device: string): Record<string, string> => ({
    TimeGenerated: time,
    _ResourceId: DEV_HUB.toLowerCase(),
    ResourceProvider: "MICROSOFT.DEVICES",
    ResourceType: "IOTHUBS",
    Category: "Connections",
    OperationName: "deviceDisconnect",
    Level: "Error",
    ResultType: "404104",
    ResultDescription: "DeviceConnectionClosedRemotely",
    properties_s: JSON.stringify({ deviceId: device }),
});
const devRows = [devRow("2026-11-20T06:00:00Z", "d1"), devRow("2026-11-20T07:00:00Z", "d2"), devRow("2026-11-20T08:00:00Z", "d1")];
fs.writeFileSync(path.join(tmp, "dev-hub.jsonl"), devRows.map((r) => JSON.stringify(r)).join("\n") + "\n");
// Good but unusual exports: a byte-order mark and CRLF line ends, in JSON Lines and in CSV.
fs.writeFileSync(path.join(tmp, "bom-crlf.jsonl"), "\uFEFF" + devRows.map((r) => JSON.stringify(r)).join("\r\n") + "\r\n");
const columns = Object.keys(devRows[0]);
const csvCell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
fs.writeFileSync(path.join(tmp, "bom-crlf.csv"), "\uFEFF" + [columns.join(","), ...devRows.map((r) => columns.map((c) => csvCell(r[c])).join(","))].join("\r\n") + "\r\n");
fs.writeFileSync(path.join(tmp, "not-a-build", "keep.txt"), "");
fs.writeFileSync(path.join(tmp, "as-chart.html"), devRows.map((r) => JSON.stringify(r)).join("\n") + "\n");
fs.writeFileSync(path.join(tmp, "stray-1970.jsonl"), [devRow("1970-01-01T00:00:00Z", "d9"), ...devRows].map((r) => JSON.stringify(r)).join("\n") + "\n");
fs.writeFileSync(path.join(tmp, "received-before.jsonl"), JSON.stringify({ ...devRows[0], _TimeReceived: "2026-11-20T05:00:00Z" }) + "\n");
fs.writeFileSync(path.join(tmp, "null-metrics.jsonl"), JSON.stringify({ TimeGenerated: "2026-11-20T06:00:00Z", _ResourceId: DEV_HUB.toLowerCase(), Minimum: null, Average: " ", Maximum: 10 }) + "\n");
fs.writeFileSync(path.join(tmp, "other-hub-metrics.jsonl"), JSON.stringify({ TimeGenerated: "2026-11-20T06:00:00Z", _ResourceId: OTHER_HUB.toLowerCase(), Minimum: 10, Average: 10, Maximum: 10 }) + "\n");
fs.writeFileSync(path.join(tmp, "bad-hub-id.jsonl"), JSON.stringify({ ...devRows[0], _ResourceId: "x" }) + "\n");
fs.writeFileSync(path.join(tmp, "comments.kql"), "// a comment\n// and another\n");
fs.writeFileSync(path.join(tmp, "lets.kql"), "let x = 1;\nlet y = 2;\n");
execFileSync("mkfifo", [path.join(tmp, "fifo.jsonl"), path.join(tmp, "fifo.kql")]);
fs.symlinkSync("/proc", path.join(tmp, "link-to-proc"));

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
const WORKSPACE_GUID = "7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

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
    ["synth.ts", ["--scenario", "symptom1", "--out", out("q.jsonl"), "--minutes", "5"], /^error: --minutes is not a flag of this command; allowed: --scenario, --out, --stack, --hours, --devices, --seed, --start, --format, --dir, --truth, --verbose; usage: npm run synth/, out("q.jsonl")],
    ["synth.ts", ["--scenario", "symptom1", "--out", out("r.jsonl"), "--stack", "no-such"], /^error: Pulumi\.no-such\.yaml: no such stack file/, out("r.jsonl")],
    ["preview.ts", ["--stack"], /^error: Option '--stack <value>' argument missing/],
    ["preview.ts", ["--stack", "dev", "--stack", "prod"], /^error: --stack is given twice/],
    ["preview.ts", ["--stak", "prod"], /^error: --stak is not a flag of this command; allowed: --stack, --dir, --verbose; usage: npm start/],
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
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--evaluation", "fast"], /^error: --evaluation: "fast" is not valid; allowed: incremental, full$/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--workers", "0"], /^error: --workers: "0" is not valid; allowed: a whole number from 1 to 64$/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl")], /^error: .*other-hub\.jsonl: no row is of a hub stack "dev" monitors; the file has rows of .*hub-elsewhere: replay with a stack file whose hubs list them/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--chart", "/proc/x.svg"], /^error: --chart: "\/proc\/x\.svg" is not valid; \/proc is a kernel or device folder/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--chart", out("c.png")], /^error: --chart: ".*c\.png" is not valid; allowed: a file ending \.svg, \.html$/, out("c.png")],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--chart", out("no-such-folder/c.svg")], /^error: --chart: ".*c\.svg" is not valid; its folder .* does not exist/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--ingestion-delay", "P9999D"], /^error: --ingestion-delay: "P9999D" is not valid; allowed: an ISO 8601 duration from PT0M to P1D/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--from", "yesterday"], /^error: --from: "yesterday" is not valid; allowed: an ISO 8601 time with an offset/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--from", "2026-11-20T06:30:00"], /^error: --from: "2026-11-20T06:30:00" is not valid; allowed: an ISO 8601 time with an offset/],
    ["replay.ts", ["--logs", path.join(tmp, "fifo.jsonl")], /^error: .*fifo\.jsonl: cannot be read \(it is not a regular file \(a folder, pipe or device\)\)$/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--chart", path.join(tmp, "dev-hub.jsonl")], /^error: --chart: ".*dev-hub\.jsonl" is not valid; allowed: a file ending \.svg, \.html$/],
    ["replay.ts", ["--logs", path.join(tmp, "as-chart.html"), "--chart", path.join(tmp, "as-chart.html")], /^error: --chart: ".*as-chart\.html" is not valid; it is the export being replayed, which the chart would overwrite$/],
    ["replay.ts", ["--logs", path.join(tmp, "stray-1970.jsonl")], /^error: .*stray-1970\.jsonl: the span to replay, 1970-01-01T00:00:00\.000Z \.\. 2026-11-20T08:00:00\.000Z, is \d+ days; allowed: at most 31 days in one replay/],
    ["replay.ts", ["--logs", path.join(tmp, "received-before.jsonl")], /^error: .*received-before\.jsonl: no row to replay \(1 rows read, 1 malformed, the first at line 1: _TimeReceived "2026-11-20T05:00:00Z" is before TimeGenerated "2026-11-20T06:00:00Z": a row cannot arrive before it happened\); nothing replayed$/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--metrics", path.join(tmp, "null-metrics.jsonl")], /^error: --metrics: .*null-metrics\.jsonl holds no connectedDeviceCount sample \(1 rows read\)/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--metrics", path.join(tmp, "other-hub-metrics.jsonl")], /^error: --metrics: .*other-hub-metrics\.jsonl holds no sample of a hub stack "dev" monitors \(it has .*hub-elsewhere\)$/],
    ["replay.ts", ["--logs", path.join(tmp, "bad-hub-id.jsonl"), "--all-hubs", "dev"], /^error: .*bad-hub-id\.jsonl: --all-hubs cannot monitor the _ResourceId "x" found in the file; allowed: a resource id of the form/],
    ["preview.ts", ["--stack", "-h"], /^error: --stack: a value starting with "-" is written --stack=<value>/],
    ["confusion-matrix.ts", ["--seed", "1,2"], /^error: --seed: "1,2" is not valid; allowed: a whole number from 1 to 4294967295$/],
    ["kql-check.ts", [path.join(tmp, "comments.kql")], /the file holds only comments; a \.kql file holds one query \[empty\]$/],
    ["kql-check.ts", [path.join(tmp, "lets.kql")], /the file holds only let statements; a \.kql file ends with the query they feed \[empty\]$/],
    ["kql-check.ts", [path.join(tmp, "fifo.kql")], /cannot read the file \(it is not a regular file \(a folder, pipe or device\)\) \[io\]$/],
    ["chart-check.ts", ["--out", path.join(tmp, "link-to-proc", "cc")], /^error: --out: ".*link-to-proc\/cc" is not valid; \/proc\/cc is a kernel or device folder/],
    ["replay.ts", [], /^error: --logs is required/],
    ["replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--stack", "dev", "--metrics", path.join(tmp, "other-metric.jsonl")], /^error: .*(no row is of a hub|--metrics: .*other-metric\.jsonl holds d2c\.telemetry\.ingress\.success, not connectedDeviceCount)/],
    // Edge values of every flag: one step outside each end of its range.
    ["synth.ts", ["--scenario", "healthy", "--out", out("s1.jsonl"), "--hours", "240.5"], /^error: --hours: "240\.5" is not valid; allowed: a number from 0\.01667 to 240$/, out("s1.jsonl")],
    ["synth.ts", ["--scenario", "healthy", "--out", out("s2.jsonl"), "--hours", "0.01"], /^error: --hours: "0\.01" is not valid/, out("s2.jsonl")],
    ["synth.ts", ["--scenario", "healthy", "--out", out("s3.jsonl"), "--devices", "0"], /^error: --devices: "0" is not valid; allowed: a whole number from 1 to 1000000$/, out("s3.jsonl")],
    ["synth.ts", ["--scenario", "healthy", "--out", out("s4.jsonl"), "--devices", "1000001"], /^error: --devices: "1000001" is not valid/, out("s4.jsonl")],
    ["synth.ts", ["--scenario", "healthy", "--out", out("s5.jsonl"), "--seed", "4294967296"], /^error: --seed: "4294967296" is not valid; allowed: a whole number from 0 to 4294967295$/, out("s5.jsonl")],
    ["synth.ts", ["--scenario", "healthy", "--out", out("s6.jsonl"), "--start", "2026-11-20T00:00:00"], /^error: --start: "2026-11-20T00:00:00" is not valid; allowed: an ISO 8601 time with an offset/, out("s6.jsonl")],
    ["synth.ts", ["--scenario", "healthy", "--out", out("s7.jsonl"), "--verbose=yes"], /^error: Option '--verbose' does not take an argument/, out("s7.jsonl")],
    ["synth.ts", ["--scenario", "healthy", "--out", "/proc/s8.jsonl"], /^error: --out: "\/proc\/s8\.jsonl" is not valid; \/proc is a kernel or device folder/],
    ["preview.ts", ["--dir", path.join(tmp, "no-such-folder")], /^error: .*no-such-folder\/Pulumi\.yaml: cannot be read \(no such file\)$/],
    ["preview.ts", ["--stack", "../etc/passwd"], /^error: --stack: "\.\.\/etc\/passwd" is not a stack name/],
    ["build.ts", ["--out", "/proc/b"], /^error: --out: "\/proc\/b" is not valid; \/proc\/b is a kernel or device folder/],
    ["build.ts", ["--out", path.join(tmp, "not-a-build")], /^error: --out: ".*not-a-build" is not valid; it is a folder that holds other files \(no \.iothub-404104-build\)/],
    ["build.ts", ["--out", path.join(tmp, "empty.kql")], /^error: --out: ".*empty\.kql" is not valid; allowed: a folder \(it is a file\)$/],
    ["build.ts", ["--out", path.join(tmp, "no-such-folder", "deeper")], /^error: --out: ".*deeper" is not valid; .*no-such-folder does not exist or cannot be written$/],
    ["confusion-matrix.ts", ["--sizes", "0"], /^error: --sizes: "0" is not valid/],
    ["confusion-matrix.ts", ["--sizes", "100,10000000"], /^error: --sizes: "100,10000000" is not valid; allowed: comma-separated whole numbers from 1 to 9999999/],
    ["confusion-matrix.ts", ["--seed", "0"], /^error: --seed: "0" is not valid/],
    ["review.ts", ["--stack", "dev", "--devices", "0"], /^error: --devices: "0" is not valid; allowed: a whole number from 1 to 1000000$/],
    ["review.ts", ["--stack", "dev", "--devices", "1000001"], /^error: --devices: "1000001" is not valid/],
    ["review.ts", ["--stack", "dev", "--events-per-device-per-day=-1"], /^error: --events-per-device-per-day: "-1" is not valid; allowed: a number from 0\.001 to 100000$/],
    ["review.ts", ["--stack", "dev", "--events-per-device-per-day", "100001"], /^error: --events-per-device-per-day: "100001" is not valid/],
    ["review.ts", ["--stack", "dev", "--bytes-per-row", "0"], /^error: --bytes-per-row: "0" is not valid/],
    ["review.ts", ["--stack", "dev", "--out", "/proc/r.md"], /^error: --out: "\/proc\/r\.md" is not valid; \/proc is a kernel or device folder/],
    ["replay.ts", ["--logs", path.join(tmp, "blank-lines.jsonl")], /^error: .*blank-lines\.jsonl: no row to replay \(0 rows read\); nothing replayed$/],
    ["replay.ts", ["--logs", path.join(tmp, "no-such.jsonl")], /^error: .*no-such\.jsonl: cannot be read \(no such file\)$/],
    ["replay.ts", ["--logs", path.join(tmp, "empty-folder")], /^error: .*empty-folder: cannot be read \(it is not a regular file \(a folder, pipe or device\)\)$/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--from", "2026-11-21T00:00:00Z"], /^error: --from \(2026-11-21T00:00:00Z\) is after the last row of the file \(2026-11-20T08:00:00\.000Z\); nothing to replay$/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--to", "2026-11-19T00:00:00Z"], /^error: .*dev-hub\.jsonl: no row in the span asked for \(the start \.\. 2026-11-19T00:00:00Z\); the file's rows run from/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--from", "2026-11-20T07:00:00Z", "--to", "2026-11-20T07:00:00Z"], /^error: --to \(2026-11-20T07:00:00Z\) must be after --from \(2026-11-20T07:00:00Z\)$/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--ingestion-delay", "P1DT1S"], /^error: --ingestion-delay: "P1DT1S" is not valid; allowed: an ISO 8601 duration from PT0M to P1D/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--ingestion-delay", "5 minutes"], /^error: --ingestion-delay: "5 minutes" is not valid/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--all-hubs", "test"], /^error: --all-hubs: "test" is not valid; allowed: dev, staging, prod$/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--all-hubs", "prod", "--stack", "dev"], /^error: --all-hubs replays every hub found in the file with a profile's defaults; give it without --stack and --dir$/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--all-hubs", "prod", "--metrics", path.join(tmp, "other-metric.jsonl")], /^error: --metrics needs a stack file/],
    ["replay.ts", ["--logs", path.join(tmp, "dev-hub.jsonl"), "--chart", path.join(tmp, "empty-folder")], /^error: --chart: ".*empty-folder" is not valid; allowed: a file ending \.svg, \.html$/],
    ["bench.ts", ["--devices", "0"], /^error: --devices: "0" is not valid; allowed: a whole number from 1 to 1000000$/],
    ["bench.ts", ["--hours", "49"], /^error: --hours: "49" is not valid; allowed: a number from 0\.25 to 48$/],
    ["bench.ts", ["--workers", "0"], /^error: --workers: "0" is not valid; allowed: a whole number from 1 to 64$/],
    ["bench.ts", ["--workers", "65"], /^error: --workers: "65" is not valid/],
    ["bench.ts", ["--runs", "0"], /^error: --runs: "0" is not valid; allowed: a whole number from 1 to 20$/],
    ["bench.ts", ["--runs", "2.5"], /^error: --runs: "2.5" is not valid; allowed: a whole number from 1 to 20$/],
    ["vendor-kusto-docs.ts", [], /^error: --git-dir is required; usage: npm run kusto-docs:vendor/],
    ["vendor-kusto-docs.ts", ["--git-dir", tmp], /^error: --git-dir ".*": not a commit of a git directory \(git: fatal: not a git repository/],
    ["bench.ts", ["--devices", "10000,0"], /^error: --devices: "0" is not valid; allowed: a whole number from 1 to 1000000$/],
    ["bench.ts", ["--hubs", "1,0"], /^error: --hubs: "0" is not valid; allowed: a whole number from 1 to 1000$/],
    ["bench.ts", ["--devices", "1000000", "--hours", "24"], /^error: --devices 1000000 x --hours 24 on 1 hub\(s\) is 24000000 device-hours; allowed: at most 2400000/],
    ["bench.ts", ["--compare=yes"], /^error: Option '--compare' does not take an argument/],
    ["chart-check.ts", ["--out", path.join(tmp, "empty.kql")], /^error: --out: ".*empty\.kql" is not valid; allowed: a folder \(it is a file\)$/],
    ["chart-check.ts", ["--out", "/sys/c"], /^error: --out: "\/sys\/c" is not valid; \/sys\/c is a kernel or device folder/],
    ["chart-check.ts", ["--chromium"], /^error: Option '--chromium <value>' argument missing/],
    ["chart-check.ts", ["--png", "x"], /^error: --png is not a flag of this command; allowed: --out, --chromium, --verbose; usage: /],
    ["kql-check.ts", ["--fix"], /^error: --fix is not a flag of this command; allowed: --verbose; usage: npm run kql:check/],
    ["../test/fixtures/cli/unexpected-error.ts", [], /^error: Cannot read properties of undefined \(reading 'rows'\) \(an unexpected error; run again with --verbose for its stack\)$/],
    // The backtest refuses every bad flag before signing in (a run without a credential is tested in backtest-cli.test.ts).
    ["backtest.ts", ["--workspace", "law-prod", "--from", "2026-11-20T00:00:00Z", "--to", "2026-11-21T00:00:00Z"], /^error: --workspace: "law-prod" is not valid; allowed: the workspace id \(a GUID/],
    ["backtest.ts", ["--workspace", WORKSPACE_GUID, "--from", "2026-11-20T00:00:00Z", "--to", "2999-01-01T00:00:00Z"], /^error: --to: "2999-01-01T00:00:00Z" is not valid; allowed: a time in the past/],
    ["backtest.ts", ["--workspace", WORKSPACE_GUID, "--from", "2026-11-20T00:00:00Z", "--to", "2026-11-21T00:00:00Z", "--resume"], /^error: --resume needs --out/],
    ["backtest.ts", ["--workspace", WORKSPACE_GUID, "--from", "2026-11-20T00:00:00Z", "--to", "2026-11-21T00:00:00Z", "--rules", "slow-disconnect"], /^error: --rules: "slow-disconnect" is not valid; allowed: detection ids of the stack \(periodic-disconnect, random-disconnect, mass-disconnect, link-conflict\)/],
    ["backtest.ts", ["--workspace", WORKSPACE_GUID, "--from", "2026-11-20T00:00:00Z", "--to", "2026-11-21T00:00:00Z", "--endpoint", "http://127.0.0.1/v1"], /^error: --endpoint: "http:\/\/127\.0\.0\.1\/v1" is not valid; allowed: an https:\/\/ URL of the query API/],
    ["backtest.ts", ["--workspace", WORKSPACE_GUID, "--from", "2026-11-20T00:00:00Z", "--to", "2026-11-21T00:00:00Z", "--truth", out("no-truth.json")], /^error: .*no-truth\.json: cannot be read as JSON \(ENOENT\)/],
    ["confusion-matrix.ts", ["--firings", out("f.jsonl")], /^error: --firings and --truth go together/],
    ["kql-check.ts", [path.join(tmp, "empty.kql")], /the file is empty; a \.kql file holds one query \[empty\]$/],
    ["kql-check.ts", [path.join(tmp, "empty-folder")], /the folder holds no \.kql files; nothing to check \[empty\]$/],
];

describe("bad invocations: a non-zero exit within a minute, one line, no stack frame, no output file", () => {
    it.each(BAD.map((b) => [`${b[0]} ${b[1].map((x) => x.replace(tmp, "<tmp>")).join(" ")}`, b] as const))("%s", (_, [script, args, message, file]) => {
        const r = run(script, args);
        expect(r.status, r.stderr).not.toBe(0);
        expect(r.status).not.toBeNull();
        // kql:check prints its findings on stdout, one per line; a usage error goes to stderr like every script's.
        const text = script === "kql-check.ts" && r.stderr.startsWith("kql-check:") ? r.stdout : r.stderr;
        const lines = text.trim().split("\n");
        if (text === r.stderr) expect(lines, text).toHaveLength(1);
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
    it("replay reads exports with a byte-order mark and CRLF line ends (JSON Lines and CSV), with --flag=value and offset times", () => {
        for (const file of ["bom-crlf.jsonl", "bom-crlf.csv"]) {
            const r = run("replay.ts", [`--logs=${path.join(tmp, file)}`, "--from=2026-11-20T06:30:00+01:00", "--to=2026-11-20T10:00:00+01:00"]);
            expect(r.status, r.stderr).toBe(0);
            expect(r.stderr, file).toMatch(/: 3 rows read, 3 kept, 0 skipped, 0 malformed/);
            expect(r.stderr).toContain("span 2026-11-20T05:30:00.000Z .. 2026-11-20T09:00:00.000Z");
        }
    });
    it("replay --all-hubs replays every hub found with the profile's defaults, without a stack file", () => {
        const r = run("replay.ts", ["--logs", path.join(tmp, "other-hub.jsonl"), "--all-hubs", "prod"]);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/replay of every hub found \(1\) \(profile prod\): 4 log alert rules/);
        expect(r.stderr).toContain("iothub-404104-hub-elsewhere-random-disconnect: 0");
    });
    it("an unexpected error prints its stack only with --verbose", () => {
        const r = run("../test/fixtures/cli/unexpected-error.ts", ["--verbose"]);
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'rows'\)\n\s+at /);
    });
    it("build writes a new folder whole, marks it, and replaces it on a rebuild", () => {
        const dir = out("built");
        for (let i = 0; i < 2; i++) {
            const r = run("build.ts", [`--out=${dir}`], 180_000);
            expect(r.status, r.stderr).toBe(0);
        }
        expect(fs.readdirSync(dir).sort()).toEqual([".iothub-404104-build", "azure", "components", "kql", "queries"]);
        expect(fs.existsSync(path.join(dir, "queries", "random-disconnect.kql"))).toBe(true);
        expect(fs.readdirSync(tmp).filter((f) => f.startsWith(".tmp-"))).toEqual([]);
    }, 240_000);
    it("preview takes --stack=prod", () => {
        const r = run("preview.ts", ["--stack=prod"]);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain('Offline preview of stack "prod"');
    });
});

describe("a signal during a replay", () => {
    it("SIGTERM stops the workers and ends the process at once: exit 143, one error line, no chart written", async () => {
        const logs = out("signal.jsonl");
        expect(run("synth.ts", ["--scenario", "symptom2", "--out", logs, "--hours", "24", "--devices", "1500"]).status).toBe(0);
        const chart = out("signal.svg");
        // As `npm run replay` starts it: node with tsx's loader, so the signal reaches the script itself.
        const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "replay.ts"), "--logs", logs, "--chart", chart], { cwd: ROOT });
        let stderr = "";
        const ended = new Promise<{ code: number | null; ms: number }>((resolve) => {
            let signalledAt = 0;
            child.stderr.on("data", (d: Buffer) => {
                stderr += d.toString();
                // The replay has started its workers once it says what it replays.
                if (signalledAt === 0 && stderr.includes("replaying ")) {
                    signalledAt = Date.now();
                    child.kill("SIGTERM");
                }
            });
            // "close", not "exit": the last stderr line may arrive after the process has exited.
            child.on("close", (code) => resolve({ code, ms: signalledAt === 0 ? Infinity : Date.now() - signalledAt }));
        });
        const { code, ms } = await ended;
        expect(code, stderr).toBe(143);
        expect(ms).toBeLessThan(10_000);
        const lines = stderr.trim().split("\n");
        expect(lines[lines.length - 1]).toBe("error: stopped by SIGTERM; no output written");
        expect(stderr).not.toMatch(/\n\s+at /);
        expect(fs.existsSync(chart)).toBe(false);
        expect(fs.readdirSync(tmp).filter((f) => f.startsWith(".tmp-"))).toEqual([]);
    }, 120_000);
});
