/**
 * Helpers shared by the evaluator tests: run a query, build `AzureDiagnostics` rows tersely.
 */
import { evaluateKql, type EvalRow, type EvalValue, type InputRow } from "../kql/eval";

/** Epoch milliseconds of an ISO 8601 UTC time. */
export function ms(iso: string): number {
    const v = Date.parse(iso);
    if (Number.isNaN(v)) throw new Error(`bad time ${iso}`);
    return v;
}

/** Runs `query` against `rows` as `AzureDiagnostics` with `now()` at `now` (default 2026-11-22T12:00:00Z) and returns the result rows. */
export function rowsOf(query: string, rows: readonly InputRow[] = [], now = "2026-11-22T12:00:00Z"): EvalRow[] {
    return [...evaluateKql(query, { AzureDiagnostics: rows }, { now: ms(now) }).rows];
}

/** Runs `print` of one expression and returns its value. */
export function value(expression: string, now?: string): EvalValue {
    return rowsOf(`print v = ${expression}`, [], now)[0].v;
}

/** The values of one column of a result. */
export function column(rows: readonly EvalRow[], name: string): EvalValue[] {
    return rows.map((r) => r[name]);
}

/** A Connections row of `AzureDiagnostics` with defaults for the columns a test does not care about. */
export function diag(fields: {
    time: string;
    device?: string;
    op?: "deviceConnect" | "deviceDisconnect";
    result?: string;
    hub?: string;
    level?: string;
    extra?: Record<string, unknown>;
}): InputRow {
    const result = fields.result ?? "";
    return {
        TimeGenerated: fields.time,
        ResourceProvider: "MICROSOFT.DEVICES",
        ResourceType: "IOTHUBS",
        Category: "Connections",
        OperationName: fields.op ?? "deviceDisconnect",
        Level: fields.level ?? (result === "" ? "Information" : "Error"),
        ResultType: result,
        _ResourceId: fields.hub ?? "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/microsoft.devices/iothubs/hub-a",
        properties_s: JSON.stringify({ deviceId: fields.device ?? "d1", protocol: "Mqtt", ...fields.extra }),
    };
}
