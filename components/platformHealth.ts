/**
 * Platform health beside the logs: a Resource Health alert on the monitored hubs and a Service Health
 * alert for the IoT Hub service, both activity log alerts (free of charge) routed to the same action
 * groups as the detections. They answer on-call's first question for symptom 3 (many devices dropped
 * at once, 500xxx errors): does Azure already know?
 *
 * What Azure requires of them (Learn, "Configure resource health alerts using Resource Manager
 * templates" and "Resource Manager template samples for service health alert rules"): location
 * `Global`; a Resource Health alert may be scoped to a subscription, a resource group or resources,
 * and filters on `category` `ResourceHealth`, `properties.currentHealthStatus` (Available, Degraded,
 * Unavailable, Unknown) and `properties.cause` (PlatformInitiated, UserInitiated); a Service Health
 * alert's scopes hold exactly one subscription, the one the rule is created in, and it filters on
 * `category` `ServiceHealth`, `properties.incidentType`, `properties.impactedServices[*].ServiceName`
 * and `properties.impactedServices[*].ImpactedRegions[*].RegionName`. So both are made once per
 * subscription the hubs are in: one of each for the usual stack whose hubs share a subscription.
 */
import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { componentToken, hubNameFromId, withLegacyAlias } from "./naming";
import { requireBoolean, requireIotHubId, requireKnownKeys, requireNonEmptyString, requireOneOf, ValidationError } from "../azure/validation";
import { ENVIRONMENT_PROFILES } from "./profiles";
import { requireTagsInput } from "./tags";
import type { EnvironmentProfile } from "../queries/detection";

/** The service name Service Health gives IoT Hub in `properties.impactedServices[*].ServiceName`. */
export const IOT_HUB_SERVICE_NAME = "IoT Hub";

/** Resource Health statuses that fire the alert; `Unknown` only when asked for (a runner lost contact, the hub's health is likely unchanged). */
export const UNHEALTHY_STATUSES = ["Degraded", "Unavailable"] as const;

/** Service Health event types per profile (the profile's severity mapping): dev hears of incidents only, staging of maintenance too, prod of everything that may need action. */
export const SERVICE_HEALTH_EVENT_TYPES: Readonly<Record<EnvironmentProfile, readonly string[]>> = {
    dev: ["Incident"],
    staging: ["Incident", "Maintenance"],
    prod: ["Incident", "Maintenance", "ActionRequired", "Security"],
};

/** What the on-call person reads when the Resource Health alert fires: the two causes kept apart. */
export function resourceHealthDescription(hubNames: readonly string[]): string {
    return [
        `Azure Resource Health reports IoT Hub ${hubNames.join(", ")} Degraded or Unavailable (404104 symptom 3: many devices dropped at once).`,
        "Cause PlatformInitiated (properties.cause): it is the platform. Wait for Azure to restore the hub; do not redeploy or reset devices, they reconnect on their own.",
        "Cause UserInitiated: a change made on the hub (scale, failover, restart, configuration): find it in the activity log and who made it.",
    ].join("\n");
}

/** What the on-call person reads when the Service Health alert fires. */
export function serviceHealthDescription(regions: readonly string[]): string {
    return [
        `Azure Service Health posted an IoT Hub event${regions.length > 0 ? ` for ${regions.join(", ")}` : ""} (incident, maintenance or advisory).`,
        "If devices drop at the same time (404104, 500xxx errors), it is the platform: wait for the event to be resolved; do not redeploy devices.",
    ].join("\n");
}

/** The platform-health alerts as the umbrellas take them. */
export interface PlatformHealthOptions {
    /** Whether the Resource Health and Service Health alerts are made. Default: `true`. */
    enabled?: boolean;
    /** Whether the Resource Health alert also fires on `Unknown`. Default: `false`. */
    includeUnknown?: boolean;
    /** Regions of the Service Health alert, as Service Health names them (e.g. `West Europe`). Default: every region. */
    regions?: string[];
    /** Whether the Service Health alert is made (it must live in the hubs' subscription). Default: `true`. */
    serviceHealth?: boolean;
}

/** The keys a `PlatformHealthOptions` object may have. */
export const PLATFORM_HEALTH_OPTION_KEYS: readonly string[] = ["enabled", "includeUnknown", "regions", "serviceHealth"];

/** Validates platform-health options (known keys, switches, region names); `field` prefixes error paths. */
export function validatePlatformHealthOptions(field: string, options: PlatformHealthOptions | undefined): void {
    if (options === undefined) return;
    const h = requireKnownKeys(field, options, PLATFORM_HEALTH_OPTION_KEYS) as PlatformHealthOptions;
    for (const key of ["enabled", "includeUnknown", "serviceHealth"] as const) if (h[key] !== undefined) requireBoolean(`${field}.${key}`, h[key]);
    if (h.regions !== undefined) {
        if (!Array.isArray(h.regions)) throw new ValidationError(`${field}.regions`, h.regions, "allowed: a list of region names as Service Health shows them, e.g. West Europe");
        h.regions.forEach((r, i) => requireNonEmptyString(`${field}.regions[${i}]`, r));
    }
}

