/**
 * A synthetic fleet in the two shapes the evaluation tests compare: rows as the replay takes them
 * (each with the time it becomes visible) and the same rows as a Log Analytics workspace holds them
 * (each carrying its ingestion time for `ingestion_time()`), plus a dev-profile plan of the fleet's
 * hubs. Rows come duplicated (3%) and shuffled, as exports and late ingestion make them.
 */
import { INGESTION_TIME_KEY, type InputRow } from "../../kql/eval";
import { parseStackConfig } from "../../program/config";
import { lowerBound, type ReplayPlan } from "../../replay/engine";
import { planReplay } from "../../replay/plan";
import { replayRowsOf } from "../../replay/synthetic";
import type { ReplayRow } from "../../replay/logs";
import { generateFleet, shuffled, withDuplicates } from "../../synthetic";
import type { FleetSpec } from "../../synthetic/fleet";

const P = "iothub-404104";

/** One fleet as the replay and as a workspace see it. */
export interface SyntheticWorkspace {
    /** The rows as the replay reads them (time and visibility in epoch ms). */
    readonly replayRows: ReplayRow[];
    /** The same rows as a workspace's `AzureDiagnostics` holds them, with `$IngestionTime`, in TimeGenerated order. */
    readonly tableRows: InputRow[];
    /** The fleet's hub resource ids (lower case, as the generator writes them). */
    readonly hubs: string[];
    /** The fleet's first minute and its end plus 15 minutes (the last rows' arrival), epoch ms. */
    readonly from: number;
    readonly to: number;
}

/** Generates `spec`, duplicates 3% of its rows and shuffles them with `seed`. */
export function syntheticWorkspace(spec: FleetSpec, seed: number): SyntheticWorkspace {
    const fleet = generateFleet(spec);
    const records = shuffled(withDuplicates(fleet.records, { seed, share: 0.03 }), seed);
    const replayRows = replayRowsOf(records);
    // The table keeps rows in TimeGenerated order (a stable sort of the shuffled rows), the order the replay sorts
    // each hub's rows in: where Kusto leaves an order open (make_set's sample ids) both then pick the same.
    const tableRows = [...records].sort((a, b) => a.row.TimeGenerated - b.row.TimeGenerated).map((r) => ({ ...r.row, [INGESTION_TIME_KEY]: r.ingestedAt }) as InputRow);
    return { replayRows, tableRows, hubs: fleet.hubs.map((h) => h.resourceId), from: fleet.start, to: fleet.end + 15 * 60_000 };
}

/** A dev-profile plan over the hubs; `detections` overrides rule settings (e.g. several evaluation periods). */
export function devPlan(hubs: readonly string[], detections: Readonly<Record<string, unknown>> = {}): ReplayPlan {
    return planReplay(
        parseStackConfig(
            {
                [`${P}:hubs`]: JSON.stringify(hubs),
                [`${P}:resourceGroupName`]: "rg-incremental",
                [`${P}:location`]: "westeurope",
                [`${P}:connectedDevicesAlert`]: JSON.stringify({ expectedConnectedDevices: 30 }),
                [`${P}:detections`]: JSON.stringify(detections),
            },
            P,
            "dev",
        ),
    );
}

/** The rows visible at `t` in `[t - lookback, t)` of `rows` (sorted by time), as the replay's full evaluation gives them to a query. */
export function visibleRows(rows: readonly ReplayRow[], t: number, lookback: number): ReplayRow["row"][] {
    const out: ReplayRow["row"][] = [];
    for (let i = lowerBound(rows, t - lookback); i < lowerBound(rows, t); i++) if (rows[i].visibleAt <= t) out.push(rows[i].row);
    return out;
}
