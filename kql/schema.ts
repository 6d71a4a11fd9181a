/**
 * The checked-in schema of the Log Analytics `AzureDiagnostics` table as IoT Hub fills it.
 *
 * Every IoT Hub resource-log category lands in `AzureDiagnostics` (Microsoft
 * "monitor-iot-hub-reference"). The columns below are the table's common columns plus the ones
 * IoT Hub's `Connections` category writes; `properties_s` is a JSON string holding `deviceId`,
 * `protocol`, `authType`, `maskedIpAddress`, `sdkVersion` and sometimes `statusCode`.
 */

/** Name of the table every detection reads. */
export const AZURE_DIAGNOSTICS_TABLE = "AzureDiagnostics";

/** Column name and Kusto type, in the table's order. */
export const AZURE_DIAGNOSTICS_COLUMNS: ReadonlyArray<readonly [name: string, type: "string" | "datetime" | "long" | "int" | "real" | "dynamic" | "bool" | "guid"]> = [
    ["TenantId", "string"],
    ["TimeGenerated", "datetime"],
    ["ResourceId", "string"],
    ["Category", "string"],
    ["ResourceGroup", "string"],
    ["SubscriptionId", "string"],
    ["ResourceProvider", "string"],
    ["Resource", "string"],
    ["ResourceType", "string"],
    ["OperationName", "string"],
    ["ResultType", "string"],
    ["CorrelationId", "string"],
    ["ResultDescription", "string"],
    ["ResultSignature", "string"],
    ["Level", "string"],
    ["Location", "string"],
    ["DurationMs", "long"],
    ["CallerIPAddress", "string"],
    ["OperationVersion", "string"],
    ["properties_s", "string"],
    ["SourceSystem", "string"],
    ["Type", "string"],
    ["_ResourceId", "string"],
    ["_SubscriptionId", "string"],
];

/** The schema in the parser's `(name:type, ...)` form. */
export function azureDiagnosticsSchemaText(): string {
    return "(" + AZURE_DIAGNOSTICS_COLUMNS.map(([n, t]) => `${n}:${t}`).join(", ") + ")";
}
