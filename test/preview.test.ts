import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { DETECTIONS } from "../queries/catalog";
import { ROOT } from "./support/runStack";

const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

function preview(...args: string[]): { code: number | null; out: string; err: string } {
    const r = spawnSync(TSX, [path.join(ROOT, "scripts", "preview.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
}

function tempStack(name: string, edit: (text: string) => string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), edit(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")));
    return dir;
}

describe("npm start (offline preview)", () => {
    it("previews the dev stack: workspace, Connections setting, action group, LessThan drop alert, every detection", () => {
        const r = preview();
        expect(r.code).toBe(0);
        expect(r.out).toMatch(/Offline preview of stack "dev"/);
        expect(r.out).toMatch(/azure-native:operationalinsights:Workspace {2}iothub-404104-workspace/);
        expect(r.out).toMatch(/azure-native:monitor:DiagnosticSetting {2}iothub-404104-contoso-iot-dev-diagnostics/);
        expect(r.out).toMatch(/azure-native:monitor:ActionGroup {2}iothub-404104-alerts/);
        expect(r.out).toMatch(/Minimum\(connectedDeviceCount\) < 20/);
        for (const d of DETECTIONS) {
            expect(r.out).toContain(`azure-native:monitor:ScheduledQueryRule  iothub-404104-contoso-iot-dev-${d.id}`);
            expect(r.out).toContain(`queries/${d.file}`);
        }
        expect(r.out).toMatch(/This is an offline preview/);
        expect(r.out).toMatch(/Azure would still check/);
    });
    it("previews the prod stack with its secure webhook application", () => {
        const r = preview("--stack", "prod");
        expect(r.code).toBe(0);
        expect(r.out).toMatch(/profile "prod"/);
        expect(r.out).toMatch(/azuread:index\/appRoleAssignment:AppRoleAssignment/);
        expect(r.out).toMatch(/Minimum\(connectedDeviceCount\) < 9600/);
        expect(r.out).toMatch(/1 secret value\(s\) could not be decrypted offline/);
    });
    it("exits 1 with the key and no stack trace for a malformed hub id", () => {
        const dir = tempStack("broken", (t) => t.replace("/IotHubs/contoso-iot-dev", "/IotHub/contoso-iot-dev"));
        const r = preview("--stack", "broken", "--dir", dir);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/^error: iothub-404104:hubs\[0\]: ".*\/IotHub\/contoso-iot-dev" is not valid; allowed: a resource id/);
        expect(r.err).not.toMatch(/\n\s+at /);
        expect(r.out).toBe("");
    });
    it("exits 1 for a missing stack file and an unknown argument", () => {
        expect(preview("--stack", "nosuch").err).toMatch(/Pulumi\.nosuch\.yaml: no such stack file/);
        const r = preview("--stak", "prod");
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/^error: --stak is not a flag of this command; allowed: --stack, --dir, --verbose; usage: npm start/);
    });
    it("takes --stack=prod as --stack prod, and refuses a repeated or value-less flag with one line", () => {
        const eq = preview("--stack=prod");
        expect(eq.code).toBe(0);
        expect(eq.out).toContain('Offline preview of stack "prod"');
        const twice = preview("--stack", "dev", "--stack", "prod");
        expect(twice.code).toBe(1);
        expect(twice.err.trim().split("\n")).toEqual([expect.stringMatching(/^error: --stack is given twice; give it once; usage: npm start/)]);
        const bare = preview("--stack");
        expect(bare.code).toBe(1);
        expect(bare.err.trim().split("\n")).toHaveLength(1);
        expect(bare.err).toMatch(/^error: Option '--stack <value>' argument missing/);
    });
});
