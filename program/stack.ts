/**
 * The program's body: reads the stack's configuration, builds the fleet component and returns
 * what the stack exports. `index.ts` calls it; the offline preview and the tests call it under
 * Pulumi's mock engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { FleetMonitoring } from "../components/monitoring";
import { parseStackConfig, type StackSettings } from "./config";

/** Logical name of the fleet component in every stack. */
export const FLEET_COMPONENT_NAME = "iothub-404104";

/** What a stack exports: the ids of what it made. */
export interface StackOutputs {
    readonly profile: string;
    readonly workspaceId: pulumi.Output<string>;
    readonly actionGroupIds: pulumi.Output<string[]>;
    readonly diagnosticSettingIds: Readonly<Record<string, pulumi.Output<string>>>;
    readonly connectedDevicesAlertIds: Readonly<Record<string, pulumi.Output<string>>>;
    readonly ruleIds: Readonly<Record<string, Readonly<Record<string, pulumi.Output<string>>>>>;
    /** Portal link of the triage workbook, unless the stack disables it. */
    readonly workbookLink?: pulumi.Output<string>;
}

/** Parses the current stack's configuration; webhook URLs become Pulumi secrets. */
export function readStackSettings(): StackSettings {
    return parseStackConfig(pulumi.runtime.allConfig(), pulumi.getProject(), pulumi.getStack(), (url) => pulumi.secret(url));
}

/** Builds the stack's resources from its configuration and returns its exports together with the fleet component; `opts` go to the fleet component. */
export function deployStack(
    settings: StackSettings = readStackSettings(),
    opts?: pulumi.ComponentResourceOptions,
): StackOutputs & { readonly fleet: FleetMonitoring } {
    const fleet = new FleetMonitoring(FLEET_COMPONENT_NAME, settings.fleet, opts);
    return {
        fleet,
        profile: settings.profile,
        workspaceId: fleet.workspaceId,
        actionGroupIds: fleet.actionGroupIds,
        diagnosticSettingIds: fleet.diagnosticSettingIds,
        connectedDevicesAlertIds: fleet.connectedDevicesAlertIds,
        ruleIds: fleet.ruleIds,
        workbookLink: fleet.workbookLink,
    };
}
