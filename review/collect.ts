/**
 * Collects what a stack's alerting is, for the review report: runs a tree's own program against a
 * stack file under the offline engine (Pulumi's mock runtime, no CLI, no cloud) and returns every
 * recorded resource with its inputs, plus the per-hub facts of the stack config the cost estimate
 * needs.
 *
 * The program is loaded from a *code root* by path, so the same collector runs today's code or the
 * code of an older commit materialized in a temporary folder (see {@link materializeRef}). Pulumi's
 * mock runtime can be set up once per process, so each collection runs in its own child process
 * ({@link collectInChild}); this file is also that child's entry point
 * (`tsx review/collect.ts --code <root> --stack-dir <dir> --stack <name>`, JSON on stdout).
 *
 * What the collector relies on in the code root (present since the offline preview exists):
 * `program/stackFile.ts` `readStackFile(dir, stack)`, `program/config.ts`
 * `parseStackConfig(raw, project, stack)`, `program/offline.ts` `OfflineEngine` and
 * `program/stack.ts` `deployStack(settings, opts)`.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** One resource the program registered, as the offline engine recorded it. */
export interface CollectedResource {
    /** Pulumi type token. */
    readonly type: string;
    /** Logical name. */
    readonly name: string;
    /** Key (`type::name`) of the parent resource, when there is one. */
    readonly parent?: string;
    /** Whether it is a cloud resource (`true`) or a component (`false`). */
    readonly custom: boolean;
    /** The inputs the engine received, secrets unwrapped. */
    readonly inputs: Record<string, unknown>;
}

/** One monitored hub as the stack config describes it. */
export interface CollectedHub {
    /** Resource id of the hub. */
    readonly id: string;
    /** Name of the hub (last segment of the id). */
    readonly name: string;
    /** `expectedConnectedDevices` of its drop alert (hub setting, else the stack's), when the config gives one. */
    readonly expectedConnectedDevices?: number;
    /** Detection ids turned off on the hub. */
    readonly disabledDetections: readonly string[];
}

/** A stack's alerting as its program builds it. */
export interface CollectedStack {
    readonly project: string;
    readonly stack: string;
    readonly profile: string;
    /** Stack file read, relative to the stack folder. */
    readonly stackFile: string;
    /** Secure config values replaced by a placeholder (they cannot be decrypted offline). */
    readonly placeholders: number;
    readonly resources: readonly CollectedResource[];
    readonly hubs: readonly CollectedHub[];
}

/** Where to collect from: the code to run, the folder with `Pulumi.yaml` and the stack file, and the stack. */
export interface CollectOptions {
    /** Folder of the code to run (holds `program/`). */
    readonly codeRoot: string;
    /** Folder holding `Pulumi.yaml` and `Pulumi.<stack>.yaml`. Default: `codeRoot`. */
    readonly stackDir?: string;
    /** Stack name. */
    readonly stack: string;
}

/** The collector could not run the program (missing stack file, invalid config, code without an offline engine). */
export class CollectError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CollectError";
    }
}

// The slice of the program's modules the collector uses; loaded by path from a code root.
interface StackFileModule {
    readStackFile(dir: string, stack: string): { project: string; file: string; config: Record<string, string>; secretKeys: string[]; placeholders: number };
}
interface ConfigModule {
    parseStackConfig(raw: Record<string, string>, project: string, stack: string): { profile: string; fleet: unknown };
}
interface OfflineModule {
    OfflineEngine: {
        start(o: { project: string; stack: string; config: Record<string, string>; secretKeys: string[]; subscriptionId?: string }): Promise<{
            readonly resources: readonly CollectedResource[];
            readonly transformation: unknown;
            settle(): Promise<void>;
        }>;
    };
}
interface StackModule {
    deployStack(settings: unknown, opts: { transformations: unknown[] }): { fleet?: { hubs?: Record<string, { hubResourceId?: unknown; disabledDetections?: unknown }> } };
}

