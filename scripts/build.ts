/**
 * Builds the library for use from other Pulumi programs: compiles `components/`, `queries/` and
 * `kql/` to `bin/` with declarations, and copies the `.kql` files beside their compiled catalogs
 * (the detection and workbook catalogs read them at run time). `npm run build [-- --out <dir>]`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseCliArgs, runCli } from "./cli";

const USAGE = "usage: npm run build [-- --out <folder>]   (default bin/)";

runCli(USAGE, () => {
    const root = path.resolve(__dirname, "..");
    const a = parseCliArgs(process.argv.slice(2), ["out"], USAGE);
    const out = a.out === undefined ? path.join(root, "bin") : path.resolve(a.out);
    execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", out], { stdio: "inherit" });
    // The detection catalog reads queries/*.kql, the workbook's catalog queries/workbook/*.kql.
    for (const dir of ["queries", path.join("queries", "workbook")]) {
        const from = path.join(root, dir);
        for (const f of fs.readdirSync(from).filter((n) => n.endsWith(".kql"))) {
            fs.copyFileSync(path.join(from, f), path.join(out, dir, f));
        }
    }
    console.log(`built ${path.relative(process.cwd(), out) || out}`);
});
