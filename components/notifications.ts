import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { componentToken, withLegacyAlias } from "./naming";
import { KeptBeside } from "./children";
import { requireTagsInput } from "./tags";
import { SecureWebhookApplication, secureWebhookOwners } from "./secureWebhook";
import {
    requireActionGroupId,
    requireBoolean,
    requireEmail,
    requireHttpsUrl,
    requireName,
    requireNonEmptyString,
    requireUnique,
    ValidationError,
} from "../azure/validation";
import { LIMITS } from "../azure/limits";

/** An email receiver of the action group. */
export interface EmailReceiver {
    /** Receiver name, unique within the action group. */
    name: string;
    /** Email address that gets the notification. */
    address: string;
}

/** A plain webhook receiver. The URL usually carries a token: it is stored as a Pulumi secret. */
export interface WebhookReceiver {
    /** Receiver name, unique within the action group. */
    name: string;
    /** `https://` URL to call; `http` is refused. Plain strings are checked at once, outputs when they resolve. */
    url: pulumi.Input<string>;
}

/** A secure webhook receiver: Azure Monitor calls it with an Entra ID token for an application this package creates. */
export interface SecureWebhookReceiver extends WebhookReceiver {
    /** Display name of the Entra ID application. Default: `iothub-404104-alerts-<component name>`. */
    applicationDisplayName?: string;
    /** Object ids (GUIDs) of further owners of the Entra ID application, who may edit the secure webhook later. Default: none; the deploying principal always owns it. */
    owners?: string[];
}

/**
 * Notification routing as the umbrellas take it: the receivers of a new action group, and/or the
 * ids of existing action groups. The resource group comes from the umbrella.
 */
export interface NotificationOptions {
    /** Name of the created action group. Default: Pulumi's auto-name from the component name. */
    actionGroupName?: string;
    /** Short name shown in SMS and email notifications, 1 to 12 characters. Default: `IoTHub404104`. */
    shortName?: string;
    /** Email receivers. Default: none. */
    emails?: EmailReceiver[];
    /** Plain webhook receivers (URLs kept secret, https only). Default: none. */
    webhooks?: WebhookReceiver[];
    /** One secure webhook receiver with its Entra ID application. Default: none. */
    secureWebhook?: SecureWebhookReceiver;
    /** Ids of existing action groups to notify as well (or instead). Default: none. */
    existingActionGroupIds?: string[];
    /** Whether receivers get the common alert schema. Default: `true`. */
    useCommonAlertSchema?: boolean;
    /** Tags of the created action group. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Arguments of `AlertNotifications`: the `NotificationOptions` plus the resource group
 * of the created action group. At least one receiver or one existing action group is required.
 */
export interface AlertNotificationsArgs extends NotificationOptions {
    /** Resource group of the created action group. Required when any receiver is given. */
    resourceGroupName?: pulumi.Input<string>;
}

/** The paths of the receivers' names, in the order emails, webhooks, secure webhook (for duplicate-name errors). */
export function receiverNamePaths(field: string, emails: number, webhooks: number, secureWebhook: boolean): string[] {
    return [
        ...Array.from({ length: emails }, (_, i) => `${field}.emails[${i}].name`),
        ...Array.from({ length: webhooks }, (_, i) => `${field}.webhooks[${i}].name`),
        ...(secureWebhook ? [`${field}.secureWebhook.name`] : []),
    ];
}

/** Default short name of the created action group. */
export const DEFAULT_ACTION_GROUP_SHORT_NAME = "IoTHub404104";

function httpsSecret(field: string, url: pulumi.Input<string>): pulumi.Output<string> {
    if (typeof url === "string") requireHttpsUrl(field, url);
    return pulumi.secret(pulumi.output(url).apply((u) => requireHttpsUrl(field, u)));
}

/**
 * The notification routing behind the alerts: an action group (location `Global`) with email,
 * webhook and secure-webhook receivers, plus any existing action groups. `actionGroupIds` is what
 * the alert rules reference.
 */
/** The secure webhook's application of each `AlertNotifications`, kept beside it. */
const SECURE_WEBHOOK_APPLICATIONS = new KeptBeside<{ application?: SecureWebhookApplication }>();

export class AlertNotifications extends pulumi.ComponentResource {
    /** Ids of every action group the alerts notify: the created one first, then the existing ones. */
    public readonly actionGroupIds: pulumi.Output<string[]>;
    /**
     * The same ids as a list of outputs, one per action group. Alert rules take this form, so a
     * preview knows how many action groups each alert has even before the created one has an id.
     */
    public readonly actionGroupIdList: pulumi.Output<string>[];
    /** The created action group, or `undefined` when only existing action groups are used. */
    public readonly actionGroup?: monitor.ActionGroup;

