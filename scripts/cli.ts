/**
 * The argument layer shared by every command-line script: `--name value` / `--name=value` parsing
 * on Node's `util.parseArgs`, typed flag readers (numbers, choices, times, output files), atomic
 * writes, and a runner that prints every error as one line (the stack only with `--verbose`) and
 * always exits; SIGINT, SIGTERM and SIGHUP stop asynchronous work (the replay's workers) cleanly.
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

/** What a script accepts: string flags, boolean switches, and whether it takes positional arguments (files). */
export interface CliSpec {
    /** Flags that take a value (`--name value`, `--name=value`). */
    readonly strings: readonly string[];
    /** Switches without a value (`--compare`); `--verbose` is always accepted. */
    readonly booleans?: readonly string[];
    /** Whether positional arguments are allowed (e.g. kql:check's files); default: refused. */
    readonly positionals?: boolean;
}

/** A parsed command line: flag values by name, switches that were given, and positional arguments. */
export interface ParsedCli {
    readonly values: Readonly<Record<string, string | undefined>>;
    readonly switches: ReadonlySet<string>;
    readonly positionals: readonly string[];
}

/** The switch every script accepts: print an unexpected error's stack instead of its one line. */
export const VERBOSE_FLAG = "verbose";

/**
 * Parses a command line with Node's own `util.parseArgs` (strict). Unknown, repeated and
 * value-less flags, values given to switches and unexpected positionals are a {@link UsageError}
 * naming the flag; `--help` prints `usage` and exits 0.
 */
export function parseCliCommand(argv: readonly string[], spec: CliSpec, usage: string): ParsedCli {
    if (argv.includes("--help") || argv.includes("-h")) {
        console.log(usage);
        process.exit(0);
    }
    const booleans = [...(spec.booleans ?? []), VERBOSE_FLAG];
    const options = {
        ...Object.fromEntries(spec.strings.map((name) => [name, { type: "string" as const }])),
        ...Object.fromEntries(booleans.map((name) => [name, { type: "boolean" as const }])),
    };
    const parsed = (() => {
        try {
            return parseArgs({ args: [...argv], options, strict: true, allowPositionals: spec.positionals === true, tokens: true });
        } catch (e) {
            const message = (e as Error).message.split("\n")[0];
            const ambiguous = /^Option '(--[a-z-]+)' argument is ambiguous/.exec(message);
            if (ambiguous) throw new UsageError(`${ambiguous[1]}: a value starting with "-" is written ${ambiguous[1]}=<value>; ${usage}`);
            const unknown = /^Unknown option '([^']+)'/.exec(message);
            if (unknown) {
                const allowed = [...spec.strings, ...booleans].map((n) => `--${n}`).join(", ");
                throw new UsageError(`${unknown[1]} is not a flag of this command; allowed: ${allowed}; ${usage}`);
            }
            throw new UsageError(`${message.replace(/\.?\s*To specify an? (option|positional) argument starting with a .*$/, "")}; ${usage}`);
        }
    })();
    const seen = new Set<string>();
    for (const t of parsed.tokens ?? []) {
        if (t.kind !== "option") continue;
        if (seen.has(t.name)) throw new UsageError(`--${t.name} is given twice; give it once; ${usage}`);
        seen.add(t.name);
        if (!booleans.includes(t.name) && (t.value === undefined || t.value === "")) throw new UsageError(`--${t.name} needs a value; ${usage}`);
    }
    const values: Record<string, string | undefined> = {};
    const switches = new Set<string>();
    for (const [name, value] of Object.entries(parsed.values)) {
        if (typeof value === "string") values[name] = value;
        else if (value === true) switches.add(name);
    }
    return { values, switches, positionals: parsed.positionals };
}

/** {@link parseCliCommand} for a script of value flags only (and `--verbose`): the flag values by name. */
export function parseCliArgs(argv: readonly string[], known: readonly string[], usage: string): Record<string, string | undefined> {
    return { ...parseCliCommand(argv, { strings: known }, usage).values };
}

/** Work to undo when the process is stopped by a signal: workers to stop, temporary files to remove. */
const cleanups = new Set<() => void>();

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

function stopOnSignal(signal: NodeJS.Signals): void {
    for (const cleanup of cleanups) {
        try {
            cleanup();
        } catch {
            // A cleanup that fails must not keep the process from ending.
        }
    }
    console.error(`error: stopped by ${signal}; no output written`);
    process.exit(128 + SIGNALS[signal as keyof typeof SIGNALS]);
}