/** Arguments of `PlatformHealthAlerts`. */
export interface PlatformHealthAlertsArgs {
    /** Resource group of the alert rules. Required. */
    resourceGroupName: pulumi.Input<string>;
    /** Resource ids of the monitored IoT Hubs, as plain strings. Required: at least one. */
    hubResourceIds: string[];
    /** Action groups the alerts notify (the detections' own). Default: none. */
    actionGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Environment profile, `dev`, `staging` or `prod` (checked at run time): which Service Health event types alert. Default: `prod`. */
    profile?: string;
    /** Whether the Resource Health alert also fires on `Unknown` (the health runner lost contact with the hub). Default: `false`. */
    includeUnknown?: boolean;
    /** Regions of the Service Health alert, as Service Health names them (e.g. `West Europe`). Default: none, meaning every region. */
    regions?: string[];
    /** Whether the Service Health alert is made (it must live in the hubs' subscription; see the file comment). Default: `true`. */
    serviceHealth?: boolean;
    /** Tags of the alert rules. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Prefix of error paths, so messages name the caller's config key. Default: `PlatformHealthAlertsArgs`. */
    errorPath?: string;
}

/** The subscription id of a resource id. */
function subscriptionOf(id: string): string {
    return id.split("/")[2];
}

/**
 * The Resource Health and Service Health alerts of a set of hubs: per subscription they are in, one
 * activity log alert on the hubs' Resource Health (Degraded, Unavailable, optionally Unknown) and one
 * on Service Health events of the IoT Hub service, routed to the given action groups.
 */
export class PlatformHealthAlerts extends pulumi.ComponentResource {
    /** Resource ids of the Resource Health alerts, by subscription id. */
    public readonly resourceHealthAlertIds: Record<string, pulumi.Output<string>>;
    /** Resource ids of the Service Health alerts, by subscription id; empty when `serviceHealth` is off. */
    public readonly serviceHealthAlertIds: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: PlatformHealthAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        const field = args.errorPath ?? "PlatformHealthAlertsArgs";
        if (!Array.isArray(args.hubResourceIds) || args.hubResourceIds.length === 0) throw new ValidationError(`${field}.hubResourceIds`, args.hubResourceIds, "allowed: a list of at least one IoT Hub resource id");
        const hubs = args.hubResourceIds.map((id, i) => requireIotHubId(`${field}.hubResourceIds[${i}]`, id).id);
        const profile = requireOneOf(`${field}.profile`, args.profile ?? "prod", ENVIRONMENT_PROFILES);
        validatePlatformHealthOptions(field, { includeUnknown: args.includeUnknown, regions: args.regions, serviceHealth: args.serviceHealth });
        const includeUnknown = args.includeUnknown ?? false;
        const withServiceHealth = args.serviceHealth ?? true;
        const regions = args.regions ?? [];
        requireTagsInput(`${field}.tags`, args.tags);
        super(componentToken("PlatformHealthAlerts"), name, {}, withLegacyAlias("PlatformHealthAlerts", opts));

        const actionGroups = pulumi.output(args.actionGroupIds ?? []).apply((ids) => ids.map((actionGroupId) => ({ actionGroupId })));
        const statuses = [...UNHEALTHY_STATUSES, ...(includeUnknown ? ["Unknown"] : [])];
        const bySubscription = new Map<string, string[]>();
        for (const hub of hubs) bySubscription.set(subscriptionOf(hub), [...(bySubscription.get(subscriptionOf(hub)) ?? []), hub]);
        const several = bySubscription.size > 1;

        this.resourceHealthAlertIds = {};
        this.serviceHealthAlertIds = {};
        for (const [subscription, subscriptionHubs] of bySubscription) {
            const suffix = several ? `-${subscription.slice(0, 8)}` : "";
            const resourceHealth = new monitor.ActivityLogAlert(
                `${name}-resource-health${suffix}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: "Global",
                    enabled: true,
                    scopes: subscriptionHubs,
                    description: resourceHealthDescription(subscriptionHubs.map(hubNameFromId)),
                    condition: {
                        allOf: [
                            { field: "category", equals: "ResourceHealth" },
                            { anyOf: statuses.map((s) => ({ field: "properties.currentHealthStatus", equals: s })) },
                            { anyOf: ["PlatformInitiated", "UserInitiated"].map((c) => ({ field: "properties.cause", equals: c })) },
                        ],
                    },
                    actions: { actionGroups },
                    tags: args.tags,
                },
                { parent: this },
            );
            this.resourceHealthAlertIds[subscription] = resourceHealth.id;
            if (!withServiceHealth) continue;
            const serviceHealth = new monitor.ActivityLogAlert(
                `${name}-service-health${suffix}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: "Global",
                    enabled: true,
                    scopes: [`/subscriptions/${subscription}`],
                    description: serviceHealthDescription(regions),
                    condition: {
                        allOf: [
                            { field: "category", equals: "ServiceHealth" },
                            { field: "properties.impactedServices[*].ServiceName", containsAny: [IOT_HUB_SERVICE_NAME] },
                            ...(regions.length > 0 ? [{ field: "properties.impactedServices[*].ImpactedRegions[*].RegionName", containsAny: regions }] : []),
                            { anyOf: SERVICE_HEALTH_EVENT_TYPES[profile].map((t) => ({ field: "properties.incidentType", equals: t })) },
                        ],
                    },
                    actions: { actionGroups },
                    tags: args.tags,
                },
                { parent: this },
            );
            this.serviceHealthAlertIds[subscription] = serviceHealth.id;
        }
        this.registerOutputs({ resourceHealthAlertIds: this.resourceHealthAlertIds, serviceHealthAlertIds: this.serviceHealthAlertIds });
    }
}
