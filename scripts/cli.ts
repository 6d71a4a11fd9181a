/**
 * Small helpers shared by the command-line scripts: `--name value` argument parsing and a runner
 * that prints expected errors as one line (exit 1) and unexpected ones with their stack.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ValidationError } from "../azure/validation";
import { parseExportTime } from "../replay/times";
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
    const parsed = (() => {
        try {
            return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false, tokens: true });
        } catch (e) {
            const message = (e as Error).message.split("\n")[0];
            const ambiguous = /^Option '(--[a-z-]+)' argument is ambiguous/.exec(message);
            if (ambiguous) throw new UsageError(`${ambiguous[1]}: a value starting with "-" is written ${ambiguous[1]}=<value>; ${usage}`);
            throw new UsageError(`${message.replace(/\s*To specify an option argument starting with a dash use .*$/, "")}; ${usage}`);
        }
    })();
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
            () => process.exit(process.exitCode ?? 0),
            (e: unknown) => {
                const expected = e instanceof UsageError || e instanceof ValidationError || e instanceof StackFileError || (e instanceof Error && /Error$/.test(e.name) && e.name !== "Error" && e.name !== "TypeError" && e.name !== "RangeError");
                if (expected || (e instanceof Error && e.message.includes(usage))) console.error(`error: ${(e as Error).message}`);
                else console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
                process.exit(1);
            },
        );
}

/** A number flag: finite, within `min..max`, whole when `integer`; anything else is a {@link UsageError} naming the flag, the value and the range. */
export function numberFlag(name: string, text: string | undefined, fallback: number, range: { min: number; max: number; integer: boolean }): number {
    if (text === undefined) return fallback;
    const value = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isFinite(value) || value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
        throw new UsageError(`--${name}: "${text}" is not valid; allowed: ${range.integer ? "a whole number" : "a number"} from ${range.min} to ${range.max}`);
    }
    return value;
}

/** One of a fixed set of values, or the fallback when the flag is absent. */
export function choiceFlag<T extends string>(name: string, text: string | undefined, fallback: T, allowed: readonly T[]): T {
    if (text === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`--${name}: "${text}" is not valid; allowed: ${allowed.join(", ")}`);
    return text as T;
}

/**
 * An ISO 8601 time with a date, a time of day and an explicit offset (`2026-11-20T00:00:00Z`,
 * `...+01:00`), of a day that exists: the export reader's own time parser ({@link parseExportTime})
 * judges the date, and the offset is required on top, since a flag has no time zone to assume.
 */
export function isoTimeFlag(name: string, text: string | undefined, fallback: string): string {
    if (text === undefined) return fallback;
    if (!/T.*(Z|[+-]\d{2}:\d{2})$/.test(text) || parseExportTime(text) === undefined) {
        throw new UsageError(`--${name}: "${text}" is not valid; allowed: an ISO 8601 time with an offset, e.g. 2026-11-20T00:00:00Z`);
    }
    return text;
}

/**
 * An output file flag, checked before any work: the folder exists and is a writable folder, the
 * path is not a folder, and its extension is one of `extensions`.
 */
export function outputFileFlag(name: string, text: string | undefined, extensions: readonly string[]): string {
    if (text === undefined || text === "") throw new UsageError(`--${name} is required: the file to write (${extensions.join(", ")})`);
    const file = path.resolve(text);
    const ext = extensions.find((e) => file.toLowerCase().endsWith(e));
    if (!ext) throw new UsageError(`--${name}: "${text}" is not valid; allowed: a file ending ${extensions.join(", ")}`);
    const dir = path.dirname(file);
    if (/^\/(proc|sys|dev)(\/|$)/.test(dir)) throw new UsageError(`--${name}: "${text}" is not valid; ${dir} is a kernel or device folder, not a place for files`);
    let dirOk = false;
    try {
        dirOk = fs.statSync(dir).isDirectory();
        fs.accessSync(dir, fs.constants.W_OK);
    } catch {
        dirOk = false;
    }
    if (!dirOk) throw new UsageError(`--${name}: "${text}" is not valid; its folder ${dir} does not exist or cannot be written`);
    if (fs.existsSync(file) && !fs.statSync(file).isFile()) throw new UsageError(`--${name}: "${text}" is not valid; it is a folder or device, not a file`);
    return file;
}

/** Writes a file atomically: the content goes to a temporary file beside it, renamed over the target at the end; on failure nothing is left. */
export function writeFileAtomically(file: string, write: (tempPath: string) => void): void {
    // The temporary name keeps the target's extension, for writers that choose the format by it.
    const temp = path.join(path.dirname(file), `.tmp-${process.pid}-${path.basename(file)}`);
    try {
        write(temp);
        fs.renameSync(temp, file);
    } catch (e) {
        fs.rmSync(temp, { force: true });
        throw e;
    }
}
