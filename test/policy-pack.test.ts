/**
 * The policy pack's folder as `pulumi preview --policy-pack policy` needs it, and the per-stack
 * config files the workflow passes with `--policy-pack-config`.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { DETECTIONS } from "../queries/catalog";
import { POLICIES, POLICY_NAMES } from "../policy/policies";
import { DEFAULT_PROD_LIKE_STACKS, hubKey, isProdLike, matchesStackPattern, stackFromUrn } from "../policy/resources";
import { checkWaivers } from "../policy/waivers";

const PACK = path.resolve(__dirname, "..", "policy");
const read = (f: string): string => fs.readFileSync(path.join(PACK, f), "utf8");

describe("the policy pack folder", () => {
    it("has a PulumiPolicy.yaml for the nodejs runtime", () => {
        const project = parse(read("PulumiPolicy.yaml")) as Record<string, unknown>;
        expect(project.runtime).toBe("nodejs");
        expect(project.name).toBe("iothub-404104");
    });

    it("has the package's version, a built main, and as dependencies exactly what its bundle leaves out, at the package's versions", () => {
        const pkg = JSON.parse(read("package.json")) as { version: string; main: string; dependencies: Record<string, string>; devDependencies?: unknown };
        const root = JSON.parse(fs.readFileSync(path.join(PACK, "..", "package.json"), "utf8")) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
        expect(pkg.version).toBe(root.version);
        expect(pkg.main).toBe("bin/index.js");
        expect(fs.existsSync(path.join(PACK, pkg.main))).toBe(true);
        expect(Object.keys(pkg.dependencies).sort()).toEqual(["@kusto/language-service-next", "@pulumi/policy", "@pulumi/pulumi"]);
        for (const [name, version] of Object.entries(pkg.dependencies)) expect(version, name).toBe({ ...root.devDependencies, ...root.dependencies }[name]);
        expect(pkg.devDependencies).toBeUndefined();
    });

    it("constructs the pack only in its entry; the policies module starts nothing", () => {
        expect(read("index.ts")).toContain("new PolicyPack(");
        for (const f of fs.readdirSync(PACK).filter((x) => x.endsWith(".ts") && x !== "index.ts")) {
            expect(read(f)).not.toContain("new PolicyPack(");
        }
    });

    it.each(fs.readdirSync(path.join(PACK, "config")))("config/%s sets only known policies and properties, with valid waivers", (file) => {
        const config = JSON.parse(read(path.join("config", file))) as Record<string, Record<string, unknown>>;
        for (const [policy, settings] of Object.entries(config)) {
            const p = POLICIES.find((x) => x.name === policy);
            expect(p, `unknown policy ${policy}`).toBeDefined();
            const allowed = ["enforcementLevel", ...Object.keys(p?.configSchema?.properties ?? {})];
            for (const key of Object.keys(settings)) expect(allowed).toContain(key);
        }
        const waivers = checkWaivers(config[POLICY_NAMES.detections]?.waivers, DETECTIONS.map((d) => d.id));
        expect(waivers.problems).toEqual([]);
    });

    it.each(fs.readdirSync(path.join(PACK, "config")))("config/%s states the enforcement level of every policy, for reviewers to see and change", (file) => {
        const config = JSON.parse(read(path.join("config", file))) as Record<string, { enforcementLevel?: string }>;
        expect(Object.keys(config).sort()).toEqual(POLICIES.map((p) => p.name).sort());
        for (const p of POLICIES) expect(["advisory", "mandatory", "disabled"], p.name).toContain(config[p.name].enforcementLevel);
    });
});

describe("prod-likeness and hub identity", () => {
    it("reads the stack from a URN and matches it against patterns", () => {
        expect(stackFromUrn("urn:pulumi:prod-weu::iothub-404104::azure-native:monitor:MetricAlert::x")).toBe("prod-weu");
        expect(matchesStackPattern("Prod-WEU", DEFAULT_PROD_LIKE_STACKS)).toBe(true);
        expect(matchesStackPattern("product-demo", DEFAULT_PROD_LIKE_STACKS)).toBe(false);
        expect(isProdLike("urn:pulumi:dev::p::t::n", { prodLikeStacks: DEFAULT_PROD_LIKE_STACKS })).toBe(false);
        expect(isProdLike("urn:pulumi:dev::p::t::n", { prodLikeStacks: DEFAULT_PROD_LIKE_STACKS, prodLike: true })).toBe(true);
    });

    it("keys a hub by its lower-case name, from a name or a resource id", () => {
        expect(hubKey("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/Contoso-Hub")).toBe("contoso-hub");
        expect(hubKey("contoso-hub")).toBe("contoso-hub");
        expect(hubKey("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s")).toBeUndefined();
    });
});
