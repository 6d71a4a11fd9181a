/**
 * The rows a backtest's timeline (`--chart`, charts/timeline.ts) draws, fetched from the workspace:
 * the monitored hubs' `Connections` rows that are disconnects or errors (the timeline draws no
 * successful connect), with the columns it reads, a day per query so that each stays within the query
 * API's record limit. The query is built from typed literals (kql/literals.ts): the span as datetime
 * literals, the hubs as a string list, nothing pasted.
 */
import { kqlDateTime, kqlStringList } from "../kql/literals";
import { AZURE_DIAGNOSTICS_TABLE } from "../kql/schema";
import type { TimelineRow } from "../charts/timeline";
import { TIMELINE_COLUMNS } from "../charts/timeline";
import type { QueryOutcome, WorkspaceQuery } from "./workspace";
import { LIMIT_DESCRIPTIONS } from "./workspace";

/** One day: the span each timeline query covers. */
const DAY_MS = 86_400_000;

/** The query of the timeline's rows of `hubs` with `TimeGenerated` in `[from, to)`. */
export function timelineQuery(hubs: readonly string[], from: number, to: number): WorkspaceQuery {
    const query = [
        AZURE_DIAGNOSTICS_TABLE,
        `| where TimeGenerated >= ${kqlDateTime(from)} and TimeGenerated < ${kqlDateTime(to)}`,
        '| where ResourceProvider == "MICROSOFT.DEVICES" and ResourceType == "IOTHUBS" and Category == "Connections"',
        `| where _ResourceId in~ (${kqlStringList(hubs)})`,
        '| where OperationName == "deviceDisconnect" or isnotempty(ResultType)',
        `| project ${TIMELINE_COLUMNS.join(", ")}`,
    ].join("\n");
    return { query, from, to };
}

/** A failure to fetch the timeline's rows: a limit the query hit, by day. */
export class TimelineRowsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "TimelineRowsError";
    }
}

/** The timeline's rows of `[from, to)`, a query a day through `query`; a day whose query hits a limit is refused with the day and the limit. */
export async function fetchTimelineRows(hubs: readonly string[], from: number, to: number, query: (q: WorkspaceQuery) => Promise<QueryOutcome>): Promise<TimelineRow[]> {
    const rows: TimelineRow[] = [];
    for (let start = from; start < to; start += DAY_MS) {
        const end = Math.min(to, start + DAY_MS);
        const outcome = await query(timelineQuery(hubs, start, end));
        if (outcome.kind === "limit") {
            throw new TimelineRowsError(`--chart: the disconnects of ${new Date(start).toISOString()} .. ${new Date(end).toISOString()} could not be fetched: ${LIMIT_DESCRIPTIONS[outcome.limit]}; chart a shorter span, or leave --chart out`);
        }
        for (const r of outcome.rows) {
            rows.push({ TimeGenerated: Number(r.TimeGenerated), _ResourceId: String(r._ResourceId ?? ""), OperationName: String(r.OperationName ?? ""), ResultType: String(r.ResultType ?? ""), properties_s: String(r.properties_s ?? "") });
        }
    }
    return rows;
}
