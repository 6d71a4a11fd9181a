import * as pulumi from "@pulumi/pulumi";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as authorization from "@pulumi/azure-native/authorization";
import { componentToken, withLegacyAlias } from "./naming";
import { citeLimit, LIMITS } from "../azure/limits";
import { requireBoolean, requireInLimit, requireName, requireOneOf, requireWorkspaceId, ValidationError } from "../azure/validation";
import { requireTagsInput } from "./tags";

/** Workspace pricing tiers this package creates; `PerGB2018` is pay-as-you-go, `CapacityReservation` a commitment tier. */
export type WorkspaceSku = "PerGB2018" | "CapacityReservation";

/** The pricing tiers a created workspace may take. */
export const WORKSPACE_SKUS: readonly WorkspaceSku[] = ["PerGB2018", "CapacityReservation"];

/** The commitment tiers (GB per day) a `CapacityReservation` workspace may reserve, as the workspace API lists them (`LIMITS`.workspaceCapacityReservation). */
export const CAPACITY_RESERVATION_LEVELS = LIMITS.workspaceCapacityReservation.rule.values as readonly number[];

/**
 * The most characters Pulumi's auto-naming may append to a logical name (a random suffix, with
 * or without a hyphen): a created workspace without `workspaceName` gets its logical name plus
 * this suffix, which must still fit the workspace name limit.
 */
export const AUTONAME_SUFFIX_MAX = 9;

/** Requires a logical name whose Pulumi auto-name (the name plus a random suffix of letters and digits) fits the workspace name limit. */
export function requireAutoNamedWorkspace(field: string, logicalName: string): void {
    const { maxLength, description } = LIMITS.workspaceName.rule;
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(logicalName) || logicalName.length + AUTONAME_SUFFIX_MAX > maxLength) {
        throw new ValidationError(
            field,
            logicalName,
            `a created workspace without workspaceName is auto-named from this name plus up to ${AUTONAME_SUFFIX_MAX} random characters, which must fit the workspace name (${description}); allowed: a name of at most ${maxLength - AUTONAME_SUFFIX_MAX} letters, digits or hyphens starting with a letter or digit, or set workspaceName ${citeLimit(LIMITS.workspaceName)}`,
        );
    }
}

/**
 * A workspace as the umbrellas take it: create a Log Analytics workspace (the default) or use an
 * existing one given by `existingWorkspaceId`. The resource group and region come from the umbrella.
 */
export interface WorkspaceOptions {
    /** Resource id of an existing workspace to use instead of creating one. Default: none (a workspace is created). */
    existingWorkspaceId?: string;
    /** Name of a created workspace: 4-63 letters, digits or hyphens, starting and ending with a letter or digit. Default: Pulumi's auto-name, the component name plus a random suffix (the component name must then leave room for the suffix). */
    workspaceName?: string;
    /** Pricing tier of a created workspace: `PerGB2018` or `CapacityReservation` (checked at run time). Default: `PerGB2018`. */
    sku?: string;
    /** GB per day reserved by a `CapacityReservation` workspace, one of 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 25000, 50000 (checked at run time); required with that SKU, refused with another. Default: none. */
    capacityReservationLevel?: number;
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
    /**
     * Put a `CanNotDelete` management lock on the created workspace, so a delete from the portal, the
     * CLI or another deployment is refused while the lock exists (`retainOnDelete` guards only against
     * `pulumi destroy`). The deployer needs `Microsoft.Authorization/locks/write` (built-in roles: Owner,
     * User Access Administrator); without it Azure refuses the lock with `AuthorizationFailed`. Only
     * for a created workspace. Default: `false`.
     */
    deleteLock?: boolean;
}

/**
 * Arguments of `MonitoringWorkspace`: the `WorkspaceOptions` plus where a created
 * workspace lives.
 */
export interface MonitoringWorkspaceArgs extends WorkspaceOptions {
    /** Resource group in which a created workspace lives. Required unless `existingWorkspaceId` is given. */
    resourceGroupName?: pulumi.Input<string>;
    /** Azure region of a created workspace. Required unless `existingWorkspaceId` is given. */
    location?: pulumi.Input<string>;
}

/** The validated options of a created workspace, defaults applied. */
export interface ResolvedWorkspaceOptions {
    /** The pricing tier. */
    readonly sku: WorkspaceSku;
    /** GB per day reserved, with the `CapacityReservation` SKU only. */
    readonly capacityReservationLevel?: number;
    /** Days the workspace keeps logs. */
    readonly retentionInDays: number;
    /** Daily ingestion cap in GB, if any. */
    readonly dailyQuotaGb?: number;
    /** Whether the workspace stays in Azure when deleted from the stack. */
    readonly retainOnDelete: boolean;
    /** The workspace's name, if given. */
    readonly workspaceName?: string;
}

