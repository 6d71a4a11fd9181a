/**
 * The `iothub-404104` policy pack: `pulumi preview --policy-pack policy` (or `pulumi up`) runs it.
 * Constructing the pack starts the analyzer's gRPC server and prints its port, so this entry does
 * nothing else; the policies live in `./policies`. The pack's version comes from
 * `policy/package.json` (read from the working directory, which the CLI sets to this folder).
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES, POLICY_PACK_NAME } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
    displayName: "IoT Hub 404104 monitoring",
    description: "Guards the 404104 DeviceConnectionClosedRemotely monitoring: Connections logs reach Log Analytics, every detection is on (or waived), no alert is silent, KQL checks out, drop alerts catch drops, webhooks are secure and logs are kept.",
    provider: "azure-native",
    enforcementLevel: "mandatory",
    policies: POLICIES,
});
