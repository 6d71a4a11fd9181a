/**
 * The rules a replay runs: a stack's log search alert rules and drop alerts resolved exactly as the
 * program creates them. Kept apart from the engine because resolving them loads the components
 * (and `@pulumi/pulumi`), which the replay's workers do not need.
 */
import { resolveDropAlertCondition } from "../components/connectedDevicesAlert";
import { resolveDetectionRule } from "../components/detectionRule";
import { dropAlertSettingsForProfile } from "../components/hubAlerts";
import { fleetHubPlans } from "../components/monitoring";
import type { StackSettings } from "../program/config";
import { FLEET_COMPONENT_NAME } from "../program/stack";
import { DETECTIONS } from "../queries/catalog";
import type { ReplayMetricAlert, ReplayPlan, ReplayRule } from "./engine";

/** Resolves the enabled rules of a stack exactly as the program builds them (same merging, same names). */
export function planReplay(settings: StackSettings): ReplayPlan {
    const rules: ReplayRule[] = [];
    const metricAlerts: ReplayMetricAlert[] = [];
    const plans = fleetHubPlans(settings.fleet, "stack");
    for (const plan of plans) {
        const hub = plan.hubResourceId.toLowerCase();
        for (const detection of DETECTIONS) {
            const { enabled, ...ruleSettings } = plan.detections[detection.id] ?? {};
            if (enabled === false) continue;
            const resolved = resolveDetectionRule(`${plan.errorPath}.detections.${detection.id}`, detection, plan.hubResourceId, settings.profile, ruleSettings);
            rules.push({ name: `${FLEET_COMPONENT_NAME}-${plan.key}-${detection.id}`, hub, resolved });
        }
        if (plan.connectedDevicesAlert.enabled !== false) {
            const condition = resolveDropAlertCondition(`${plan.errorPath}.connectedDevicesAlert`, dropAlertSettingsForProfile(plan.connectedDevicesAlert, settings.profile));
            metricAlerts.push({ name: `${FLEET_COMPONENT_NAME}-${plan.key}-connected-devices-drop`, hub, condition });
        }
    }
    return { rules, metricAlerts, hubs: plans.map((p) => p.hubResourceId.toLowerCase()) };
}
