/**
 * The text layer of exported logs: a file read as a stream of chunks (an export of a day of a large
 * fleet is larger than the longest string V8 can hold, about 512 MB), split into JSON Lines lines or
 * RFC 4180 CSV records across chunk boundaries, each with the line it starts on. What the records
 * mean is `logs.ts`'s job.
 */
import * as fs from "fs";
import { StringDecoder } from "string_decoder";
import { whyUnreadable } from "../program/fileErrors";

/** A file that cannot be read or whose header is unusable: the message names the file. */
export class LogFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "LogFileError";
    }
}

/**
 * Bytes read at a time; a chunk never splits a UTF-8 character (the decoder holds partial ones
 * back). Small enough that a chunk's text is an ordinary young object of the JavaScript heap: text of
 * 4 MiB chunks went to V8's large-object space, fresh memory from the system for every chunk (a
 * 663 MiB export read with 290,000 page faults and 0.6 s of system time, against 110,000 and 0.3 s).
 */
const CHUNK_BYTES = 64 * 1024;

/** Bytes `[start, end)` of a file. */
export interface ByteRange {
    readonly start: number;
    readonly end: number;
}

/**
 * Opens `file` and returns its text as chunks, read on demand; the file is opened at once, so a file
 * that cannot be read throws {@link LogFileError} here, not at the first chunk. A leading byte-order
 * mark is dropped. With `range`, only those bytes are read (a range must start and end between
 * characters, e.g. after a line's `\n`).
 */
export function textChunks(file: string, range?: ByteRange): IterableIterator<string> {
    let fd: number;
    try {
        // Checked before opening: opening a named pipe for reading waits for a writer, for ever.
        if (!fs.statSync(file).isFile()) throw new Error("not a file");
        fd = fs.openSync(file, "r");
    } catch (e) {
        throw new LogFileError(`${file}: cannot be read (${whyUnreadable(e)})`);
    }
    return (function* () {
        const buffer = Buffer.alloc(CHUNK_BYTES);
        const decoder = new StringDecoder("utf8");
        let position = range?.start ?? 0;
        let first = position === 0;
        try {
            for (;;) {
                const wanted = range === undefined ? CHUNK_BYTES : Math.min(CHUNK_BYTES, range.end - position);
                const n = wanted <= 0 ? 0 : fs.readSync(fd, buffer, 0, wanted, position);
                position += n;
                let text = n === 0 ? decoder.end() : decoder.write(buffer.subarray(0, n));
                if (first && text.length > 0) {
                    text = text.replace(/^\uFEFF/, "");
                    first = false;
                }
                if (text.length > 0) yield text;
                if (n === 0) return;
            }
        } finally {
            fs.closeSync(fd);
        }
    })();
}

/** The size of a file in bytes; 0 when it cannot be read (the reader then says why). */
export function fileSize(file: string): number {
    try {
        return fs.statSync(file).size;
    } catch {
        return 0;
    }
}

/**
 * Where to cut a file in two for reading in parallel: the byte after the first `\n` at or after
 * the middle; `undefined` when there is none (the second part would be empty).
 */
export function lineBoundaryNearMiddle(file: string): number | undefined {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, "r");
    try {
        const buffer = Buffer.alloc(64 * 1024);
        for (let position = Math.floor(size / 2); position < size; ) {
            const n = fs.readSync(fd, buffer, 0, buffer.length, position);
            if (n === 0) return undefined;
            const nl = buffer.subarray(0, n).indexOf(10);
            if (nl !== -1) return position + nl + 1 < size ? position + nl + 1 : undefined;
            position += n;
        }
        return undefined;
    } finally {
        fs.closeSync(fd);
    }
}