/**
 * Registers work to undo if SIGINT, SIGTERM or SIGHUP stops the process during asynchronous work
 * (e.g. the replay's worker threads); returns a function that unregisters it. While anything is
 * registered, those signals run the cleanups, print one line and exit 128 + the signal's number;
 * otherwise they keep Node's default (the process ends at once), since a handler cannot interrupt
 * synchronous work and would only delay the stop until that work is done.
 */
export function onInterrupt(cleanup: () => void): () => void {
    if (cleanups.size === 0) for (const signal of Object.keys(SIGNALS)) process.on(signal, stopOnSignal);
    cleanups.add(cleanup);
    return () => {
        cleanups.delete(cleanup);
        if (cleanups.size === 0) for (const signal of Object.keys(SIGNALS)) process.off(signal, stopOnSignal);
    };
}

function isExpected(e: unknown, usage: string): boolean {
    if (e instanceof UsageError || e instanceof ValidationError || e instanceof StackFileError) return true;
    if (!(e instanceof Error)) return false;
    return (/Error$/.test(e.name) && !["Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError"].includes(e.name)) || e.message.includes(usage);
}

/**
 * Runs a script's body and always ends the process. Expected errors (usage, validation, stack
 * file, any named `*FileError`) print `error: <message>`; an unexpected one prints its first line
 * and a hint, or its stack with `--verbose`; both exit 1. Signals: see {@link onInterrupt}.
 */
export function runCli(usage: string, body: () => void | Promise<void>): void {
    const verbose = process.argv.slice(2).includes(`--${VERBOSE_FLAG}`);
    Promise.resolve()
        .then(body)
        .then(
            () => process.exit(process.exitCode ?? 0),
            (e: unknown) => {
                const message = e instanceof Error ? e.message : String(e);
                if (isExpected(e, usage)) console.error(`error: ${message.split("\n")[0]}`);
                else if (verbose) console.error(e instanceof Error ? (e.stack ?? message) : message);
                else console.error(`error: ${message.split("\n")[0]} (an unexpected error; run again with --verbose for its stack)`);
                process.exit(1);
            },
        );
}

/** A number flag: finite, within `min..max`, whole when `integer`; anything else is a {@link UsageError} naming the flag, the value and the range. */
export function numberFlag(name: string, text: string | undefined, fallback: number, range: { min: number; max: number; integer: boolean }): number {
    if (text === undefined) return fallback;
    const value = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isFinite(value) || value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
        const shown = (n: number): string => String(Number(n.toPrecision(4)));
        throw new UsageError(`--${name}: "${text}" is not valid; allowed: ${range.integer ? "a whole number" : "a number"} from ${shown(range.min)} to ${shown(range.max)}`);
    }
    return value;
}

/** The most device-hours one run may generate (10,000 devices for 10 days): about 24 million rows, within the memory of a development machine. */
export const MAX_DEVICE_HOURS = 10_000 * 240;

/** Refuses `--devices` x `--hours` over `hubs` hubs beyond {@link MAX_DEVICE_HOURS}, naming both flags and what to do instead. */
export function requireDeviceHours(devices: number, hours: number, hubs: number, instead: string): void {
    if (devices * hubs * hours > MAX_DEVICE_HOURS) {
        throw new UsageError(`--devices ${devices} x --hours ${hours} on ${hubs} hub(s) is ${devices * hubs * hours} device-hours; allowed: at most ${MAX_DEVICE_HOURS} in one run (${instead})`);
    }
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

/**
 * An output folder flag, checked before any work: not a kernel or device folder, and either an
 * existing writable folder or a new one whose parent exists and is writable. Returns the absolute path.
 */
export function outputFolderFlag(name: string, text: string): string {
    const dir = path.resolve(text);
    if (/^\/(proc|sys|dev)(\/|$)/.test(dir)) throw new UsageError(`--${name}: "${text}" is not valid; ${dir} is a kernel or device folder, not a place for files`);
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UsageError(`--${name}: "${text}" is not valid; allowed: a folder (it is a file)`);
    const writable = fs.existsSync(dir) ? dir : path.dirname(dir);
    try {
        if (!fs.statSync(writable).isDirectory()) throw new Error("not a folder");
        fs.accessSync(writable, fs.constants.W_OK);
    } catch {
        throw new UsageError(`--${name}: "${text}" is not valid; ${writable} does not exist or cannot be written`);
    }
    return dir;
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
