/**
 * Transforms of generated records that imitate how logs reach Log Analytics: late (each record
 * carries its ingestion time), out of order, and sometimes twice.
 */
import type { SyntheticRecord } from "./fleet";
import { Random } from "./random";
import type { ConnectionsRow } from "./rows";

/** The records in arrival order (by ingestion time, ties by event time): out of order relative to `TimeGenerated`, as resource logs are. */
export function arrivalOrder(records: readonly SyntheticRecord[]): SyntheticRecord[] {
    return [...records].sort((a, b) => a.ingestedAt - b.ingestedAt || a.row.TimeGenerated - b.row.TimeGenerated);
}

/** The records in a random order (seeded): a file with no order at all. */
export function shuffled(records: readonly SyntheticRecord[], seed: number): SyntheticRecord[] {
    const rng = new Random(seed, "shuffle");
    const out = [...records];
    for (let i = out.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
}

/** How many records to log twice, and how much later the copy arrives. */
export interface DuplicateSpec {
    /** Seed of the choice. */
    readonly seed: number;
    /** Share of records duplicated (0 to 1); default 0.02. */
    readonly share?: number;
    /** The copy arrives up to this many minutes after the original; default 5. */
    readonly maxDelayMinutes?: number;
}

/** Adds exact copies of some records (same row, later ingestion), each right after its original. */
export function withDuplicates(records: readonly SyntheticRecord[], spec: DuplicateSpec): SyntheticRecord[] {
    const rng = new Random(spec.seed, "duplicates");
    const share = spec.share ?? 0.02;
    const maxDelay = (spec.maxDelayMinutes ?? 5) * 60_000;
    const out: SyntheticRecord[] = [];
    for (const r of records) {
        out.push(r);
        if (rng.chance(share)) out.push({ ...r, ingestedAt: r.ingestedAt + Math.round(rng.uniform(0, maxDelay)) });
    }
    return out;
}

/** The rows a query running at `time` sees: those ingested by then (`ingestedAt <= time`). */
export function visibleAt(records: readonly SyntheticRecord[], time: number): ConnectionsRow[] {
    const out: ConnectionsRow[] = [];
    for (const r of records) if (r.ingestedAt <= time) out.push(r.row);
    return out;
}

/** The rows of the records, in the records' order. */
export function rowsOf(records: readonly SyntheticRecord[]): ConnectionsRow[] {
    return records.map((r) => r.row);
}
