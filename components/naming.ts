/**
 * Names shared by the components: the Pulumi type-token prefix and the derivation of short,
 * stable resource names from hub resource ids.
 */
import { ValidationError } from "../azure/validation";

/** Type-token prefix of every component: `iothub404104:monitoring:<Name>`. */
export const TYPE_PREFIX = "iothub404104:monitoring";

/** The hub's name, the last segment of its resource id. */
export function hubNameFromId(hubResourceId: string): string {
    const name = hubResourceId.split("/").pop();
    if (!name) throw new ValidationError("hubResourceId", hubResourceId, "allowed: an IoT Hub resource id");
    return name;
}
