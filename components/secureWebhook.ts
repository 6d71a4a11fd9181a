import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { componentToken, withLegacyAlias } from "./naming";
import { requireGuid, requireNonEmptyString, requireUnique, ValidationError } from "../azure/validation";

/** Application (client) id of Microsoft's "Azure Monitor Action Group" service principal, which calls secure webhooks. */
export const AZURE_MONITOR_ACTION_GROUP_APP_ID = "461e8683-5575-4561-ac7f-899cc907d62a";

/** Name (value) of the app role Azure Monitor expects on a secure-webhook application. */
export const SECURE_WEBHOOK_ROLE_VALUE = "ActionGroupsSecureWebhook";

/** Fixed id of that app role on the applications this package creates (an app role id only has to be unique within its application). */
export const SECURE_WEBHOOK_ROLE_ID = "6b0a1c5e-4f5d-4c1b-9a51-404104a1e7b1";

/** Arguments of `SecureWebhookApplication`. */
export interface SecureWebhookApplicationArgs {
    /** Display name of the Entra ID application that represents the webhook endpoint. Default: `iothub-404104-alerts-<component name>`. */
    displayName?: string;
    /**
     * Object ids (GUIDs) of further owners of the application and its service principal: the users,
     * groups' members or pipelines' service principals that may later edit the action group's secure
     * webhook. Microsoft requires the principal that creates or edits a secure webhook action to own
     * the application. Default: none besides the deploying principal.
     */
    owners?: string[];
    /**
     * Whether the principal running `pulumi up` (its object id from `azuread.getClientConfig`) owns
     * the application, so the deployment that creates the secure webhook may also edit it later.
     * Default: `true`.
     */
    deployerIsOwner?: boolean;
}

/**
 * The Entra ID side of an action group's secure webhook: an application with the
 * `ActionGroupsSecureWebhook` app role, its service principal, and the role assigned to the
 * "Azure Monitor Action Group" service principal, so Azure Monitor obtains a token for the
 * application when it calls the webhook. The receiver then sets `useAadAuth`, `objectId` (the
 * application's object id), `identifierUri` and `tenantId` from this component's outputs.
 *
 * The application and its service principal are owned by the deploying principal and any `owners`
 * given: Microsoft requires whoever creates or edits the secure webhook action to own the
 * application, and an application without owners leaves nobody but a directory administrator able
 * to change the action after the first deployment.
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
    /** Object ids of the owners of the application and its service principal: the deploying principal (unless turned off) and `owners`. */
    public readonly owners: pulumi.Output<string[]>;

    constructor(name: string, args: SecureWebhookApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentToken("SecureWebhookApplication"), name, {}, withLegacyAlias("SecureWebhookApplication", opts));
        const field = "SecureWebhookApplicationArgs";
        const displayName = requireNonEmptyString(`${field}.displayName`, args.displayName ?? `iothub-404104-alerts-${name}`);
        const extraOwners = secureWebhookOwners(`${field}.owners`, args.owners);
        const deployerIsOwner = args.deployerIsOwner ?? true;
        if (typeof deployerIsOwner !== "boolean") throw new ValidationError(`${field}.deployerIsOwner`, deployerIsOwner, "allowed: true or false");
        if (!deployerIsOwner && extraOwners.length === 0) {
            throw new ValidationError(`${field}.owners`, args.owners, "allowed with deployerIsOwner false: at least one owner object id; an application without owners leaves nobody able to edit the secure webhook action");
        }
        const parent = { parent: this };
        const clientConfig = azuread.getClientConfigOutput(parent);
        this.owners = deployerIsOwner
            ? clientConfig.objectId.apply((deployer) => [deployer, ...extraOwners.filter((o) => o.toLowerCase() !== deployer.toLowerCase())])
            : pulumi.output(extraOwners);

        this.application = new azuread.Application(
            `${name}-app`,
            {
                displayName,
                owners: this.owners,
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
        this.servicePrincipal = new azuread.ServicePrincipal(`${name}-sp`, { clientId: this.application.clientId, owners: this.owners }, parent);
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
        this.tenantId = clientConfig.tenantId;
        this.registerOutputs({ objectId: this.objectId, identifierUri: this.identifierUri, tenantId: this.tenantId, owners: this.owners });
    }
}

/** Validates the extra owners of a secure-webhook application: object ids (GUIDs), each once. `field` names the list. */
export function secureWebhookOwners(field: string, owners: unknown): string[] {
    if (owners === undefined) return [];
    if (!Array.isArray(owners)) throw new ValidationError(field, owners, "allowed: a list of object ids (GUIDs) of users or service principals");
    const ids = owners.map((o, i) => requireGuid(`${field}[${i}]`, o));
    requireUnique(field, ids);
    return ids;
}
