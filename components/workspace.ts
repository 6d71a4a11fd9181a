import * as pulumi from "@pulumi/pulumi";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { TYPE_PREFIX } from "./naming";
import { requireNumber, requireInteger, requireOneOf, requireWorkspaceId, requireNonEmptyString, requireBoolean } from "./validation";

/** Workspace pricing tiers this package creates; `PerGB2018` is pay-as-you-go. */
export type WorkspaceSku = "PerGB2018" | "CapacityReservation";

/**
 * Arguments of {@link MonitoringWorkspace}: either create a Log Analytics workspace (the default)
 * or use an existing one given by `existingWorkspaceId`.
 */
export interface MonitoringWorkspaceArgs {
    /** Resource group in which a created workspace lives. Required unless `existingWorkspaceId` is given. */
    resourceGroupName?: pulumi.Input<string>;
    /** Azure region of a created workspace. Required unless `existingWorkspaceId` is given. */
    location?: pulumi.Input<string>;
    /** Resource id of an existing workspace to use instead of creating one. Default: none (a workspace is created). */
    existingWorkspaceId?: string;
    /** Name of a created workspace. Default: Pulumi's auto-name from the component name. */
    workspaceName?: string;
    /** Pricing tier of a created workspace. Default: `PerGB2018`. */
    sku?: WorkspaceSku;
    /** Days a created workspace keeps logs, 30 to 730. Default: 30. */
    retentionInDays?: number;
    /** Daily ingestion cap in GB (ingestion stops for the day when reached). Default: no cap. */
    dailyQuotaGb?: number;
    /**
     * Keep the created workspace (and its logs) in Azure when it is deleted from the stack, for
     * example by a mistaken `pulumi destroy`. Default: `true`. Set `false` to let Pulumi delete it.
     */
    retainOnDelete?: boolean;
    /** Tags of a created workspace. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The validated options of a created workspace, defaults applied. */
export interface ResolvedWorkspaceOptions {
    readonly sku: WorkspaceSku;
    readonly retentionInDays: number;
    readonly dailyQuotaGb?: number;
    readonly retainOnDelete: boolean;
    readonly workspaceName?: string;
}

/** Validates the options of a created workspace (SKU, retention 30..730 days, daily cap, name); `field` prefixes error paths. */
export function validateWorkspaceOptions(field: string, args: Omit<MonitoringWorkspaceArgs, "resourceGroupName" | "location" | "existingWorkspaceId" | "tags">): ResolvedWorkspaceOptions {
    return {
        sku: requireOneOf(`${field}.sku`, args.sku ?? "PerGB2018", ["PerGB2018", "CapacityReservation"] as const),
        retentionInDays: requireInteger(`${field}.retentionInDays`, args.retentionInDays ?? 30, 30, 730),
        dailyQuotaGb: args.dailyQuotaGb === undefined ? undefined : requireNumber(`${field}.dailyQuotaGb`, args.dailyQuotaGb, 0.1, 100_000),
        retainOnDelete: requireBoolean(`${field}.retainOnDelete`, args.retainOnDelete ?? true),
        workspaceName: args.workspaceName === undefined ? undefined : requireNonEmptyString(`${field}.workspaceName`, args.workspaceName),
    };
}

/**
 * The Log Analytics workspace that receives IoT Hub `Connections` logs and that the log search
 * alerts query. Creates one (retained on delete by default) or adopts an existing one by id.
 */
export class MonitoringWorkspace extends pulumi.ComponentResource {
    /** Resource id of the workspace, created or existing. */
    public readonly workspaceId: pulumi.Output<string>;
    /** The created workspace resource, or `undefined` when an existing workspace is used. */
    public readonly workspace?: operationalinsights.Workspace;
    /** Log Analytics workspace (customer) id, the GUID queries and agents use; `undefined` for an existing workspace. */
    public readonly customerId?: pulumi.Output<string>;
    /** Days the workspace keeps logs when this component created it; `undefined` for an existing workspace. */
    public readonly retentionInDays?: number;

    constructor(name: string, args: MonitoringWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:MonitoringWorkspace`, name, {}, opts);
        const field = "MonitoringWorkspaceArgs";
        if (args.existingWorkspaceId !== undefined) {
            const existing = requireWorkspaceId(`${field}.existingWorkspaceId`, args.existingWorkspaceId);
            for (const key of ["workspaceName", "sku", "retentionInDays", "dailyQuotaGb"] as const) {
                if (args[key] !== undefined) {
                    throw new Error(`${field}.${key}: only applies to a created workspace; remove it or remove existingWorkspaceId`);
                }
            }
            this.workspaceId = pulumi.output(existing.id);
        } else {
            if (args.resourceGroupName === undefined) throw new Error(`${field}.resourceGroupName: required when no existingWorkspaceId is given`);
            if (args.location === undefined) throw new Error(`${field}.location: required when no existingWorkspaceId is given`);
            const { sku, retentionInDays, dailyQuotaGb, retainOnDelete, workspaceName } = validateWorkspaceOptions(field, args);
            this.workspace = new operationalinsights.Workspace(
                name,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: args.location,
                    workspaceName,
                    sku: { name: sku },
                    retentionInDays,
                    workspaceCapping: dailyQuotaGb === undefined ? undefined : { dailyQuotaGb },
                    tags: args.tags,
                },
                { parent: this, retainOnDelete },
            );
            this.workspaceId = this.workspace.id;
            this.customerId = this.workspace.customerId;
            this.retentionInDays = retentionInDays;
        }
        this.registerOutputs({ workspaceId: this.workspaceId, customerId: this.customerId });
    }
}
