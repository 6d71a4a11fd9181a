/**
 * Offline preview: `npm start [-- --stack <name>]` runs the program against `Pulumi.<stack>.yaml`
 * (default `dev`) under Pulumi's mock engine, with no CLI and no cloud, and prints the resource
 * tree, the alerts and every detection of the catalog. An invalid stack file exits 1 with the
 * validation message and no stack trace.
 */
import * as path from "path";
import { parseStackConfig } from "../program/config";
import { alertRows, formatResourceTree, formatTable } from "../program/format";
import { OfflineEngine } from "../program/offline";
import { readStackFile, type StackFile } from "../program/stackFile";
import { parseCliArgs, runCli } from "./cli";
import { workbookPortalLink } from "../components/workbook";

const ROOT = path.resolve(__dirname, "..");

const USAGE = "usage: npm start [-- --stack <name>] [--dir <folder with Pulumi.yaml>]   (reads Pulumi.<name>.yaml; default stack dev, default folder the package root)";

function parseArgs(argv: readonly string[]): { stack: string; dir: string } {
    const a = parseCliArgs(argv, ["stack", "dir"], USAGE);
    return { stack: a.stack ?? "dev", dir: a.dir === undefined ? ROOT : path.resolve(a.dir) };
}

function firstSubscription(file: StackFile, project: string): string | undefined {
    const m = /\/subscriptions\/([0-9a-f-]{36})\//i.exec(file.config[`${project}:hubs`] ?? "");
    return m?.[1];
}

async function main(): Promise<void> {
    const { stack, dir } = parseArgs(process.argv.slice(2));
    const file = readStackFile(dir, stack);
    // Validate before the engine starts, so a bad file yields only its message.
    const settings = parseStackConfig(file.config, file.project, stack);

    const engine = await OfflineEngine.start({
        project: file.project,
        stack,
        config: file.config,
        secretKeys: file.secretKeys,
        subscriptionId: firstSubscription(file, file.project),
    });
    const { deployStack } = await import("../program/stack");
    const { DETECTIONS } = await import("../queries/catalog");
    const out = deployStack(settings, { transformations: [engine.transformation] });
    await engine.settle();

    const rel = path.relative(process.cwd(), file.file) || file.file;
    console.log(`Offline preview of stack "${stack}" (${rel}), profile "${settings.profile}": Pulumi mock engine, no Pulumi CLI, nothing sent to Azure.\n`);
    const custom = engine.resources.filter((r) => r.custom);
    console.log(`Resources (${custom.length} Azure / Entra ID resources, ${engine.resources.length - custom.length} components):`);
    console.log(formatResourceTree(engine.resources));

    const rows = alertRows(engine.resources);
    console.log(`\nAlerts (${rows.length}):`);
    console.log(
        formatTable(
            ["rule", "symptom", "sev", "every", "window", "condition", "action groups"],
            rows.map((r) => [r.rule, r.symptom, r.severity, r.frequency, r.window, r.condition, r.actionGroups]),
        ),
    );

    const workbooks = engine.ofType("azure-native:applicationinsights:Workbook");
    console.log(
        workbooks.length === 0
            ? "\nTriage workbook: disabled (workbook.enabled false)."
            : `\nTriage workbook${workbooks.length > 1 ? "s" : ""}, linked from every alert: ${workbooks.map((w) => `"${String(w.inputs.displayName)}" ${w.id ? workbookPortalLink(w.id) : "(no id)"}`).join("; ")}`,
    );

    const disabled = new Set(Object.values(out.fleet.hubs).flatMap((h) => h.disabledDetections));
    console.log(`\nDetections in the catalog (${DETECTIONS.length}, queries/*.kql):`);
    console.log(
        formatTable(
            ["detection", "symptom", "query", "condition", "every", "window", "state"],
            DETECTIONS.map((d) => [
                d.id,
                String(d.symptom),
                `queries/${d.file}`,
                `${d.timeAggregation}(${d.timeAggregation === "Count" ? "rows" : d.measureColumn}) ${d.operator} ${d.threshold}`,
                d.evaluationFrequency,
                d.windowSize,
                disabled.has(d.id) ? "disabled on some hubs" : "enabled",
            ]),
        ),
    );

    console.log(
        [
            "\nThis is an offline preview. Pulumi's mock engine stood in for the Pulumi CLI and Azure; ids above are made up.",
            file.placeholders > 0 ? `${file.placeholders} secret value(s) could not be decrypted offline and were replaced by ${"a placeholder https URL"}.` : "",
            "Azure would still check, at `pulumi preview` / `pulumi up`: that the hubs and the resource group exist and you may write to them;",
            "that no other diagnostic setting on a hub already sends Connections to the same workspace (409); name availability;",
            "quotas (100 one-minute log alert rules per",
            "subscription); and, for a secure webhook, that you may create Entra ID applications and app role assignments.",
            "The log search alerts skip Azure's query validation (skipQueryValidation), which fails before the first IoT Hub logs reach a",
            "workspace; every query was checked here with Microsoft's KQL parser against the AzureDiagnostics schema instead.",
        ]
            .filter((l) => l !== "")
            .join("\n"),
    );
}

runCli(USAGE, main);
