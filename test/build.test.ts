import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { WORKBOOK_QUERIES } from "../queries/catalog";
import { ROOT } from "./support/runStack";

describe("npm run build (the library other Pulumi programs import)", () => {
    it("emits JavaScript with declarations and the .kql files the catalog reads at run time", () => {
        // Inside the package, so the built files resolve its node_modules as a consumer's install would.
        fs.mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
        const out = fs.mkdtempSync(path.join(ROOT, ".tmp", "build-"));
        execFileSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "scripts", "build.ts"), "--out", out], { cwd: ROOT, stdio: "pipe" });
        expect(fs.existsSync(path.join(out, "components", "index.d.ts"))).toBe(true);
        // The built library resolves a rule from its own copy of the catalog and .kql files.
        const script = `
            const c = require(${JSON.stringify(path.join(out, "components", "index.js"))});
            const hub = "/subscriptions/3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/hub-a";
            const rules = c.DETECTIONS.map((d) => c.resolveDetectionRule("x", d, hub, "prod"));
            console.log(JSON.stringify({ n: rules.length, bound: rules.every((r) => r.query.includes(hub.toLowerCase())), exports: ["HubMonitoring", "FleetMonitoring", "ConnectedDevicesDropAlert", "TriageWorkbook"].every((k) => typeof c[k] === "function"), workbookQueries: c.triageWorkbookContent({ workspaceId: "/subscriptions/3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law", hubResourceIds: [hub] }).items.filter((i) => i.type === 3 && i.content.query.includes("{Hub}")).length }));
        `;
        const result = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }));
        expect(result.n).toBeGreaterThanOrEqual(3);
        expect(result.bound).toBe(true);
        expect(result.exports).toBe(true);
        expect(result.workbookQueries).toBe(WORKBOOK_QUERIES.length);
        const kqlFiles = fs.readdirSync(path.join(out, "queries")).filter((f) => f.endsWith(".kql"));
        expect(kqlFiles.length).toBe(result.n);
        fs.rmSync(out, { recursive: true, force: true });
    });
});
