/**
 * Names shared by the components: the Pulumi type-token prefix and the derivation of short,
 * stable resource names from hub resource ids.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "../azure/validation";

/**
 * The package name: the npm name in package.json, which the component provider host also serves
 * the components under. Type tokens are `<package>:index:<Name>`, the convention the host requires.
 */
export const PACKAGE_NAME = "iothub-404104-monitoring";

/** Type-token prefix of every component: `iothub-404104-monitoring:index:<Name>`. */
export const TYPE_PREFIX = `${PACKAGE_NAME}:index`;

/** The type-token prefix of versions 0.1.x (`iothub404104:monitoring:<Name>`), kept as an alias so existing stacks see no replacement. */
export const LEGACY_TYPE_PREFIX = "iothub404104:monitoring";

/** A component's type token: `iothub-404104-monitoring:index:<name>`. */
export function componentToken(name: string): string {
    return `${TYPE_PREFIX}:${name}`;
}

/**
 * The caller's resource options plus an alias from the 0.1.x token `iothub404104:monitoring:<name>`,
 * so a stack made by 0.1.x moves its components (and, through their parents, their children)
 * instead of replacing them.
 */
export function withLegacyAlias(name: string, opts: pulumi.ComponentResourceOptions | undefined): pulumi.ComponentResourceOptions {
    return { ...opts, aliases: [...(opts?.aliases ?? []), { type: `${LEGACY_TYPE_PREFIX}:${name}` }] };
}

/** The hub's name, the last segment of its resource id. */
export function hubNameFromId(hubResourceId: string): string {
    const name = hubResourceId.split("/").pop();
    if (!name) throw new ValidationError("hubResourceId", hubResourceId, "allowed: an IoT Hub resource id");
    return name;
}
