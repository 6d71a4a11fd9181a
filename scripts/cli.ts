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
    const booleans = [...(spec.booleans ?? []), VERBOSE_FLAG];
    const options = {
        ...Object.fromEntries(spec.strings.map((name) => [name, { type: "string" as const }])),
        ...Object.fromEntries(booleans.map((name) => [name, { type: "boolean" as const }])),
        help: { type: "boolean" as const, short: "h" },
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
        const takesValue = !booleans.includes(t.name) && t.name !== "help";
        if (takesValue && ((t as { value?: string }).value ?? "") === "") throw new UsageError(`--${t.name} needs a value; ${usage}`);
    }
    // Help only where it stands as an option: `--stack -h` is a value error, not a request for help.
    if (parsed.values.help === true) {
        console.log(usage);
        process.exit(0);
    }
    const values: Record<string, string | undefined> = {};
    const switches = new Set<string>();
    for (const [name, value] of Object.entries(parsed.values)) {
        if (typeof value === "string") values[name] = value;
        else if (value === true && name !== "help") switches.add(name);
    }
    return { values, switches, positionals: parsed.positionals };
}

/** {@link parseCliCommand} for a script of value flags only (and `--verbose`): the flag values by name. */
export function parseCliArgs(argv: readonly string[], known: readonly string[], usage: string): Record<string, string | undefined> {
    return { ...parseCliCommand(argv, { strings: known }, usage).values };
}

/** Work to undo when the process is stopped by a signal: workers to stop, temporary files to remove; a cleanup may return a note for the stop line (what was kept). */
const cleanups = new Set<() => void | string>();

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

function stopOnSignal(signal: NodeJS.Signals): void {
    const notes: string[] = [];
    for (const cleanup of cleanups) {
        try {
            const note = cleanup();
            if (typeof note === "string") notes.push(note);
        } catch {
            // A cleanup that fails must not keep the process from ending.
        }
    }
    console.error(`error: stopped by ${signal}; no output written${notes.map((n) => `; ${n}`).join("")}`);
    process.exit(128 + SIGNALS[signal as keyof typeof SIGNALS]);
}

/**
 * Registers work to undo if SIGINT, SIGTERM or SIGHUP stops the process during asynchronous work
 * (e.g. the replay's worker threads); returns a function that unregisters it. While anything is
 * registered, those signals run the cleanups, print one line (with the notes cleanups return, e.g. a
 * checkpoint kept for a resume) and exit 128 + the signal's number;
 * otherwise they keep Node's default (the process ends at once), since a handler cannot interrupt
 * synchronous work and would only delay the stop until that work is done.
 */
export function onInterrupt(cleanup: () => void | string): () => void {
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
                // Control characters (a NUL of a UTF-16 file, an escape) are shown escaped, so the error stays one readable line.
                const message = (e instanceof Error ? e.message : String(e)).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
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
        const shown = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4))));
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

/** A time flag given on the command line ({@link isoTimeFlag}'s rules), as epoch milliseconds. */
export function isoTimeFlagMs(name: string, text: string): number {
    return parseExportTime(isoTimeFlag(name, text, text)) as number;
}

/** Whether a process of this id runs (one we may not signal runs too). */
function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/**
 * Removes what killed runs left in `dir`: entries named `<prefix><pid>-...` whose process no longer
 * runs. A signal ends a script at once during synchronous work (see {@link onInterrupt}), before it
 * can remove its temporary files; every temporary name carries the process id, so the next run of a
 * script that writes there removes them.
 */