/** The lines of chunked text (split on `\n`, a trailing `\r` kept for the caller to trim), each with its 1-based number. */
export function* textLines(chunks: Iterable<string>): Generator<{ line: number; text: string }> {
    let line = 1;
    let rest = "";
    for (const chunk of chunks) {
        let from = 0;
        for (let nl = chunk.indexOf("\n"); nl !== -1; nl = chunk.indexOf("\n", from)) {
            yield { line: line++, text: rest + chunk.slice(from, nl) };
            rest = "";
            from = nl + 1;
        }
        rest += chunk.slice(from);
    }
    if (rest.length > 0) yield { line, text: rest };
}

/** Says which lines a malformed record took in: a stray quote can join the lines after it into one record. */
function spanNote(first: number, last: number): string {
    return ` (lines ${first} to ${last} were read as this one record)`;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Splits CSV into records (RFC 4180: quotes, doubled quotes, newlines in quoted fields), with the line
 * each record starts on; blank lines are skipped. Takes the whole text or its chunks: a quote, a
 * doubled quote or a CRLF split across two chunks reads the same as in one. A record with a quote
 * inside an unquoted field (kept as a character, so the next lines are still read as records), text
 * after a closing quote, or a quoted field not closed by the end of the file carries an `error`.
 */
export function* csvRecords(text: string | Iterable<string>): Generator<{ line: number; fields: string[]; error?: string }> {
    let line = 1;
    let start = 1;
    let fields: string[] = [];
    let field = "";
    let error: string | undefined;
    let inQuotes = false;
    let quoteInQuotes = false; // a quote seen inside quotes: a doubled quote or the closing one, told by the next character
    let afterCR = false; // a record ended at \r: a \n right after it belongs to the same line end
    const isBlank = () => fields.length === 1 && fields[0] === "" && error === undefined;
    for (const chunk of typeof text === "string" ? [text] : text) {
        const n = chunk.length;
        let i = 0;
        while (i < n) {
            if (afterCR) {
                afterCR = false;
                if (chunk.charCodeAt(i) === LF) {
                    i++;
                    continue;
                }
            }
            if (quoteInQuotes) {
                quoteInQuotes = false;
                const next = chunk.charCodeAt(i);
                if (next === QUOTE) {
                    field += '"';
                    i++;
                    continue;
                }
                inQuotes = false;
                if (next !== COMMA && next !== LF && next !== CR) error ??= `text after the closing quote of a quoted field (column ${fields.length + 1})`;
            }
            if (inQuotes) {
                let j = i;
                for (let c = chunk.charCodeAt(j); j < n && c !== QUOTE; c = chunk.charCodeAt(++j)) if (c === LF) line++;
                field += chunk.slice(i, j);
                if (j < n) {
                    quoteInQuotes = true;
                    j++;
                }
                i = j;
                continue;
            }
            const c = chunk.charCodeAt(i);
            if (c === QUOTE) {
                if (field.length > 0) {
                    // Not the start of a quoted field: read as a character, so the rest of the file is not swallowed into this field.
                    error ??= `a quote inside an unquoted field (column ${fields.length + 1})`;
                    field += '"';
                } else inQuotes = true;
                i++;
            } else if (c === COMMA) {
                fields.push(field);
                field = "";
                i++;
            } else if (c === LF || c === CR) {
                fields.push(field);
                if (error !== undefined && line > start) error += spanNote(start, line);
                if (!isBlank()) yield { line: start, fields, error };
                fields = [];
                field = "";
                error = undefined;
                afterCR = c === CR;
                start = ++line;
                i++;
            } else {
                let j = i + 1;
                for (let d = chunk.charCodeAt(j); j < n && d !== QUOTE && d !== COMMA && d !== LF && d !== CR; d = chunk.charCodeAt(++j));
                field += chunk.slice(i, j);
                i = j;
            }
        }
    }
    if (fields.length === 0 && field === "" && !inQuotes && !quoteInQuotes && error === undefined) return; // ended with a line end
    if (inQuotes && !quoteInQuotes) error ??= "a quoted field is not closed before the end of the file";
    if (error !== undefined && line > start) error += spanNote(start, line);
    fields.push(field);
    if (!isBlank()) yield { line: start, fields, error };
}
