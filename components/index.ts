/**
 * The public API of the package: Pulumi components that monitor Azure IoT Hubs for error 404104
 * DeviceConnectionClosedRemotely, the detection catalog they draw on, and the validation errors
 * they raise. Import from here, not from the individual modules.
 */
export {
    HubMonitoring,
    FleetMonitoring,
    fleetHubPlans,
    type FleetHubPlan,
    type SharedResources,
    mergeDropAlertSettings,
    validateWorkbookOptions,
    type HubMonitoringArgs,
    type FleetMonitoringArgs,
    type FleetHubOptions,
    type MonitoringSharedArgs,
    type WorkbookOptions,
} from "./monitoring";
export {
    TriageWorkbook,
    triageWorkbookContent,
    renderWorkbookQueries,
    workbookPortalLink,
    deterministicGuid,
    DEFAULT_WORKBOOK_DISPLAY_NAME,
    type TriageWorkbookArgs,
    type TriageWorkbookContentOptions,
    type WorkbookContent,
    type WorkbookItem,
} from "./workbook";
export { WORKBOOK_QUERIES, CONNECTED_DEVICES_METRIC_ITEM } from "../queries/catalog";
export type { WorkbookQueryDefinition, WorkbookMetricDefinition, SharedDetectionParameter } from "../queries/workbook/items";
export { HubAlerts, DEPLOYMENT_TIME_LINE, type HubAlertsArgs, type ConnectedDevicesAlertOptions, type DetectionSettingsMap } from "./hubAlerts";
export { PlatformHealthAlerts, validatePlatformHealthOptions, type PlatformHealthOptions, IOT_HUB_SERVICE_NAME, UNHEALTHY_STATUSES, SERVICE_HEALTH_EVENT_TYPES, type PlatformHealthAlertsArgs } from "./platformHealth";
export { MonitoringWorkspace, WORKSPACE_SKUS, type MonitoringWorkspaceArgs, type WorkspaceOptions, type WorkspaceSku } from "./workspace";
export { HubDiagnostics, IOT_HUB_LOG_CATEGORIES, DEFAULT_DIAGNOSTIC_SETTING_NAME, type HubDiagnosticsArgs, type HubDiagnosticsOptions, type IotHubLogCategory } from "./hubDiagnostics";
export { AlertNotifications, type AlertNotificationsArgs, type NotificationOptions, type EmailReceiver, type WebhookReceiver, type SecureWebhookReceiver } from "./notifications";
export { SecureWebhookApplication, AZURE_MONITOR_ACTION_GROUP_APP_ID, SECURE_WEBHOOK_ROLE_VALUE, type SecureWebhookApplicationArgs } from "./secureWebhook";
export {
    ConnectedDevicesDropAlert,
    resolveDropAlertCondition,
    CONNECTED_DEVICES_METRIC,
    type ConnectedDevicesDropAlertArgs,
    type ConnectedDevicesAlertSettings,
    type DropAlertCondition,
    type DropAggregation,
} from "./connectedDevicesAlert";
export { resolveDetectionRule, scheduledQueryRuleArgs, detectionDescription, type DetectionSettings, type ResolvedDetectionRule, type DetectionRuleTarget } from "./detectionRule";
export { PROFILE_DEFAULTS, ENVIRONMENT_PROFILES, type EnvironmentProfile, type ProfileDefaults } from "./profiles";
export { ValidationError, type Severity } from "../azure/validation";
export type { IsoDuration } from "../azure/durations";
export { LIMITS, LIMIT_ROWS, citeLimit, describeLimitRule, describeLimitSource, type AzureLimit, type LimitRule, type LimitSource, type LimitTarget } from "../azure/limits";
export { DETECTIONS, detectionById } from "../queries/catalog";
export type { DetectionDefinition, Symptom, Runbook, FailingPeriods } from "../queries/detection";
