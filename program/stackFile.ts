/**
 * Reads a stack's configuration from its files (`Pulumi.yaml` and `Pulumi.<stack>.yaml`) the way
 * the Pulumi CLI hands it to a program: `"<namespace>:<key>" -> string`, structured values as
 * JSON. Secure (encrypted) values cannot be decrypted offline: they are replaced by a placeholder
 * and their keys reported as secret.
 */
import * as fs from "fs";
import * as path from "path";
import { whyUnreadable } from "./fileErrors";
import { closest } from "../azure/validation";
import { parse } from "yaml";

/** Placeholder that stands in for an encrypted config value offline (an https URL, since secrets here are webhook URLs). */
export const OFFLINE_SECRET_PLACEHOLDER = "https://offline-preview.invalid/secret";

/** A stack's configuration as read from its files. */
export interface StackFile {
    /** Project name from `Pulumi.yaml`. */
    readonly project: string;
    /** Stack name. */
    readonly stack: string;
    /** Path of the stack file read. */
    readonly file: string;
    /** Raw config, `"<namespace>:<key>" -> string`. */
    readonly config: Record<string, string>;
    /** Keys holding at least one secure value. */
    readonly secretKeys: string[];
    /** How many secure values were replaced by the placeholder. */
    readonly placeholders: number;
}

/** A stack file that cannot be read or is not valid YAML of the expected shape. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

function replaceSecure(value: unknown, counter: { n: number }): unknown {
    if (Array.isArray(value)) return value.map((v) => replaceSecure(v, counter));
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        const keys = Object.keys(o);
        if (keys.length === 1 && keys[0] === "secure") {
            counter.n++;
            return OFFLINE_SECRET_PLACEHOLDER;
        }
        return Object.fromEntries(keys.map((k) => [k, replaceSecure(o[k], counter)]));
    }
    return value;
}

/** Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` from `dir`. Throws {@link StackFileError} with the file name for a missing or malformed file. */
export function readStackFile(dir: string, stack: string): StackFile {
    const projectFile = path.join(dir, "Pulumi.yaml");
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new StackFileError(`--stack: "${stack}" is not a stack name (letters, digits, _ . -)`);
    const project = (parseYaml(projectFile, "a project file is YAML with a \"name:\"") as { name?: unknown } | null)?.name;
    if (typeof project !== "string") throw new StackFileError(`${projectFile}: no project name`);
    if (!fs.existsSync(file)) throw new StackFileError(`${path.basename(file)}: no such stack file (stack "${stack}")`);
    const doc = parseYaml(file, 'a stack file is YAML with a "config:" map');
    if (doc === null || doc === undefined) throw new StackFileError(`${path.basename(file)}: the file holds no settings (only comments?); a stack file is YAML with a "config:" map`);
    if (typeof doc !== "object" || Array.isArray(doc)) throw new StackFileError(`${path.basename(file)}: the file is a YAML ${Array.isArray(doc) ? "list" : typeof doc}; a stack file is a YAML map with a "config:" key`);
    for (const top of Object.keys(doc)) {
        if (!STACK_FILE_KEYS.includes(top)) {
            const hint = closest(top, STACK_FILE_KEYS);
            throw new StackFileError(`${path.basename(file)}: "${top}" is not a key of a stack file${hint ? ` (did you mean "${hint}"?)` : ""}; allowed: ${STACK_FILE_KEYS.join(", ")}`);
        }
    }
    const rawConfig = (doc as { config?: unknown }).config ?? {};
    if (typeof rawConfig !== "object" || rawConfig === null || Array.isArray(rawConfig)) throw new StackFileError(`${path.basename(file)}: "config" must be a map`);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    let placeholders = 0;
    for (const [key, value] of Object.entries(rawConfig as Record<string, unknown>)) {
        if (!key.includes(":")) throw new StackFileError(`${path.basename(file)}: config key "${key}" has no namespace (expected "${project}:${key}")`);
        const counter = { n: 0 };
        const infinite = nonFiniteNumber(value, key);
        if (infinite) throw new StackFileError(`${path.basename(file)}: ${infinite.at}: ${String(infinite.value)} is not valid; allowed: a finite number`);
        const v = replaceSecure(value, counter);
        placeholders += counter.n;
        if (counter.n > 0) secretKeys.push(key);
        config[key] = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
    }
    return { project, stack, file, config, secretKeys, placeholders };
}

function parseYaml(file: string, what: string): unknown {
    let text: string;
    try {
        if (fs.existsSync(file) && !fs.statSync(file).isFile()) throw new Error("not a file");
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new StackFileError(`${file}: cannot be read (${whyUnreadable(e)})`);
    }
    if (text.includes("\u0000")) throw new StackFileError(`${path.basename(file)}: not a text file (it holds binary data); ${what}`);
    if (text.includes("\uFFFD")) throw new StackFileError(`${path.basename(file)}: not UTF-8 text (another encoding, or binary data); ${what}, in UTF-8`);
    if (text.trim() === "") throw new StackFileError(`${path.basename(file)}: the file is empty; ${what}`);
    let doc: unknown;
    try {
        doc = parse(text);
    } catch (e) {
        throw new StackFileError(`${path.basename(file)}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
    }
    // An alias inside the node it names makes a cycle, which every later walk would follow for ever.
    if (isCyclic(doc)) throw new StackFileError(`${path.basename(file)}: not valid YAML (an alias refers to the node that holds it)`);
    return doc;
}

function isCyclic(value: unknown, open: Set<object> = new Set()): boolean {
    if (!value || typeof value !== "object") return false;
    if (open.has(value)) return true;
    open.add(value);
    const cyclic = Object.values(value).some((v) => isCyclic(v, open));
    open.delete(value);
    return cyclic;
}

/** The keys a Pulumi stack file may have at its top level. */
const STACK_FILE_KEYS: readonly string[] = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"];

/** The first number in `value` that is not finite (`.inf`, `.nan`, `1e400`), with its key path, if any. */
function nonFiniteNumber(value: unknown, at: string): { at: string; value: number } | undefined {
    if (typeof value === "number") return Number.isFinite(value) ? undefined : { at, value };
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [`${at}[${i}]`, v]) : value && typeof value === "object" ? Object.entries(value).map(([k, v]) => [`${at}.${k}`, v]) : [];
    for (const [path, v] of entries) {
        const found = nonFiniteNumber(v, path);
        if (found) return found;
    }
    return undefined;
}
