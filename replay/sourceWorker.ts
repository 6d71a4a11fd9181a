/**
 * Worker threads that run one of the replay's own modules (the parallel replay's evaluator, the
 * parallel reader), from the compiled JavaScript or, under tsx and vitest, from the TypeScript
 * sources: then the worker module and the sources it imports run as one esbuild bundle.
 */
import * as path from "path";
import { Worker, type ResourceLimits } from "worker_threads";

/**
 * The bootstrap of a worker: when the sources are TypeScript, runs the worker module from a bundle
 * of its sources (see {@link moduleBundle}), compiled as a module at the worker's own path so
 * packages resolve from there; else loads the compiled worker module.
 */
const BOOTSTRAP = `const { workerData } = require("worker_threads");
if (workerData.bundle !== undefined) {
    const Module = require("module");
    const worker = new Module(workerData.entry);
    worker.filename = workerData.entry;
    worker.paths = Module._nodeModulePaths(require("path").dirname(workerData.entry));
    worker._compile(workerData.bundle, workerData.entry);
} else {
    require(workerData.entry);
}`;

const bundles = new Map<string, string>();

/**
 * A TypeScript module and the sources it imports, as one CommonJS script: esbuild bundles them once
 * per process and module (about 70 ms), packages left to `require`. One bundle rather than each file
 * compiled on its own (what tsx does): a call across modules is then a plain call, not a getter of
 * the module's exports on every call (the evaluator's per-row functions live in several modules),
 * and there are no `keepNames` wrappers, which made the evaluator's closures about a quarter
 * slower. The four rules of the benchmark's 10,000-device day took 11.9 s of work bundled, against
 * 12.9 s compiled file by file and about 15 s under tsx.
 */
function moduleBundle(entry: string): string {
    let code = bundles.get(entry);
    if (code === undefined) {
        code = (require("esbuild") as typeof import("esbuild")).buildSync({
            entryPoints: [entry],
            bundle: true,
            platform: "node",
            format: "cjs",
            target: `node${process.versions.node.split(".")[0]}`,
            packages: "external",
            write: false,
            logLevel: "silent",
        }).outputFiles[0].text;
        bundles.set(entry, code);
    }
    return code;
}

/**
 * Starts a worker thread running the replay module `name` (a file of this folder, without its
 * extension) with `workerData` (which the module reads from `workerData.data`) and the given heap
 * limits. The worker gets none of the parent's flags (tsx's or vitest's loaders): the bootstrap
 * loads what it needs.
 */
export function startSourceWorker(name: string, data: unknown, resourceLimits?: ResourceLimits): Worker {
    const typescript = path.extname(__filename) === ".ts";
    const entry = path.join(__dirname, `${name}${typescript ? ".ts" : ".js"}`);
    return new Worker(BOOTSTRAP, {
        eval: true,
        workerData: { entry, bundle: typescript ? moduleBundle(entry) : undefined, data },
        execArgv: [],
        ...(resourceLimits ? { resourceLimits } : {}),
    });
}
