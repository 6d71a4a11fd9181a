/**
 * Worker thread of the parallel reader (parallelRead.ts): reads one byte range of a JSON Lines export
 * with {@link readLogRange} and answers with the rows, packed on shared memory, and its report. It
 * counts the rows it has read into a shared counter, for the reader's progress line.
 */
import { parentPort, workerData } from "worker_threads";
import type { ByteRange } from "./exportText";
import { readLogRange, type LogRange, type ReadLogOptions } from "./logs";

/** What the worker is asked (its `workerData.data`). */
export interface ReadTask {
    readonly file: string;
    readonly options: Omit<ReadLogOptions, "onRowsRead">;
    readonly range: ByteRange;
    /** Element 0: rows read so far, updated every 100,000 rows. */
    readonly progress: Int32Array;
}

/** The worker's one answer. */
export type ReadAnswer = { readonly kind: "done"; readonly part: LogRange } | { readonly kind: "error"; readonly name: string; readonly message: string; readonly stack?: string };

if (!parentPort) throw new Error("replay/readWorker.ts runs only as a worker thread");
const task = (workerData as { data: ReadTask }).data;
let answer: ReadAnswer;
try {
    answer = { kind: "done", part: readLogRange(task.file, { ...task.options, onRowsRead: (n) => Atomics.store(task.progress, 0, n) }, task.range) };
} catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    answer = { kind: "error", name: error.name, message: error.message, stack: error.stack };
}
parentPort.postMessage(answer);
