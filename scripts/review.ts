/**
 * `npm run review -- --stack <name> [--base <git ref>] [--out <file>] [--devices N]
 * [--events-per-device-per-day N] [--bytes-per-row N]`: writes the Markdown a pull request needs
 * to review the 404104 alerting of one stack: every alert with its KQL, condition, severity,
 * schedule, action groups, expected time to detect and estimated monthly cost (with the price
 * table's date and the assumptions), and, with `--base`, what changed since that ref.
 *
 * Each side runs its own code against its own stack file under the offline engine, in its own
 * child process (Pulumi's mock runtime is set up once per process): the working tree for the head,
 * and the base ref's files extracted to a temporary folder (with this checkout's node_modules) for
 * the base. Today's report code renders both, so only the alerting can differ, not the rendering.
 * Prints to stdout, or to `--out`. Exits 1 with a one-line message on bad arguments or when the
 * head stack cannot be built; a base that cannot be built is reported in the Markdown instead.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { collectInChild, materializeRef, REVIEW_TEMP_PREFIX, type CollectedStack } from "../review/collect";
import { renderDiff, renderStack } from "../review/markdown";
import { DEFAULT_ASSUMPTIONS, diffAlerting, reviewStack, type ReviewAssumptions } from "../review/model";
import { numberFlag, onInterrupt, outputFileFlag, parseCliArgs, removeStaleTemporaries, runCli, UsageError, writeFileAtomically } from "./cli";

const ROOT = path.resolve(__dirname, "..");

/** GitHub refuses comments longer than 65,536 characters; above this the report leaves the KQL out. */
const MAX_COMMENT_CHARS = 65_000;

const USAGE =
    "usage: npm run review -- --stack <name> [--base <git ref>] [--out <file>] [--devices N] [--events-per-device-per-day N] [--bytes-per-row N]";

/** Parsed command line. */
interface Args {
    readonly stack: string;
    readonly base?: string;
    readonly out?: string;
    readonly assumptions: ReviewAssumptions;
}

/** The most devices per hub the cost estimate takes: the documented per-hub quota of IoT Hub is a million devices. */
const MAX_DEVICES = 1_000_000;

function parseReviewArgs(argv: readonly string[]): Args {
    const a = parseCliArgs(argv, ["stack", "base", "out", "devices", "events-per-device-per-day", "bytes-per-row"], USAGE);
    if (a.stack === undefined) throw new UsageError(`--stack is required; ${USAGE}`);
    const out = a.out === undefined ? undefined : outputFileFlag("out", a.out, [".md", ".markdown", ".txt"]);
    if (a.base !== undefined) {
        try {
            execFileSync("git", ["rev-parse", "--verify", "--quiet", `${a.base}^{commit}`], { cwd: ROOT, stdio: "pipe" });
        } catch {
            throw new UsageError(`--base: "${a.base}" is not a commit, branch or tag of this repository (git rev-parse found none); check the spelling or fetch it first`);
        }
    }
    const assumptions: ReviewAssumptions = {
        ...DEFAULT_ASSUMPTIONS,
        ...(a.devices === undefined ? {} : { devices: numberFlag("devices", a.devices, DEFAULT_ASSUMPTIONS.devices ?? 1000, { min: 1, max: MAX_DEVICES, integer: true }) }),
        ...(a["events-per-device-per-day"] === undefined ? {} : { eventsPerDevicePerDay: numberFlag("events-per-device-per-day", a["events-per-device-per-day"], 48, { min: 0.001, max: 100_000, integer: false }) }),
        ...(a["bytes-per-row"] === undefined ? {} : { bytesPerRow: numberFlag("bytes-per-row", a["bytes-per-row"], 900, { min: 1, max: 1_000_000, integer: false }) }),
    };
    return { stack: a.stack, base: a.base, out, assumptions };
}

async function baseSection(args: Args, head: ReturnType<typeof reviewStack>): Promise<string> {
    const ref = args.base as string;
    let materialized: ReturnType<typeof materializeRef>;
    try {
        materialized = materializeRef(ROOT, ref);
    } catch (e) {
        return `### Changes to the alerting since \`${ref}\`\n\nNot compared: ${(e as Error).message}`;
    }
    const label = `\`${ref}\` (${materialized.commit.slice(0, 12)})`;
    // A signal while the base's program runs (in a child process) removes the extracted copy before the process ends.
    const unregister = onInterrupt(materialized.cleanup);
    try {
        if (!fs.existsSync(path.join(materialized.dir, `Pulumi.${args.stack}.yaml`))) return renderDiff(undefined, head, undefined, label);
        let collected: CollectedStack;
        try {
            collected = await collectInChild({ codeRoot: materialized.dir, stack: args.stack });
        } catch (e) {
            return `### Changes to the alerting since ${label}\n\nNot compared: the base's program could not be run for stack \`${args.stack}\`: ${(e as Error).message}`;
        }
        const base = reviewStack(collected, args.assumptions);
        return renderDiff(base, head, diffAlerting(base, head), label);
    } finally {
        unregister();
        materialized.cleanup();
    }
}

async function main(): Promise<void> {
    const args = parseReviewArgs(process.argv.slice(2));
    removeStaleTemporaries(os.tmpdir(), REVIEW_TEMP_PREFIX);
    const head = reviewStack(await collectInChild({ codeRoot: ROOT, stack: args.stack }), args.assumptions);
    const changes = args.base === undefined ? undefined : await baseSection(args, head);
    let markdown = `${renderStack(head, { changes })}\n`;
    if (markdown.length > MAX_COMMENT_CHARS) markdown = `${renderStack(head, { changes, includeQueries: false })}\n`;
    if (args.out) writeFileAtomically(args.out, (temp) => fs.writeFileSync(temp, markdown), "out");
    else process.stdout.write(markdown);
}

runCli(USAGE, main);
