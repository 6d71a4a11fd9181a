/**
 * The library's npm tarball, as a TypeScript user installs it: packed from the built bin/ into a
 * folder outside the repository, it holds the compiled library and its queries (no scripts, tests or
 * charts), its install resolves the library's own dependencies only (no echarts: the chart library
 * serves the replay CLI, a devDependency), and the README states its size.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tarball-"));
const npm = (args: readonly string[], cwd: string): string => execFileSync("npm", [...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

interface Packed {
    readonly filename: string;
    readonly size: number;
    readonly unpackedSize: number;
    readonly files: readonly { path: string }[];
}
let packed: Packed;
let added: string[];

beforeAll(() => {
    // bin/ is built by `npm test` (and by npm's `prepare` on install and pack); --ignore-scripts packs it as it is.
    const out = npm(["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], ROOT);
    packed = (JSON.parse(out.slice(out.indexOf("["))) as Packed[])[0];
    npm(["init", "-y"], tmp);
    // A dry run resolves what the install would add, from npm's cache where it can.
    const install = npm(["install", "--dry-run", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", path.join(tmp, packed.filename)], tmp);
    added = [...install.matchAll(/^add (\S+) /gm)].map((m) => m[1]);
}, 180_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the packed library", () => {
    it("holds the compiled components, the detection and workbook queries, and nothing of the CLI or the tests", () => {
        const files = packed.files.map((f) => f.path);
        for (const f of ["package.json", "README.md", "bin/components/index.js", "bin/components/index.d.ts", "bin/queries/random-disconnect.kql", "bin/queries/workbook/top-devices-404104.kql"]) expect(files, f).toContain(f);
        expect(files.filter((f) => /^(test|scripts|charts|replay|synthetic|policy|review|program)\//.test(f) || f.startsWith("bin/scripts/") || f.startsWith("bin/charts/"))).toEqual([]);
    });
    it("installs the library's dependencies and not echarts", () => {
        expect(added).toContain("@pulumi/pulumi");
        expect(added).toContain("@pulumi/azure-native");
        expect(added).toContain("@kusto/language-service-next");
        expect(added.filter((n) => n === "echarts" || n === "zrender" || n === "yaml")).toEqual([]);
    });
    it("has the size the README states", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const m = /packed tarball is about (\d+) kB \((\d+) kB unpacked\)/.exec(readme);
        expect(m, "the README states the tarball's size").not.toBeNull();
        const [stated, statedUnpacked] = [Number(m?.[1]), Number(m?.[2])];
        expect(Math.abs(packed.size / 1000 - stated) / stated).toBeLessThan(0.25);
        expect(Math.abs(packed.unpackedSize / 1000 - statedUnpacked) / statedUnpacked).toBeLessThan(0.25);
    });
});
