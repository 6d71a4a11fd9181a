/**
 * The pull-request workflow cannot run here; this checks what can be checked offline: the YAML
 * parses, it runs on pull requests, every npm script it calls exists in package.json, the preview
 * uses the official Pulumi action with the policy pack and a PR comment for every stack that has
 * a stack file and a pack config, and the review report is generated against the base and posted.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW = path.join(ROOT, ".github", "workflows", "pull-request.yml");

interface Step {
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly if?: string;
    readonly with?: Record<string, unknown>;
}
interface Job {
    readonly needs?: string | string[];
    readonly strategy?: { readonly matrix?: Record<string, unknown[]> };
    readonly steps: Step[];
}
interface Workflow {
    readonly on: Record<string, unknown>;
    readonly permissions?: Record<string, string>;
    readonly jobs: Record<string, Job>;
}

const workflow = parse(fs.readFileSync(WORKFLOW, "utf8")) as Workflow;
const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);

/** npm invocations in a `run:` block: `npm ci`, `npm test`, `npm run <script> ...`. */
function npmCalls(run: string): { command: string; script?: string }[] {
    return [...run.matchAll(/\bnpm\s+(run(?:-script)?\s+([\w:.-]+)|[\w-]+)/g)].map((m) => (m[2] ? { command: "run", script: m[2] } : { command: m[1] }));
}

describe("the pull-request workflow", () => {
    it("parses and runs on pull requests with permission to comment", () => {
        expect(Object.keys(workflow.on)).toContain("pull_request");
        expect(workflow.permissions?.["pull-requests"]).toBe("write");
    });

    it("calls only npm scripts that exist in package.json", () => {
        const calls = steps.flatMap((s) => (s.run ? npmCalls(s.run) : []));
        expect(calls.length).toBeGreaterThan(0);
        for (const c of calls) {
            if (c.command === "run") expect(Object.keys(scripts), `npm run ${c.script}`).toContain(c.script);
            else if (c.command === "test" || c.command === "start") expect(Object.keys(scripts)).toContain(c.command);
            else expect(["ci", "install"]).toContain(c.command);
        }
    });

    it("installs, tests and checks the KQL", () => {
        const runs = steps.map((s) => s.run ?? "");
        for (const cmd of ["npm ci", "npm test", "npm run kql:check"]) expect(runs).toContain(cmd);
    });

    it("previews every stack with the policy pack through the official Pulumi action, commenting on the PR", () => {
        const job = Object.values(workflow.jobs).find((j) => j.steps.some((s) => s.uses?.startsWith("pulumi/actions@")));
        expect(job).toBeDefined();
        const stacks = (job?.strategy?.matrix?.stack ?? []) as string[];
        expect(stacks).toEqual(expect.arrayContaining(["dev", "prod"]));
        const preview = job?.steps.find((s) => s.uses?.startsWith("pulumi/actions@")) as Step;
        expect(preview.with).toMatchObject({ command: "preview", "comment-on-pr": true, policyPacks: "policy" });
        expect(fs.existsSync(path.join(ROOT, String(preview.with?.policyPacks), "PulumiPolicy.yaml"))).toBe(true);
        for (const stack of stacks) {
            expect(fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)), `Pulumi.${stack}.yaml`).toBe(true);
            const config = String(preview.with?.policyPackConfigs).replace("${{ matrix.stack }}", stack);
            expect(fs.existsSync(path.join(ROOT, config)), config).toBe(true);
        }
    });

    it("writes the review report against the pull request's base and posts it", () => {
        const job = Object.values(workflow.jobs).find((j) => j.steps.some((s) => s.run?.includes("npm run review")));
        const review = job?.steps.find((s) => s.run?.includes("npm run review")) as Step;
        expect(review.run).toContain("--stack ${{ matrix.stack }}");
        expect(review.run).toContain("--base ${{ github.event.pull_request.base.sha }}");
        expect(job?.steps.some((s) => s.uses?.startsWith("actions/checkout@") && s.with?.["fetch-depth"] === 0)).toBe(true);
        const post = job?.steps.find((s) => s.uses?.startsWith("actions/github-script@")) as Step;
        const script = String(post.with?.script);
        expect(script).toContain("createComment");
        // The comment script at least parses as the async function github-script wraps it in.
        const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => unknown;
        expect(() => new AsyncFunction("require", "context", "github", "process", script)).not.toThrow();
    });
});