export function removeStaleTemporaries(dir: string, prefix: string): void {
    let names: string[];
    try {
        names = fs.readdirSync(dir);
    } catch {
        return;
    }
    for (const name of names) {
        const m = name.startsWith(prefix) ? /^(\d+)-/.exec(name.slice(prefix.length)) : null;
        if (!m || Number(m[1]) === process.pid || isRunning(Number(m[1]))) continue;
        fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
}

/** Kernel and device folders, where no output belongs; `/dev/shm` is an ordinary tmpfs and allowed. */
const KERNEL_FOLDERS = /^\/(proc|sys|dev)(\/|$)/;

/**
 * Where `p` really is: the real path of its nearest existing ancestor (symbolic links resolved)
 * joined with the rest, so `/tmp/link-to-proc/x` is judged as `/proc/x`.
 */
function realLocation(p: string): string {
    let existing = p;
    const rest: string[] = [];
    while (!fs.existsSync(existing) && path.dirname(existing) !== existing) {
        rest.unshift(path.basename(existing));
        existing = path.dirname(existing);
    }
    try {
        return path.join(fs.realpathSync(existing), ...rest);
    } catch {
        return p;
    }
}

function isKernelFolder(p: string): boolean {
    return KERNEL_FOLDERS.test(p) && !/^\/dev\/shm(\/|$)/.test(p);
}

/**
 * An output file flag, checked before any work: the extension is one of `extensions`; the real
 * folder (links resolved) is not a kernel or device folder, exists and takes a file (a probe file is
 * written and removed, so a read-only folder or file system is found now, not after the work); an
 * existing target is a regular file that may be written.
 */
export function outputFileFlag(name: string, text: string | undefined, extensions: readonly string[]): string {
    if (text === undefined || text === "") throw new UsageError(`--${name} is required: the file to write (${extensions.join(", ")})`);
    const file = path.resolve(text);
    const ext = extensions.find((e) => file.toLowerCase().endsWith(e));
    if (!ext) throw new UsageError(`--${name}: "${text}" is not valid; allowed: a file ending ${extensions.join(", ")}`);
    const real = realLocation(file);
    const dir = path.dirname(real);
    if (isKernelFolder(real)) throw new UsageError(`--${name}: "${text}" is not valid; ${dir} is a kernel or device folder, not a place for files`);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--${name}: "${text}" is not valid; its folder ${path.dirname(file)} does not exist or cannot be written`);
    if (fs.existsSync(real)) {
        if (!fs.statSync(real).isFile()) throw new UsageError(`--${name}: "${text}" is not valid; it is a folder or device, not a file`);
        try {
            fs.accessSync(real, fs.constants.W_OK);
        } catch {
            throw new UsageError(`--${name}: "${text}" is not valid; the file exists and is read-only`);
        }
    }
    removeStaleTemporaries(dir, ".tmp-");
    const probe = path.join(dir, `.tmp-${process.pid}-probe-${path.basename(real)}`);
    try {
        fs.writeFileSync(probe, "");
    } catch (e) {
        throw new UsageError(`--${name}: "${text}" is not valid; its folder ${path.dirname(file)} does not exist or cannot be written (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    } finally {
        fs.rmSync(probe, { force: true });
    }
    return file;
}

/**
 * An output folder flag, checked before any work: its real location (links resolved) is not a
 * kernel or device folder, and it is either an existing writable folder or a new one whose parent
 * exists and is writable. Returns the absolute path.
 */
export function outputFolderFlag(name: string, text: string): string {
    const dir = path.resolve(text);
    const real = realLocation(dir);
    if (isKernelFolder(real)) throw new UsageError(`--${name}: "${text}" is not valid; ${real} is a kernel or device folder, not a place for files`);
    if (fs.existsSync(real) && !fs.statSync(real).isDirectory()) throw new UsageError(`--${name}: "${text}" is not valid; allowed: a folder (it is a file)`);
    const writable = fs.existsSync(real) ? real : path.dirname(real);
    try {
        if (!fs.statSync(writable).isDirectory()) throw new Error("not a folder");
        fs.accessSync(writable, fs.constants.W_OK);
    } catch {
        throw new UsageError(`--${name}: "${text}" is not valid; ${writable} does not exist or cannot be written`);
    }
    return dir;
}

/**
 * Writes a file atomically: the content goes to a temporary file beside it, renamed over the target
 * at the end; on failure nothing is left, and the error names `flag` (the option that named the file).
 */
export function writeFileAtomically(file: string, write: (tempPath: string) => void, flag?: string): void {
    // The temporary name keeps the target's extension, for writers that choose the format by it.
    const temp = path.join(path.dirname(file), `.tmp-${process.pid}-${path.basename(file)}`);
    try {
        write(temp);
        fs.renameSync(temp, file);
    } catch (e) {
        fs.rmSync(temp, { force: true });
        if (flag === undefined || e instanceof UsageError) throw e;
        throw new UsageError(`--${flag}: could not write "${file}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split("\n")[0]}); nothing written`);
    }
}
