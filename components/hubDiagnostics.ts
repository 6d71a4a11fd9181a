import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { componentToken, withLegacyAlias } from "./naming";
import { requireBoolean, requireIotHubId, requireNonEmptyString, requireUnique, ValidationError } from "../azure/validation";

/** IoT Hub resource-log categories a diagnostic setting can send (Microsoft.Devices/IotHubs). */
export const IOT_HUB_LOG_CATEGORIES = [
    "Connections",
    "DeviceTelemetry",
    "C2DCommands",
    "DeviceIdentityOperations",
    "FileUploadOperations",
    "Routes",
    "D2CTwinOperations",
    "C2DTwinOperations",
    "TwinQueries",
    "JobsOperations",
    "DirectMethods",
    "DistributedTracing",
    "Configurations",
    "DeviceStreams",
] as const;

/** One IoT Hub resource-log category. */
export type IotHubLogCategory = (typeof IOT_HUB_LOG_CATEGORIES)[number];

/** The category every detection reads; always sent. */
export const CONNECTIONS_CATEGORY: IotHubLogCategory = "Connections";

/** Default name of the diagnostic setting on each hub. */
export const DEFAULT_DIAGNOSTIC_SETTING_NAME = "iothub-404104-monitoring";

/**
 * Arguments of `HubDiagnostics`: the hub, the workspace, and what to send besides `Connections`.
 *
 * Adopting a setting made in the portal: Azure refuses a second setting that sends the same
 * category from the same hub to the same workspace (409 Conflict). Give that setting's name as
 * `settingName` and set `adoptExisting: true`; Pulumi then imports it on the next `pulumi up`
 * (its properties must match these arguments, or the preview shows the difference to resolve).
 * After the first successful `pulumi up`, remove `adoptExisting`.
 */
export interface HubDiagnosticsOptions {
    /**
     * Log categories to send besides `Connections`, each one of DeviceTelemetry, C2DCommands,
     * DeviceIdentityOperations, FileUploadOperations, Routes, D2CTwinOperations, C2DTwinOperations,
     * TwinQueries, JobsOperations, DirectMethods, DistributedTracing, Configurations, DeviceStreams
     * (checked at run time). Default: none.
     */
    additionalCategories?: string[];
    /** Whether to send the hub's platform metrics (`AllMetrics`) too. Default: `true`. */
    sendAllMetrics?: boolean;
    /** Name of the diagnostic setting on the hub. Default: `iothub-404104-monitoring`. */
    settingName?: string;
    /** Import an existing setting of this name instead of creating one (see `HubDiagnostics`). Default: `false`. */
    adoptExisting?: boolean;
}

/** Arguments of `HubDiagnostics`: the hub, the workspace, and the `HubDiagnosticsOptions`. */
export interface HubDiagnosticsArgs extends HubDiagnosticsOptions {
    /** Resource id of the IoT Hub (`/subscriptions/.../providers/Microsoft.Devices/IotHubs/<name>`), as a plain string. Required. */
    hubResourceId: string;
    /** Resource id of the Log Analytics workspace that receives the logs. Required. */
    workspaceId: pulumi.Input<string>;
}

/** The validated diagnostic-setting options with defaults applied. */
export interface ResolvedDiagnosticsOptions {
    readonly categories: readonly IotHubLogCategory[];
    readonly settingName: string;
    readonly sendAllMetrics: boolean;
    readonly adoptExisting: boolean;
}

/** Validates diagnostic-setting options (categories known and not repeated, name, switches); `field` prefixes error paths. */
export function validateDiagnosticsOptions(field: string, args: HubDiagnosticsOptions): ResolvedDiagnosticsOptions {
    const extra = args.additionalCategories ?? [];
    if (!Array.isArray(extra)) throw new ValidationError(`${field}.additionalCategories`, extra, `allowed: a list of ${IOT_HUB_LOG_CATEGORIES.join(", ")}`);
    extra.forEach((c, i) => {
        if (!(IOT_HUB_LOG_CATEGORIES as readonly string[]).includes(c)) {
            throw new ValidationError(`${field}.additionalCategories[${i}]`, c, `allowed: ${IOT_HUB_LOG_CATEGORIES.join(", ")}`);
        }
    });
    requireUnique(`${field}.additionalCategories`, [CONNECTIONS_CATEGORY, ...extra]);
    return {
        categories: [CONNECTIONS_CATEGORY, ...(extra as IotHubLogCategory[])],
        settingName: requireNonEmptyString(`${field}.settingName`, args.settingName ?? DEFAULT_DIAGNOSTIC_SETTING_NAME),
        sendAllMetrics: requireBoolean(`${field}.sendAllMetrics`, args.sendAllMetrics ?? true),
        adoptExisting: requireBoolean(`${field}.adoptExisting`, args.adoptExisting ?? false),
    };
}

/**
 * One diagnostic setting on one IoT Hub that sends the `Connections` log category (and any
 * additional categories, and `AllMetrics`) to a Log Analytics workspace.
 */
export class HubDiagnostics extends pulumi.ComponentResource {
    /** The diagnostic setting resource. */
    public readonly setting: monitor.DiagnosticSetting;
    /** Resource id of the diagnostic setting. */
    public readonly settingId: pulumi.Output<string>;
    /** The log categories the setting sends, `Connections` first. */
    public readonly categories: string[];

    constructor(name: string, args: HubDiagnosticsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentToken("HubDiagnostics"), name, {}, withLegacyAlias("HubDiagnostics", opts));
        const field = "HubDiagnosticsArgs";
        const hub = requireIotHubId(`${field}.hubResourceId`, args.hubResourceId);
        const { categories, settingName, sendAllMetrics, adoptExisting } = validateDiagnosticsOptions(field, args);
        this.categories = [...categories];

        this.setting = new monitor.DiagnosticSetting(
            name,
            {
                name: settingName,
                resourceUri: hub.id,
                workspaceId: args.workspaceId,
                logs: this.categories.map((category) => ({ category, enabled: true })),
                metrics: sendAllMetrics ? [{ category: "AllMetrics", enabled: true }] : [],
            },
            {
                parent: this,
                import: adoptExisting ? `${hub.id}/providers/Microsoft.Insights/diagnosticSettings/${settingName}` : undefined,
            },
        );
        this.settingId = this.setting.id;
        this.registerOutputs({ settingId: this.settingId });
    }
}
