/**
 * `npm run review -- --base <ref>` on a change made in a temporary git repository: a copy of the
 * project is committed, its dev stack is changed in the working tree (a second hub, a detection
 * turned off, a severity and the drop threshold changed), and the review compares the working
 * tree with the commit, each side built by its own code and stack file.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DETECTIONS } from "../queries/catalog";

const ROOT = path.resolve(__dirname, "..");
const COPY = ["azure", "components", "queries", "kql", "program", "replay", "review", "scripts", "Pulumi.yaml", "Pulumi.dev.yaml", "package.json", "tsconfig.json"];
const [CHANGED, TURNED_OFF] = [DETECTIONS[0].id, DETECTIONS[DETECTIONS.length - 1].id];
const SECOND_HUB = "/subscriptions/3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c/resourceGroups/rg-iot-dev/providers/Microsoft.Devices/IotHubs/contoso-iot-dev-2";

let repo: string;
let report: string;

function git(...args: string[]): string {
    return execFileSync("git", ["-c", "user.name=review-test", "-c", "user.email=review-test@example.com", ...args], { cwd: repo, encoding: "utf8" });
}

beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "review-base-"));
    for (const entry of COPY) fs.cpSync(path.join(ROOT, entry), path.join(repo, entry), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
    fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-q", "-m", "base");

    const file = path.join(repo, "Pulumi.dev.yaml");
    const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    const hubs = doc.config["iothub-404104:hubs"] as unknown[];
    doc.config["iothub-404104:hubs"] = [...hubs, SECOND_HUB];
    doc.config["iothub-404104:detections"] = { [CHANGED]: { severity: 0 }, [TURNED_OFF]: { enabled: false } };
    doc.config["iothub-404104:connectedDevicesAlert"] = { expectedConnectedDevices: 40, maxDropPercent: 25 };
    fs.writeFileSync(file, stringify(doc));

    const res = spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(repo, "scripts", "review.ts"), "--stack", "dev", "--base", "HEAD"], { cwd: repo, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`review failed (${res.status}): ${res.stderr}`);
    report = res.stdout;
}, 180_000);

afterAll(() => {
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
});

/** The lines of one `####` subsection of the changes. */
function subsection(title: string): string {
    const changes = report.slice(report.indexOf("### Changes to the alerting since `HEAD`"), report.indexOf("### Alerts"));
    const start = changes.indexOf(`#### ${title}`);
    if (start < 0) return "";
    const next = changes.indexOf("#### ", start + 5);
    return changes.slice(start, next < 0 ? undefined : next);
}

describe("npm run review -- --base", () => {
    it("names the base and summarizes the change with the cost before and after", () => {
        expect(report).toMatch(/### Changes to the alerting since `HEAD` \([0-9a-f]{12}\)/);
        const added = DETECTIONS.length; // the second hub's rules and its drop alert, less the detection turned off
        expect(report).toMatch(new RegExp(`${added} added, 1 removed, \\d+ changed\\. Estimated monthly cost \\$\\d+\\.\\d{2} → \\$\\d+\\.\\d{2} \\(\\+\\$\\d+\\.\\d{2}\\)`));
    });

    it("lists the second hub's alerts as added", () => {
        const added = subsection("Added");
        expect(added).toContain("iothub-404104-contoso-iot-dev-2-connected-devices-drop");
        expect(added).toContain(`iothub-404104-contoso-iot-dev-2-${CHANGED}`);
        expect(added).not.toContain(`iothub-404104-contoso-iot-dev-2-${TURNED_OFF}`);
    });

    it("lists the detection turned off as removed", () => {
        expect(subsection("Removed")).toContain(`| iothub-404104-contoso-iot-dev-${TURNED_OFF} |`);
    });

    it("shows the old and new value of each changed field", () => {
        const changed = subsection("Changed");
        const rule = changed.slice(changed.indexOf(`**\`iothub-404104-contoso-iot-dev-${CHANGED}\`**`));
        expect(rule.split("\n").find((l) => l.startsWith("| severity |"))).toMatch(/^\| severity \| \d \| 0 \|$/);
        const drop = changed.slice(changed.indexOf("**`iothub-404104-contoso-iot-dev-connected-devices-drop`**"));
        expect(drop).toContain("| condition | Minimum(connectedDeviceCount) < 20 | Minimum(connectedDeviceCount) < 30 |");
    });

    it("still reports the head stack in full", () => {
        expect(report).toContain("## 404104 alerting: stack `dev` (profile dev)");
        expect(report).toContain("| iothub-404104-contoso-iot-dev-2-connected-devices-drop |");
    });
});
