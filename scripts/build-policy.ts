/**
 * Builds the policy pack into a folder that runs alone: `policy/bin/index.js` bundles the pack, its
 * policies and everything they import from this repository (the KQL checker, the detection catalog,
 * Azure's limits) with esbuild, and the catalog's `.kql` files are copied beside the bundle, where
 * the bundled catalog reads them (`__dirname`). What the bundle leaves out is declared in
 * `policy/package.json` as dependencies: `@pulumi/policy`, `@pulumi/pulumi` (the analyzer's runtime,
 * which must be the one the CLI's harness loads) and `@kusto/language-service-next` (Microsoft's KQL
 * parser, loaded as scripts that set globals). The pack's version and those dependencies' versions
 * must be the package's: the build refuses a `policy/package.json` that drifted.
 * `npm run build:policy`; `npm pack` in `policy/` (which `pulumi policy publish` runs) runs it first.
 */
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { parseCliArgs, runCli, UsageError } from "./cli";

const USAGE = "usage: npm run build:policy";
const ROOT = path.resolve(__dirname, "..");
const PACK = path.join(ROOT, "policy");

/** The packages the bundle requires at run time instead of holding them. */
export const POLICY_PACK_EXTERNALS = ["@pulumi/policy", "@pulumi/pulumi", "@kusto/language-service-next"] as const;

runCli(USAGE, async () => {
    parseCliArgs(process.argv.slice(2), [], USAGE);
    const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const pinned: Record<string, string> = { ...rootPackage.devDependencies, ...rootPackage.dependencies };
    const packFile = path.join(PACK, "package.json");
    const pack = JSON.parse(fs.readFileSync(packFile, "utf8")) as { version: string; dependencies?: Record<string, string> };
    // The pack's version and its dependencies' versions follow the package's.
    const dependencies = Object.fromEntries(
        POLICY_PACK_EXTERNALS.map((name) => {
            const version = pinned[name] ?? (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
            return [name, version];
        }),
    );
    // Checked, not rewritten: npm pack (and so `pulumi policy publish`) reads the version before any script runs.
    if (pack.version !== rootPackage.version) {
        throw new UsageError(`policy/package.json: version "${pack.version}" is not valid; allowed: the package's version "${rootPackage.version}" (set it there: npm pack reads it before building)`);
    }
    if (JSON.stringify(pack.dependencies) !== JSON.stringify(dependencies)) {
        throw new UsageError(`policy/package.json: dependencies ${JSON.stringify(pack.dependencies)} are not valid; allowed: what the bundle leaves out, at the package's versions: ${JSON.stringify(dependencies)}`);
    }

    const out = path.join(PACK, "bin");
    const temp = path.join(PACK, `.tmp-${process.pid}-bin`);
    fs.rmSync(temp, { recursive: true, force: true });
    try {
        const result = await esbuild.build({
            entryPoints: [path.join(PACK, "index.ts")],
            outfile: path.join(temp, "index.js"),
            bundle: true,
            platform: "node",
            format: "cjs",
            target: "node20",
            external: [...POLICY_PACK_EXTERNALS],
            logLevel: "silent",
            legalComments: "none",
        });
        if (result.errors.length > 0) throw new UsageError(`esbuild: ${result.errors[0].text}`);
        // The bundled catalogs read their queries from __dirname, which is now the bundle's folder.
        for (const dir of [path.join(ROOT, "queries"), path.join(ROOT, "queries", "workbook")]) {
            for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".kql"))) {
                if (fs.existsSync(path.join(temp, f))) throw new UsageError(`two queries are named ${f}; the bundle keeps them in one folder`);
                fs.copyFileSync(path.join(dir, f), path.join(temp, f));
            }
        }
        fs.rmSync(out, { recursive: true, force: true });
        fs.renameSync(temp, out);
    } catch (e) {
        fs.rmSync(temp, { recursive: true, force: true });
        throw e;
    }
    console.log(`built ${path.relative(process.cwd(), path.join(out, "index.js"))} (${Math.round(fs.statSync(path.join(out, "index.js")).size / 1024)} KiB) and its queries`);
});
