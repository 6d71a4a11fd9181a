/**
 * Builds the library for use from other Pulumi programs: compiles `components/`, `queries/` and
 * `kql/` to `bin/` with declarations, and copies the `.kql` files beside their compiled catalogs
 * (the detection and workbook catalogs read them at run time). `npm run build [-- --out <dir>]`.
 *
 * The output is written whole or not at all: the build goes to a temporary folder beside the target,
 * which then replaces it. `bin/` is always the build's; a folder given with `--out` is replaced only
 * when a previous build wrote it (it holds the build's marker file) or it is empty; any other existing
 * folder is refused before anything is compiled.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { outputFolderFlag, parseCliArgs, runCli, UsageError } from "./cli";

const USAGE = "usage: npm run build [-- --out <folder>]   (default bin/; a folder an earlier build wrote, an empty one or a new one)";

/** The file that marks a folder as this script's output, so a rebuild may replace it. */
const BUILD_MARKER = ".iothub-404104-build";

runCli(USAGE, () => {
    const root = path.resolve(__dirname, "..");
    const a = parseCliArgs(process.argv.slice(2), ["out"], USAGE);
    const out = a.out === undefined ? path.join(root, "bin") : outputFolderFlag("out", a.out);
    if (a.out !== undefined && fs.existsSync(out) && fs.readdirSync(out).length > 0 && !fs.existsSync(path.join(out, BUILD_MARKER))) {
        throw new UsageError(`--out: "${a.out ?? out}" is not valid; it is a folder that holds other files (no ${BUILD_MARKER}); allowed: a new or empty folder, or one an earlier build wrote`);
    }
    const temp = path.join(path.dirname(out), `.tmp-${process.pid}-${path.basename(out)}`);
    try {
        execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", temp], { stdio: "inherit" });
        // The detection catalog reads queries/*.kql, the workbook's catalog queries/workbook/*.kql.
        for (const dir of ["queries", path.join("queries", "workbook")]) {
            const from = path.join(root, dir);
            for (const f of fs.readdirSync(from).filter((n) => n.endsWith(".kql"))) {
                fs.copyFileSync(path.join(from, f), path.join(temp, dir, f));
            }
        }
        fs.writeFileSync(path.join(temp, BUILD_MARKER), "Written by npm run build; a rebuild replaces this folder.\n");
        fs.rmSync(out, { recursive: true, force: true });
        fs.renameSync(temp, out);
    } catch (e) {
        fs.rmSync(temp, { recursive: true, force: true });
        if ((e as { status?: number }).status !== undefined) throw new UsageError(`tsc failed (see its messages above); nothing written to ${out}`);
        throw e;
    }
    console.log(`built ${path.relative(process.cwd(), out) || out}`);
});
