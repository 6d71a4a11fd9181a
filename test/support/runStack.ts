/** Runs the program for a sample stack file under the offline engine (once per test file: the mock runtime is process-global). */
import * as path from "path";
import { OfflineEngine } from "../../program/offline";
import { readStackFile } from "../../program/stackFile";
import { parseStackConfig } from "../../program/config";

export const ROOT = path.resolve(__dirname, "../..");

export async function runStack(stack: string): Promise<{ engine: OfflineEngine; profile: string; placeholders: number }> {
    const file = readStackFile(ROOT, stack);
    const settings = parseStackConfig(file.config, file.project, stack);
    const engine = await OfflineEngine.start({ project: file.project, stack, config: file.config, secretKeys: file.secretKeys });
    const { deployStack } = await import("../../program/stack");
    deployStack(settings, { transformations: [engine.transformation] });
    await engine.settle();
    return { engine, profile: settings.profile, placeholders: file.placeholders };
}
