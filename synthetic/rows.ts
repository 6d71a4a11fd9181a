/**
 * `AzureDiagnostics` rows as Log Analytics stores IoT Hub `Connections` records: upper-case
 * `ResourceId`/`Resource`/`ResourceGroup`, lower-case `_ResourceId`, `ResourceProvider`
 * `MICROSOFT.DEVICES`, `ResourceType` `IOTHUBS`, `OperationName` `deviceConnect`/`deviceDisconnect`,
 * `Level` `Information` or `Error`, the error code as text in `ResultType` (empty for a success),
 * and `properties_s` holding the record's JSON properties (`deviceId`, `protocol`, `authType` (itself
 * JSON text), `maskedIpAddress`, `sdkVersion`, `statusCode` on errors).
 */

/**
 * A Connections row of `AzureDiagnostics`. `TimeGenerated` is epoch milliseconds (the evaluator's
 * datetime); the writers print it as ISO 8601. (A type alias rather than an interface, so rows can
 * be passed where the evaluator takes `Record<string, ...>` rows.)
 */
export type ConnectionsRow = {
    /** Log Analytics workspace id. */
    readonly TenantId: string;
    /** When IoT Hub logged the event (epoch ms, UTC). */
    readonly TimeGenerated: number;
    /** The hub's resource id in upper case, as `AzureDiagnostics` stores it. */
    readonly ResourceId: string;
    /** Always `Connections`. */
    readonly Category: string;
    /** Resource group in upper case. */
    readonly ResourceGroup: string;
    /** Subscription id (lower-case GUID). */
    readonly SubscriptionId: string;
    /** Always `MICROSOFT.DEVICES`. */
    readonly ResourceProvider: string;
    /** The hub's name in upper case. */
    readonly Resource: string;
    /** Always `IOTHUBS`. */
    readonly ResourceType: string;
    /** `deviceConnect` or `deviceDisconnect`. */
    readonly OperationName: string;
    /** The error code as text (`404104`, `401003`, `500001`, ...), empty for a success. */
    readonly ResultType: string;
    /** The error name (`DeviceConnectionClosedRemotely`, ...), empty for a success. */
    readonly ResultDescription: string;
    /** `Information` or `Error`. */
    readonly Level: string;
    /** The hub's region. */
    readonly Location: string;
    /** Always `1.0`. */
    readonly OperationVersion: string;
    /** The record's properties as JSON text. */
    readonly properties_s: string;
    /** Always `Azure`. */
    readonly SourceSystem: string;
    /** Always `AzureDiagnostics`. */
    readonly Type: string;
    /** The hub's resource id in lower case (what the detections filter on). */
    readonly _ResourceId: string;
    /** Subscription id (lower-case GUID). */
    readonly _SubscriptionId: string;
};

/** The column order of a row, as Log Analytics lists the columns this generator fills. */
export const CONNECTIONS_COLUMNS: ReadonlyArray<keyof ConnectionsRow> = [
    "TenantId",
    "TimeGenerated",
    "ResourceId",
    "Category",
    "ResourceGroup",
    "SubscriptionId",
    "ResourceProvider",
    "Resource",
    "ResourceType",
    "OperationName",
    "ResultType",
    "ResultDescription",
    "Level",
    "Location",
    "OperationVersion",
    "properties_s",
    "SourceSystem",
    "Type",
    "_ResourceId",
    "_SubscriptionId",
];

/** The identity of one hub in the logs. */
export interface HubIdentity {
    /** Hub name (lower-case letters, digits and dashes). */
    readonly name: string;
    /** Subscription id (lower-case GUID). */
    readonly subscriptionId: string;
    /** Resource group name. */
    readonly resourceGroup: string;
    /** Region, e.g. `westeurope`. */
    readonly location: string;
    /** Log Analytics workspace id the hub's logs go to. */
    readonly workspaceId: string;
}

/** The hub's resource id in lower case, as `_ResourceId` holds it. */
export function hubResourceId(hub: HubIdentity): string {
    return `/subscriptions/${hub.subscriptionId}/resourcegroups/${hub.resourceGroup}/providers/microsoft.devices/iothubs/${hub.name}`.toLowerCase();
}

/** Result codes the generator writes, with their descriptions (troubleshoot-error-codes). */
export const RESULT_CODES = {
    "404104": "DeviceConnectionClosedRemotely",
    "401003": "IoTHubUnauthorized",
    "500001": "ServerError",
    "500008": "GenericTimeout",
    "503003": "PartitionNotFound",
} as const;

/** A result code the generator writes, or `""` for a success. */
export type ResultCode = keyof typeof RESULT_CODES | "";

/** What the device side of a row looks like. */
export interface DeviceIdentity {
    /** Device id. */
    readonly id: string;
    /** `Mqtt`, `MqttWs`, `Amqp` or `AmqpWs`. */
    readonly protocol: string;
    /** `sdkVersion` as the device reports it. */
    readonly sdkVersion: string;
    /** Masked client address, e.g. `24.18.226.XXX`. */
    readonly maskedIpAddress: string;
}

const AUTH_TYPE = JSON.stringify({ scope: "device", type: "sas", issuer: "iothub", acceptingIpFilterRule: null });

/** Builds rows of one hub, sharing its identity columns. */
export class RowFactory {
    private readonly upperId: string;
    private readonly lowerId: string;

    constructor(private readonly hub: HubIdentity) {
        this.lowerId = hubResourceId(hub);
        this.upperId = this.lowerId.toUpperCase();
    }

    /** One Connections row: `code` empty for a success (Level `Information`), else an error (Level `Error`). */
    row(time: number, operation: "deviceConnect" | "deviceDisconnect", device: DeviceIdentity, code: ResultCode): ConnectionsRow {
        const error = code !== "";
        const props: Record<string, unknown> = {
            deviceId: device.id,
            sdkVersion: device.sdkVersion,
            protocol: device.protocol,
            authType: AUTH_TYPE,
            maskedIpAddress: device.maskedIpAddress,
        };
        if (error) props.statusCode = code.slice(0, 3);
        return {
            TenantId: this.hub.workspaceId,
            TimeGenerated: Math.round(time),
            ResourceId: this.upperId,
            Category: "Connections",
            ResourceGroup: this.hub.resourceGroup.toUpperCase(),
            SubscriptionId: this.hub.subscriptionId,
            ResourceProvider: "MICROSOFT.DEVICES",
            Resource: this.hub.name.toUpperCase(),
            ResourceType: "IOTHUBS",
            OperationName: operation,
            ResultType: code,
            ResultDescription: error ? RESULT_CODES[code] : "",
            Level: error ? "Error" : "Information",
            Location: this.hub.location,
            OperationVersion: "1.0",
            properties_s: JSON.stringify(props),
            SourceSystem: "Azure",
            Type: "AzureDiagnostics",
            _ResourceId: this.lowerId,
            _SubscriptionId: this.hub.subscriptionId,
        };
    }
}
