/**
 * The Pulumi program: one stack per environment (`pulumi up --stack dev|staging|prod`). It reads
 * the stack's configuration (see the README's config reference), monitors the configured IoT
 * Hubs for error 404104, and exports the ids of what it made.
 */
import { deployStack } from "./program/stack";

const stack = deployStack();

/** The environment profile in effect. */
export const profile = stack.profile;
/** Resource id of the Log Analytics workspace. */
export const workspaceId = stack.workspaceId;
/** Action groups the alerts notify. */
export const actionGroupIds = stack.actionGroupIds;
/** Diagnostic-setting ids by hub. */
export const diagnosticSettingIds = stack.diagnosticSettingIds;
/** Connected-devices drop alert ids by hub. */
export const connectedDevicesAlertIds = stack.connectedDevicesAlertIds;
/** Log search alert rule ids by hub and detection. */
export const ruleIds = stack.ruleIds;
/** Portal link of the triage workbook, unless the stack disables it. */
export const workbookLink = stack.workbookLink;
