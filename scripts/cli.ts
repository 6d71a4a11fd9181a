/**
 * Small helpers shared by the command-line scripts: `--name value` argument parsing and a runner
 * that prints expected errors as one line (exit 1) and unexpected ones with their stack.
 */
import { ValidationError } from "../azure/validation";
import { StackFileError } from "../program/stackFile";

/** An error in the command line itself. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** Parses `--name value` / `--name=value` arguments; any name outside `known` is a {@link UsageError}. `--help` prints `usage` and exits 0. */
export function parseCliArgs(argv: readonly string[], known: readonly string[], usage: string): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = {};
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--help" || a === "-h") {
            console.log(usage);
            process.exit(0);
        }
        const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
        if (!m || !known.includes(m[1])) throw new UsageError(`unknown argument "${a}"; ${usage}`);
        const value = m[2] ?? argv[++i];
        if (value === undefined || value.startsWith("--")) throw new UsageError(`--${m[1]} needs a value; ${usage}`);
        out[m[1]] = value;
    }
    return out;
}

/** Runs a script's body; expected errors (usage, validation, stack file, or any named `*FileError`) print one line and exit 1. */
export function runCli(usage: string, body: () => void | Promise<void>): void {
    Promise.resolve()
        .then(body)
        .then(
            () => process.exit(0),
            (e: unknown) => {
                const expected = e instanceof UsageError || e instanceof ValidationError || e instanceof StackFileError || (e instanceof Error && /Error$/.test(e.name) && e.name !== "Error" && e.name !== "TypeError" && e.name !== "RangeError");
                if (expected || (e instanceof Error && e.message.includes(usage))) console.error(`error: ${(e as Error).message}`);
                else console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
                process.exit(1);
            },
        );
}