    constructor(name: string, args: AlertNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentToken("AlertNotifications"), name, {}, withLegacyAlias("AlertNotifications", opts));
        requireTagsInput("AlertNotificationsArgs.tags", args.tags);
        const field = "AlertNotificationsArgs";
        const emails = args.emails ?? [];
        const webhooks = args.webhooks ?? [];
        const existing = (args.existingActionGroupIds ?? []).map((id, i) => requireActionGroupId(`${field}.existingActionGroupIds[${i}]`, id).id);
        requireUnique(`${field}.existingActionGroupIds`, existing);
        const useCommonAlertSchema = requireBoolean(`${field}.useCommonAlertSchema`, args.useCommonAlertSchema ?? true);
        const hasReceivers = emails.length > 0 || webhooks.length > 0 || args.secureWebhook !== undefined;
        let secureWebhookApplication: SecureWebhookApplication | undefined;
        if (!hasReceivers && existing.length === 0) {
            throw new ValidationError(field, "no receivers", "allowed: at least one of emails, webhooks, secureWebhook or existingActionGroupIds");
        }

        const names = [
            ...emails.map((e, i) => requireNonEmptyString(`${field}.emails[${i}].name`, e.name)),
            ...webhooks.map((w, i) => requireNonEmptyString(`${field}.webhooks[${i}].name`, w.name)),
            ...(args.secureWebhook ? [requireNonEmptyString(`${field}.secureWebhook.name`, args.secureWebhook.name)] : []),
        ];
        requireUnique(receiverNamePaths(field, emails.length, webhooks.length, args.secureWebhook !== undefined), names);
        if (args.secureWebhook) secureWebhookOwners(`${field}.secureWebhook.owners`, args.secureWebhook.owners);

        if (hasReceivers) {
            if (args.resourceGroupName === undefined) throw new ValidationError(`${field}.resourceGroupName`, undefined, "required when receivers are given");
            const shortName = requireName(`${field}.shortName`, args.shortName ?? DEFAULT_ACTION_GROUP_SHORT_NAME, LIMITS.actionGroupShortName);
            const emailReceivers = emails.map((e, i) => ({
                name: e.name,
                emailAddress: requireEmail(`${field}.emails[${i}].address`, e.address),
                useCommonAlertSchema,
            }));
            const webhookReceivers: pulumi.Input<monitor.ActionGroupArgs["webhookReceivers"]> = webhooks.map((w, i) => ({
                name: w.name,
                serviceUri: httpsSecret(`${field}.webhooks[${i}].url`, w.url),
                useCommonAlertSchema,
                useAadAuth: false,
            }));
            if (args.secureWebhook) {
                const s = args.secureWebhook;
                const url = httpsSecret(`${field}.secureWebhook.url`, s.url);
                secureWebhookApplication = new SecureWebhookApplication(`${name}-secure-webhook`, { displayName: s.applicationDisplayName, owners: s.owners }, { parent: this });
                webhookReceivers.push({
                    name: s.name,
                    serviceUri: url,
                    useCommonAlertSchema,
                    useAadAuth: true,
                    objectId: secureWebhookApplication.objectId,
                    identifierUri: secureWebhookApplication.identifierUri,
                    tenantId: secureWebhookApplication.tenantId,
                });
            }
            this.actionGroup = new monitor.ActionGroup(
                name,
                {
                    resourceGroupName: args.resourceGroupName,
                    actionGroupName: args.actionGroupName,
                    groupShortName: shortName,
                    location: "Global",
                    enabled: true,
                    emailReceivers,
                    webhookReceivers,
                    tags: args.tags,
                },
                { parent: this, dependsOn: secureWebhookApplication ? [secureWebhookApplication] : [] },
            );
            this.actionGroupIdList = [this.actionGroup.id, ...existing.map((id) => pulumi.output(id))];
        } else {
            this.actionGroupIdList = existing.map((id) => pulumi.output(id));
        }
        this.actionGroupIds = pulumi.all(this.actionGroupIdList);
        SECURE_WEBHOOK_APPLICATIONS.keep(this, { application: secureWebhookApplication });
        this.registerOutputs({ actionGroupIds: this.actionGroupIds });
    }

    /** The Entra ID application behind the secure webhook; absent without one. */
    get secureWebhookApplication(): SecureWebhookApplication | undefined {
        return SECURE_WEBHOOK_APPLICATIONS.of(this).application;
    }
}
