import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { TYPE_PREFIX } from "./naming";
import { requireNonEmptyString } from "../azure/validation";

/** Application (client) id of Microsoft's "Azure Monitor Action Group" service principal, which calls secure webhooks. */
export const AZURE_MONITOR_ACTION_GROUP_APP_ID = "461e8683-5575-4561-ac7f-899cc907d62a";

/** Name (value) of the app role Azure Monitor expects on a secure-webhook application. */
export const SECURE_WEBHOOK_ROLE_VALUE = "ActionGroupsSecureWebhook";

/** Fixed id of that app role on the applications this package creates (an app role id only has to be unique within its application). */
export const SECURE_WEBHOOK_ROLE_ID = "6b0a1c5e-4f5d-4c1b-9a51-404104a1e7b1";

/** Arguments of {@link SecureWebhookApplication}. */
export interface SecureWebhookApplicationArgs {
    /** Display name of the Entra ID application that represents the webhook endpoint. Default: `iothub-404104-alerts-<component name>`. */
    displayName?: string;
}

/**
 * The Entra ID side of an action group's secure webhook: an application with the
 * `ActionGroupsSecureWebhook` app role, its service principal, and the role assigned to the
 * "Azure Monitor Action Group" service principal, so Azure Monitor obtains a token for the
 * application when it calls the webhook. The receiver then sets `useAadAuth`, `objectId` (the
 * application's object id), `identifierUri` and `tenantId` from this component's outputs.
 *
 * The Azure Monitor service principal is adopted if it exists in the tenant and created if not;
 * it is never deleted by Pulumi (`retainOnDelete`), since other action groups may rely on it.
 */
export class SecureWebhookApplication extends pulumi.ComponentResource {
    /** The Entra ID application. */
    public readonly application: azuread.Application;
    /** The application's service principal (the resource the role is granted on). */
    public readonly servicePrincipal: azuread.ServicePrincipal;
    /** The assignment of the app role to the Azure Monitor Action Group service principal. */
    public readonly roleAssignment: azuread.AppRoleAssignment;
    /** Object id of the application: the receiver's `objectId`. */
    public readonly objectId: pulumi.Output<string>;
    /** The application id URI (`api://<client id>`): the receiver's `identifierUri`. */
    public readonly identifierUri: pulumi.Output<string>;
    /** Tenant of the application: the receiver's `tenantId`. */
    public readonly tenantId: pulumi.Output<string>;

    constructor(name: string, args: SecureWebhookApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:SecureWebhookApplication`, name, {}, opts);
        const displayName = requireNonEmptyString("SecureWebhookApplicationArgs.displayName", args.displayName ?? `iothub-404104-alerts-${name}`);
        const parent = { parent: this };

        this.application = new azuread.Application(
            `${name}-app`,
            {
                displayName,
                appRoles: [
                    {
                        id: SECURE_WEBHOOK_ROLE_ID,
                        allowedMemberTypes: ["Application"],
                        description: "Lets Azure Monitor action groups call this webhook.",
                        displayName: SECURE_WEBHOOK_ROLE_VALUE,
                        enabled: true,
                        value: SECURE_WEBHOOK_ROLE_VALUE,
                    },
                ],
            },
            parent,
        );
        const uri = new azuread.ApplicationIdentifierUri(
            `${name}-uri`,
            { applicationId: this.application.id, identifierUri: pulumi.interpolate`api://${this.application.clientId}` },
            parent,
        );
        this.servicePrincipal = new azuread.ServicePrincipal(`${name}-sp`, { clientId: this.application.clientId }, parent);
        const actionGroupPrincipal = new azuread.ServicePrincipal(
            `${name}-azure-monitor-sp`,
            { clientId: AZURE_MONITOR_ACTION_GROUP_APP_ID, useExisting: true },
            { parent: this, retainOnDelete: true },
        );
        this.roleAssignment = new azuread.AppRoleAssignment(
            `${name}-role`,
            {
                appRoleId: SECURE_WEBHOOK_ROLE_ID,
                principalObjectId: actionGroupPrincipal.objectId,
                resourceObjectId: this.servicePrincipal.objectId,
            },
            parent,
        );
        this.objectId = this.application.objectId;
        this.identifierUri = uri.identifierUri;
        this.tenantId = azuread.getClientConfigOutput(parent).tenantId;
        this.registerOutputs({ objectId: this.objectId, identifierUri: this.identifierUri, tenantId: this.tenantId });
    }
}
