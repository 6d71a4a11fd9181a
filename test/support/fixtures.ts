/** Ids and helpers shared by the tests. */
import type { RecordedResource } from "../../program/offline";

export const SUB = "3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c";
export const HUB_A = `/subscriptions/${SUB}/resourceGroups/rg-iot/providers/Microsoft.Devices/IotHubs/hub-a`;
export const HUB_B = `/subscriptions/${SUB}/resourceGroups/rg-iot/providers/Microsoft.Devices/IotHubs/hub-b`;
export const WORKSPACE_ID = `/subscriptions/${SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-shared`;
export const ACTION_GROUP_ID = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/ops-oncall`;

/** The one recorded resource with this type and name; fails the test when missing. */
export function one(resources: readonly RecordedResource[], type: string, name: string): RecordedResource {
    const found = resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}; have: ${resources.map((r) => `${r.type}::${r.name}`).join(", ")}`);
    }
    return found[0];
}

/** Recorded resources of a type whose name starts with a prefix. */
export function under(resources: readonly RecordedResource[], type: string, prefix: string): RecordedResource[] {
    return resources.filter((r) => r.type === type && r.name.startsWith(prefix));
}
