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
import * as fs from "fs";
import * as path from "path";
import { collectInChild, CollectError, materializeRef, type CollectedStack } from "../review/collect";
import { renderDiff, renderStack } from "../review/markdown";
import { DEFAULT_ASSUMPTIONS, diffAlerting, reviewStack, type ReviewAssumptions } from "../review/model";

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

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
    let stack: string | undefined;
    let base: string | undefined;
    let out: string | undefined;
    let assumptions: ReviewAssumptions = DEFAULT_ASSUMPTIONS;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === "") throw new UsageError(`${flag} needs a value; ${USAGE}`);
            return v;
        };
        const positive = (): number => {
            const v = value();
            const n = Number(v);
            if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: "${v}" is not a positive number`);
            return n;
        };
        if (flag === "--stack") stack = value();
        else if (flag === "--base") base = value();
        else if (flag === "--out") out = value();
        else if (flag === "--devices") assumptions = { ...assumptions, devices: Math.round(positive()) };
        else if (flag === "--events-per-device-per-day") assumptions = { ...assumptions, eventsPerDevicePerDay: positive() };
        else if (flag === "--bytes-per-row") assumptions = { ...assumptions, bytesPerRow: positive() };
        else if (flag === "--help" || flag === "-h") {
            console.log(USAGE);
            process.exit(0);
        } else throw new UsageError(`unknown argument "${a}"; ${USAGE}`);
    }
    if (!stack) throw new UsageError(`--stack is required; ${USAGE}`);
    return { stack, base, out, assumptions };
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
        materialized.cleanup();
    }
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    const head = reviewStack(await collectInChild({ codeRoot: ROOT, stack: args.stack }), args.assumptions);
    const changes = args.base === undefined ? undefined : await baseSection(args, head);
    let markdown = `${renderStack(head, { changes })}\n`;
    if (markdown.length > MAX_COMMENT_CHARS) markdown = `${renderStack(head, { changes, includeQueries: false })}\n`;
    if (args.out) fs.writeFileSync(args.out, markdown);
    else process.stdout.write(markdown);
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        console.error(e instanceof UsageError || e instanceof CollectError ? `error: ${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e));
        process.exit(1);
    },
);