function load<T>(codeRoot: string, rel: string, what: string): T {
    const file = path.join(codeRoot, rel);
    if (!fs.existsSync(`${file}.ts`)) throw new CollectError(`${rel}.ts not found in ${codeRoot}: this code has no ${what}, so the review cannot run it`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as T;
}

function num(v: unknown): number | undefined {
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function hubFacts(fleet: unknown, out: ReturnType<StackModule["deployStack"]>): CollectedHub[] {
    const f = (fleet ?? {}) as { hubs?: unknown; connectedDevicesAlert?: { expectedConnectedDevices?: unknown } };
    const hubs = Array.isArray(f.hubs) ? (f.hubs as unknown[]) : [];
    const disabledById = new Map<string, string[]>();
    for (const h of Object.values(out.fleet?.hubs ?? {})) {
        if (typeof h.hubResourceId === "string" && Array.isArray(h.disabledDetections)) {
            disabledById.set(h.hubResourceId.toLowerCase(), h.disabledDetections.filter((d): d is string => typeof d === "string"));
        }
    }
    return hubs.flatMap((h) => {
        const o = (typeof h === "string" ? { hubResourceId: h } : h) as { hubResourceId?: unknown; connectedDevicesAlert?: { expectedConnectedDevices?: unknown } };
        if (typeof o.hubResourceId !== "string") return [];
        const id = o.hubResourceId;
        return [
            {
                id,
                name: id.split("/").pop() ?? id,
                expectedConnectedDevices: num(o.connectedDevicesAlert?.expectedConnectedDevices) ?? num(f.connectedDevicesAlert?.expectedConnectedDevices),
                disabledDetections: disabledById.get(id.toLowerCase()) ?? [],
            },
        ];
    });
}

/**
 * Runs the program of `codeRoot` for one stack under the offline engine in this process and returns
 * what it registered. Sets up Pulumi's mock runtime: call it at most once per process (use
 * {@link collectInChild} otherwise).
 */
export async function collectInProcess(options: CollectOptions): Promise<CollectedStack> {
    const codeRoot = path.resolve(options.codeRoot);
    const stackDir = path.resolve(options.stackDir ?? codeRoot);
    const { readStackFile } = load<StackFileModule>(codeRoot, "program/stackFile", "stack-file reader");
    const { parseStackConfig } = load<ConfigModule>(codeRoot, "program/config", "stack config parser");
    const { OfflineEngine } = load<OfflineModule>(codeRoot, "program/offline", "offline engine");
    let file: ReturnType<StackFileModule["readStackFile"]>;
    let settings: ReturnType<ConfigModule["parseStackConfig"]>;
    try {
        file = readStackFile(stackDir, options.stack);
        settings = parseStackConfig(file.config, file.project, options.stack);
    } catch (e) {
        throw new CollectError((e as Error).message);
    }
    const subscriptionId = /\/subscriptions\/([0-9a-f-]{36})\//i.exec(file.config[`${file.project}:hubs`] ?? "")?.[1];
    const engine = await OfflineEngine.start({ project: file.project, stack: options.stack, config: file.config, secretKeys: file.secretKeys, subscriptionId });
    // Import the program only now: its modules must see the mocks.
    const { deployStack } = load<StackModule>(codeRoot, "program/stack", "program");
    const out = deployStack(settings, { transformations: [engine.transformation] });
    await engine.settle();
    return {
        project: file.project,
        stack: options.stack,
        profile: settings.profile,
        stackFile: path.relative(stackDir, file.file) || file.file,
        placeholders: file.placeholders,
        resources: engine.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, custom: r.custom, inputs: r.inputs })),
        hubs: hubFacts(settings.fleet, out),
    };
}

const THIS_FILE = __filename;

/** Runs {@link collectInProcess} in a child process (tsx) with `options.codeRoot` as its working directory. */
export function collectInChild(options: CollectOptions): Promise<CollectedStack> {
    const tsxCli = require.resolve("tsx/cli");
    const codeRoot = path.resolve(options.codeRoot);
    const args = [tsxCli, THIS_FILE, "--code", codeRoot, "--stack-dir", path.resolve(options.stackDir ?? codeRoot), "--stack", options.stack];
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: codeRoot, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            if (code !== 0) {
                reject(new CollectError(err.trim().split("\n").filter((l) => !l.startsWith("npm warn")).join("\n") || `collector exited with ${code}`));
                return;
            }
            try {
                resolve(JSON.parse(out) as CollectedStack);
            } catch {
                reject(new CollectError(`collector printed no JSON: ${out.slice(0, 200)}`));
            }
        });
    });
}

/** A git ref's tree extracted into a temporary folder, and how to remove it. */
export interface MaterializedRef {
    /** The folder holding the ref's files (with `node_modules` linked to the repository's). */
    readonly dir: string;
    /** The commit the ref resolved to. */
    readonly commit: string;
    /** Removes the folder. */
    cleanup(): void;
}

/** Prefix of the temporary folders of {@link materializeRef}, followed by the process id. */
export const REVIEW_TEMP_PREFIX = "iothub-404104-review-";

/**
 * Extracts the tree of `ref` in the git repository at `repoRoot` into a temporary folder
 * (`git archive | tar -x`: read-only for the repository, no worktree to prune), and links the
 * repository's `node_modules` into it so the ref's own code can run. Throws {@link CollectError}
 * when the ref does not resolve.
 */
export function materializeRef(repoRoot: string, ref: string): MaterializedRef {
    let commit: string;
    try {
        commit = execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch {
        throw new CollectError(`--base ${ref}: not a commit in ${repoRoot}`);
    }
    // The process id in the name lets a later run remove what a killed one left (scripts/cli.ts removeStaleTemporaries).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${REVIEW_TEMP_PREFIX}${process.pid}-`));
    try {
        const archive = execFileSync("git", ["archive", "--format=tar", commit], { cwd: repoRoot, maxBuffer: 512 * 1024 * 1024 });
        execFileSync("tar", ["-x", "-C", dir], { input: archive });
        const modules = path.join(repoRoot, "node_modules");
        if (fs.existsSync(modules) && !fs.existsSync(path.join(dir, "node_modules"))) fs.symlinkSync(modules, path.join(dir, "node_modules"), "dir");
    } catch (e) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw new CollectError(`--base ${ref}: cannot extract its files (${(e as Error).message.split("\n")[0]})`);
    }
    return { dir, commit, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function childMain(argv: readonly string[]): void {
    const value = (flag: string): string | undefined => {
        const i = argv.indexOf(flag);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    const codeRoot = value("--code");
    const stack = value("--stack");
    if (!codeRoot || !stack) {
        console.error("usage: tsx review/collect.ts --code <root> [--stack-dir <dir>] --stack <name>");
        process.exit(2);
    }
    collectInProcess({ codeRoot, stackDir: value("--stack-dir"), stack }).then(
        (collected) => {
            process.stdout.write(JSON.stringify(collected));
            process.exit(0);
        },
        (e: unknown) => {
            console.error(e instanceof CollectError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e));
            process.exit(1);
        },
    );
}

if (require.main === module) childMain(process.argv.slice(2));
