/**
 * The backtest's checkpoint: a JSON Lines journal beside the output (`<out>.checkpoint.jsonl`) of
 * every evaluation answered so far, so an interrupted run (a signal, a lost connection, a killed
 * process) resumes where it stopped with `--resume`, and no evaluation is queried twice or left out.
 *
 * The first line names the run (a fingerprint of the workspace, span and every rule's query and
 * settings); each further line is one evaluation: its rule, time and firings, or the limit it hit.
 * A line is appended as soon as its evaluation is answered, so a killed process loses at most the
 * evaluations in flight; a last line cut short by the kill is ignored (that evaluation is redone);
 * any other unreadable line, or a checkpoint of another run, is refused with one line.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import type { Firing } from "../replay/engine";
import type { QueryLimit } from "./workspace";

/** The format's version, in the first line. */
const FORMAT = 1;

/** One answered evaluation as the checkpoint keeps it. */
export type EvaluationRecord =
    | { readonly rule: string; readonly t: number; readonly firings: readonly Firing[] }
    | { readonly rule: string; readonly t: number; readonly failed: { readonly limit: QueryLimit; readonly message: string } };

/** The key of an evaluation: its rule and time. */
export function evaluationKey(rule: string, t: number): string {
    return `${rule}@${t}`;
}

/** A checkpoint that cannot be used: another run's, or damaged. */
export class CheckpointFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CheckpointFileError";
    }
}

/** SHA-256 (hex) of a run's identity: whatever must be equal for a checkpoint's answers to stand. */
export function runFingerprint(identity: unknown): string {
    return createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}

/** The path of the checkpoint of an output file. */
export function checkpointPath(out: string): string {
    return `${out}.checkpoint.jsonl`;
}

/** What a checkpoint holds: the answered evaluations by key (the last line of a key wins). */
export interface CheckpointContents {
    readonly records: ReadonlyMap<string, EvaluationRecord>;
    /** Whether the last line was cut short (and ignored). */
    readonly truncatedTail: boolean;
}

function isRecord(v: unknown): v is EvaluationRecord {
    if (typeof v !== "object" || v === null) return false;
    const r = v as Record<string, unknown>;
    return typeof r.rule === "string" && typeof r.t === "number" && (Array.isArray(r.firings) || (typeof r.failed === "object" && r.failed !== null));
}

/** Reads the checkpoint at `file`, refusing it when it was written for another run than `fingerprint`. */
export function readCheckpoint(file: string, fingerprint: string): CheckpointContents {
    const text = fs.readFileSync(file, "utf8");
    const lines = text.split("\n");
    // A complete checkpoint ends in a newline: the text after the last one is a line a kill cut short.
    const tail = lines.pop() ?? "";
    const truncatedTail = tail.length > 0;
    if (lines.length === 0) throw new CheckpointFileError(`${file}: not a backtest checkpoint (no header line); delete it to start over`);
    let header: { backtestCheckpoint?: unknown; fingerprint?: unknown };
    try {
        header = JSON.parse(lines[0]) as typeof header;
    } catch {
        throw new CheckpointFileError(`${file}:1: not a backtest checkpoint; delete it to start over`);
    }
    if (header.backtestCheckpoint !== FORMAT) throw new CheckpointFileError(`${file}:1: not a backtest checkpoint of this version; delete it to start over`);
    if (header.fingerprint !== fingerprint) {
        throw new CheckpointFileError(`${file}: the checkpoint is of another run (other workspace, span, rules or stack settings); run with the flags and stack of that run, or delete it to start over`);
    }
    const records = new Map<string, EvaluationRecord>();
    lines.slice(1).forEach((line, i) => {
        let value: unknown;
        try {
            value = JSON.parse(line);
        } catch {
            value = undefined;
        }
        if (!isRecord(value)) throw new CheckpointFileError(`${file}:${i + 2}: damaged checkpoint line; delete the file to start over`);
        records.set(evaluationKey(value.rule, value.t), value);
    });
    return { records, truncatedTail };
}

/** Appends answered evaluations to a checkpoint file, one line each, as they come. */
export class CheckpointWriter {
    private fd: number;

    /** Opens `file` for appending; a new file (`fresh`) gets the header line, an existing one is cut back to its last complete line. */
    constructor(
        readonly file: string,
        fingerprint: string,
        fresh: boolean,
    ) {
        if (fresh) {
            fs.writeFileSync(file, JSON.stringify({ backtestCheckpoint: FORMAT, fingerprint }) + "\n", { flag: "wx" });
        } else {
            // A line cut short by a kill is cut off, at a byte offset (the text may hold characters of several bytes).
            const bytes = fs.readFileSync(file);
            const end = bytes.lastIndexOf(0x0a) + 1;
            if (end < bytes.length) fs.truncateSync(file, end);
        }
        this.fd = fs.openSync(file, "a");
    }

    /** Appends one evaluation (one write of one line). */
    append(record: EvaluationRecord): void {
        fs.writeSync(this.fd, JSON.stringify(record) + "\n");
    }

    /** Closes the file; further appends are refused. */
    close(): void {
        if (this.fd >= 0) fs.closeSync(this.fd);
        this.fd = -1;
    }
}
