/**
 * Reading a large JSON Lines export on two cores: the file is cut at the line boundary nearest its
 * middle, a worker thread reads the second part (readWorker.ts) while this thread reads the first,
 * and the two parts are joined in file order. The rows, their order and the report (counts, skipped
 * reasons, malformed rows with their line numbers in the file, hubs, span) are those of
 * {@link readLogRows} reading the whole file; only the rows' string dictionaries are per part
 * (rowStore.ts `packStoredRows` merges them when the rows go to the replay's workers).
 * CSV is read in one piece: a quoted field may hold a newline, so a line boundary is not a record's.
 */
import * as os from "os";
import { fileSize, lineBoundaryNearMiddle, LogFileError } from "./exportText";
import { isJsonLinesFile, MAX_UNMONITORED_HUBS, readLogRange, readLogRows, type LogRange, type ReadLogOptions, type ReadReport, type ReplayRow } from "./logs";
import type { ReadAnswer, ReadTask } from "./readWorker";
import { storedRowsOfParts } from "./rowStore";
import { startSourceWorker } from "./sourceWorker";

/** Smaller exports are read in this thread: starting the worker costs about a tenth of a second. */
export const PARALLEL_READ_MIN_BYTES = 64 * 2 ** 20;

/** While the worker still reads the second part, the progress callback is called this often (ms). */
const PROGRESS_WHILE_WAITING_MS = 250;

/** Options of {@link readLogRowsInParallel}. */
export interface ParallelReadOptions {
    /** Threads to read with: at 2 or more (default: the cores of the machine) a large JSON Lines export is read in two parts. */
    readonly threads?: number;
    /** Files smaller than this are read in this thread. Default {@link PARALLEL_READ_MIN_BYTES}. */
    readonly minBytes?: number;
}

/** The report of the whole file from the reports of its two parts; `linesBefore`: the lines of the first part. */
function joinedReport(first: ReadReport, second: ReadReport, linesBefore: number): ReadReport {
    const skipped = new Map(first.skipped);
    for (const [why, n] of second.skipped) skipped.set(why, (skipped.get(why) ?? 0) + n);
    const unmonitoredHubs = new Set(first.unmonitoredHubs);
    // As one read keeps them: the first found, in file order.
    for (const hub of second.unmonitoredHubs) if (unmonitoredHubs.size < MAX_UNMONITORED_HUBS) unmonitoredHubs.add(hub);
    const spans = [first.dataSpan, second.dataSpan].filter((s) => s !== undefined);
    return {
        file: first.file,
        rowsRead: first.rowsRead + second.rowsRead,
        rowsKept: first.rowsKept + second.rowsKept,
        skipped,
        malformed: [...first.malformed, ...second.malformed.map((m) => ({ line: m.line + linesBefore, message: m.message }))],
        unmonitoredHubs,
        ...(spans.length > 0 ? { dataSpan: { first: Math.min(...spans.map((s) => s.first)), last: Math.max(...spans.map((s) => s.last)) } } : {}),
    };
}

/**
 * {@link readLogRows} (same rows in the same order, same report), reading a large JSON Lines export
 * in two parts at once: the second part in a worker thread. Smaller files, CSV, one thread, or a
 * file with no line boundary past its middle are read in this thread. `onRowsRead` gets the rows
 * both parts have read: every 100,000 rows of the first part, then every quarter second until the
 * second part is read.
 */
export async function readLogRowsInParallel(file: string, options: ReadLogOptions = {}, parallel: ParallelReadOptions = {}): Promise<{ rows: readonly ReplayRow[]; report: ReadReport }> {
    const size = fileSize(file);
    if ((parallel.threads ?? os.availableParallelism()) < 2 || size < (parallel.minBytes ?? PARALLEL_READ_MIN_BYTES) || size === 0 || !isJsonLinesFile(file)) return readLogRows(file, options);
    const cut = lineBoundaryNearMiddle(file);
    if (cut === undefined) return readLogRows(file, options);
    const { onRowsRead, ...shared } = options;
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const worker = startSourceWorker("readWorker", { file, options: shared, range: { start: cut, end: size }, progress } satisfies ReadTask);
    const second = new Promise<LogRange>((resolve, reject) => {
        worker.once("message", (m: ReadAnswer) => {
            if (m.kind === "done") return resolve(m.part);
            // The worker's error as this thread's: a LogFileError stays one (the command prints its message alone).
            const error = m.name === "LogFileError" ? new LogFileError(m.message) : new Error(m.message);
            error.name = m.name;
            if (m.stack) error.stack = m.stack;
            reject(error);
        });
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`the worker reading ${file} from byte ${cut} exited (code ${code}) before answering`)));
    });
    // Settled later; until then a failure of the worker must not count as unhandled.
    second.catch(() => undefined);
    let waiting: NodeJS.Timeout | undefined;
    try {
        const first = readLogRange(file, { ...shared, ...(onRowsRead ? { onRowsRead: (n: number) => onRowsRead(n + Atomics.load(progress, 0)) } : {}) }, { start: 0, end: cut });
        // The first part is read; while the worker reads on, the count keeps moving.
        if (onRowsRead) waiting = setInterval(() => onRowsRead(first.report.rowsRead + Atomics.load(progress, 0)), PROGRESS_WHILE_WAITING_MS);
        const last = await second;
        const rows = storedRowsOfParts([first.packed, last.packed]);
        return { rows, report: joinedReport(first.report, last.report, first.lines) };
    } finally {
        clearInterval(waiting);
        void worker.terminate();
    }
}
