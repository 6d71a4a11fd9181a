import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS } from "../program/config";
import { PROFILE_DEFAULTS } from "../components/profiles";
import { ROOT } from "./support/runStack";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
    it("has a config reference row for every config key, with the program's default", () => {
        for (const k of CONFIG_KEYS) {
            expect(readme).toContain(`| \`${k.key}\` | ${k.required} | ${k.default} | ${k.description} |`);
        }
    });
    it("states each profile's defaults as the code has them", () => {
        for (const [name, p] of Object.entries(PROFILE_DEFAULTS)) {
            expect(readme).toMatch(new RegExp(`\\| \`${name}\` \\| catalog's ${name} column \\| ${p.connectedDevicesSeverity} \\| ${p.maxDropPercent} \\| ${p.retentionInDays} days \\| ${p.requireReceivers ? "required" : "optional"} \\|`));
        }
    });
    it("gives the install and test commands that .ci/run runs", () => {
        const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        expect(readme).toContain("npm ci && npm start");
        expect(readme).toContain("npm test");
        expect(ci.split("\n").filter((l) => /^npm /.test(l))).toEqual(["npm ci", "npm test"]);
        expect(ci).toContain("apt-get install -y -qq chromium");
        expect(readme).toContain("apt-get install -y chromium");
    });
});

describe("README detections", () => {
    it("lists every detection of the catalog with its schedule, condition and severities", async () => {
        const { DETECTIONS } = await import("../queries/catalog");
        for (const d of DETECTIONS) {
            expect(readme).toContain(
                `| \`${d.id}\` | ${d.symptom} | ${d.evaluationFrequency} / ${d.windowSize} | ${d.timeAggregation}(${d.measureColumn}) ${d.operator} ${d.threshold} | ${d.severity.dev}/${d.severity.staging}/${d.severity.prod} | ${d.autoMitigate ? "yes" : `no, mute ${d.muteActionsDuration}`} |`,
            );
        }
    });
    it("names only scripts that package.json has", () => {
        const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts);
        for (const m of readme.matchAll(/npm run ([a-z][a-z:-]*[a-z])/g)) expect(scripts, m[0]).toContain(m[1]);
    });
});
