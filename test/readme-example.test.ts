/**
 * The README's library example is a program a user copies: taken from the README as it is, it must
 * type-check with the repository's tsconfig (strict, noUnusedLocals) and run under the plain mocks a
 * user writes (ids `<name>-id`, state = inputs), making the resources it promises.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { installOrdinaryMocks, type MadeResource } from "./support/ordinaryMocks";

const ROOT = path.resolve(__dirname, "..");
const PACKAGE = "iothub-404104-monitoring";

/** The first ```ts block of the README's "Using the components from another Pulumi program" section. */
function readmeExample(): string {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Using the components from another Pulumi program"));
    const m = /```ts\n([\s\S]*?)```/.exec(section);
    if (!m) throw new Error("no ts block in the README's library section");
    return m[1];
}

const example = readmeExample();
const dir = fs.mkdtempSync(path.join(ROOT, ".tmp-readme-example-"));
const file = path.join(dir, "index.ts");
// The package name resolves to the library's entry, as it would from node_modules.
const asLocal = (at: string): string => example.replace(`from "${PACKAGE}"`, `from ${JSON.stringify(path.relative(at, path.join(ROOT, "components", "index")).split(path.sep).join("/"))}`);
fs.writeFileSync(file, asLocal(dir));

let made: MadeResource[] = [];
let outputs: Record<string, unknown> = {};

beforeAll(async () => {
    made = await installOrdinaryMocks("readme-example", "dev");
    const program = (await import(file)) as Record<string, unknown>;
    // An export is an output or a map of outputs (ruleIds); pulumi.output resolves both, as `pulumi up` would.
    const unwrap = (o: unknown): Promise<unknown> => new Promise((resolve) => pulumi.output(o as pulumi.Input<object>).apply((v) => resolve(v)));
    outputs = Object.fromEntries(await Promise.all(Object.entries(program).map(async ([k, v]) => [k, await unwrap(v)] as const)));
    fs.rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe("the README's library example", () => {
    it("names real-looking hub ids, not elided ones", () => {
        expect(example).not.toContain("…");
        expect(example).toContain(`from "${PACKAGE}"`);
    });
    it("type-checks with the repository's tsconfig", () => {
        const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
        const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
        const checkDir = fs.mkdtempSync(path.join(ROOT, ".tmp-readme-check-"));
        try {
            const checked = path.join(checkDir, "index.ts");
            fs.writeFileSync(checked, asLocal(checkDir));
            const program = ts.createProgram([checked], { ...parsed.options, noEmit: true });
            const problems = ts
                .getPreEmitDiagnostics(program)
                .filter((d) => d.file === undefined || path.resolve(d.file.fileName) === path.resolve(checked))
                .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
            expect(problems).toEqual([]);
        } finally {
            fs.rmSync(checkDir, { recursive: true, force: true });
        }
    }, 120_000);
    it("runs under a user's ordinary mocks and makes the fleet it describes", () => {
        const types = made.map((m) => m.type);
        expect(types.filter((t) => t === "azure-native:monitor:ScheduledQueryRule")).toHaveLength(2 * 4);
        expect(types.filter((t) => t === "azure-native:monitor:MetricAlert")).toHaveLength(2);
        expect(types.filter((t) => t === "azure-native:monitor:DiagnosticSetting")).toHaveLength(2);
        expect(types.filter((t) => t === "azure-native:operationalinsights:Workspace")).toHaveLength(1);
        expect(types.filter((t) => t === "azure-native:insights:Workbook" || t === "azure-native:applicationinsights:Workbook")).toHaveLength(1);
        const random = made.find((m) => m.type === "azure-native:monitor:ScheduledQueryRule" && m.name.endsWith("contoso-iot-weu-random-disconnect"));
        expect(random?.inputs.severity).toBe(2);
        // The workbook link in every description is built from the mock's id, taken as it is.
        expect(String(random?.inputs.description)).toContain("https://portal.azure.com/#@/resourceiot-404104-workbook-id/workbook");
    });
    it("exports the outputs it names: rule ids by hub and detection, and the workspace id", () => {
        expect(Object.keys(outputs).sort()).toEqual(["ruleIds", "workspaceId"]);
        expect(outputs.workspaceId).toBe("iot-404104-workspace-id");
        const ruleIds = outputs.ruleIds as Record<string, Record<string, string>>;
        expect(Object.keys(ruleIds).sort()).toEqual(["contoso-iot-neu", "contoso-iot-weu"]);
        expect(Object.keys(ruleIds["contoso-iot-weu"]).sort()).toEqual(["link-conflict", "mass-disconnect", "periodic-disconnect", "random-disconnect"]);
    });
});
