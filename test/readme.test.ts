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
            expect(readme).toContain(`| \`${k.key}\` | ${k.required ? "yes" : "no"} | ${k.default} | ${k.description} |`);
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
    });
});
