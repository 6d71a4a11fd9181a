/**
 * Small helpers shared by the command-line scripts: `--name value` argument parsing and a runner
 * that prints expected errors as one line (exit 1) and unexpected ones with their stack.
 */
import { parseArgs } from "util";
import { ValidationError } from "../azure/validation";
import { StackFileError } from "../program/stackFile";

/** An error in the command line itself. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/**
 * Parses `--name value` / `--name=value` arguments with Node's own `util.parseArgs` (strict: no
 * positionals, every option a string). Unknown, repeated and value-less flags are a
 * {@link UsageError} naming the flag; `--help` prints `usage` and exits 0.
 */
export function parseCliArgs(argv: readonly string[], known: readonly string[], usage: string): Record<string, string | undefined> {
    if (argv.includes("--help") || argv.includes("-h")) {
        console.log(usage);
        process.exit(0);
    }
    const options = Object.fromEntries(known.map((name) => [name, { type: "string" as const }]));
    let parsed: ReturnType<typeof parseArgs<{ options: typeof options; strict: true; allowPositionals: false; tokens: true; args: string[] }>>;
    try {
        parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false, tokens: true });
    } catch (e) {
        const message = (e as Error).message.split("\n")[0].replace(/\s*To specify an option argument starting with a dash use .*$/, "");
        throw new UsageError(`${message}; ${usage}`);
    }
    const seen = new Set<string>();
    for (const t of parsed.tokens ?? []) {
        if (t.kind !== "option") continue;
        if (seen.has(t.name)) throw new UsageError(`--${t.name} is given twice; give it once; ${usage}`);
        seen.add(t.name);
        if (t.value === undefined || t.value === "") throw new UsageError(`--${t.name} needs a value; ${usage}`);
    }
    return parsed.values as Record<string, string | undefined>;
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