/** Validates the options of a created workspace (SKU and its reservation, retention, daily cap, name: the limits of `LIMITS`); `field` prefixes error paths. */
export function validateWorkspaceOptions(field: string, args: Omit<WorkspaceOptions, "existingWorkspaceId" | "tags">): ResolvedWorkspaceOptions {
    const sku = requireOneOf(`${field}.sku`, args.sku ?? "PerGB2018", WORKSPACE_SKUS);
    const level = args.capacityReservationLevel;
    if (sku === "CapacityReservation" && (level === undefined || !CAPACITY_RESERVATION_LEVELS.includes(level))) {
        throw new ValidationError(`${field}.capacityReservationLevel`, level, `allowed with sku CapacityReservation: one of ${CAPACITY_RESERVATION_LEVELS.join(", ")} (GB per day) ${citeLimit(LIMITS.workspaceCapacityReservation)}`);
    }
    if (sku !== "CapacityReservation" && level !== undefined) {
        throw new ValidationError(`${field}.capacityReservationLevel`, level, "applies only with sku CapacityReservation; remove it or set the sku");
    }
    return {
        sku,
        capacityReservationLevel: level,
        retentionInDays: requireInLimit(`${field}.retentionInDays`, args.retentionInDays ?? 30, LIMITS.workspaceRetention),
        dailyQuotaGb: args.dailyQuotaGb === undefined ? undefined : requireInLimit(`${field}.dailyQuotaGb`, args.dailyQuotaGb, LIMITS.workspaceDailyQuota),
        retainOnDelete: requireBoolean(`${field}.retainOnDelete`, args.retainOnDelete ?? true),
        workspaceName: args.workspaceName === undefined ? undefined : requireName(`${field}.workspaceName`, args.workspaceName, LIMITS.workspaceName),
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
    /** Resource id of the workspace's `CanNotDelete` lock, when `deleteLock` is on. */
    public readonly deleteLockId?: pulumi.Output<string>;

    constructor(name: string, args: MonitoringWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentToken("MonitoringWorkspace"), name, {}, withLegacyAlias("MonitoringWorkspace", opts));
        const field = "MonitoringWorkspaceArgs";
        if (args.existingWorkspaceId !== undefined) {
            const existing = requireWorkspaceId(`${field}.existingWorkspaceId`, args.existingWorkspaceId);
            for (const key of ["workspaceName", "sku", "capacityReservationLevel", "retentionInDays", "dailyQuotaGb", "deleteLock"] as const) {
                if (args[key] !== undefined) {
                    throw new Error(`${field}.${key}: only applies to a created workspace; remove it or remove existingWorkspaceId`);
                }
            }
            this.workspaceId = pulumi.output(existing.id);
        } else {
            if (args.resourceGroupName === undefined) throw new Error(`${field}.resourceGroupName: required when no existingWorkspaceId is given`);
            if (args.location === undefined) throw new Error(`${field}.location: required when no existingWorkspaceId is given`);
            const { sku, capacityReservationLevel, retentionInDays, dailyQuotaGb, retainOnDelete, workspaceName } = validateWorkspaceOptions(field, args);
            if (workspaceName === undefined) requireAutoNamedWorkspace(`${field}.workspaceName`, name);
            requireTagsInput(`${field}.tags`, args.tags);
            this.workspace = new operationalinsights.Workspace(
                name,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: args.location,
                    workspaceName,
                    sku: capacityReservationLevel === undefined ? { name: sku } : { name: sku, capacityReservationLevel },
                    retentionInDays,
                    workspaceCapping: dailyQuotaGb === undefined ? undefined : { dailyQuotaGb },
                    tags: args.tags,
                },
                { parent: this, retainOnDelete },
            );
            this.workspaceId = this.workspace.id;
            this.customerId = this.workspace.customerId;
            this.retentionInDays = retentionInDays;
            if (requireBoolean(`${field}.deleteLock`, args.deleteLock ?? false)) {
                const lock = new authorization.ManagementLockByScope(
                    `${name}-delete-lock`,
                    {
                        scope: this.workspaceId,
                        level: "CanNotDelete",
                        notes: "Keeps the 404104 monitoring logs: remove this lock (Microsoft.Authorization/locks/delete) before deleting the workspace on purpose.",
                    },
                    { parent: this },
                );
                this.deleteLockId = lock.id;
            }
        }
        this.registerOutputs({ workspaceId: this.workspaceId, customerId: this.customerId, deleteLockId: this.deleteLockId });
    }
}
