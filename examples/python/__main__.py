"""The 404104 monitoring of a fleet of IoT Hubs, from Python.

    pulumi package add ../..          # from a clone; or: pulumi package add github.com/<owner>/iothub-404104-monitoring@v0.2.0
    pulumi stack init dev && pulumi up

`pulumi package add` generates the Python SDK of the package under sdks/ and adds it to
requirements.txt; its module is pulumi_iothub_404104_monitoring.
"""
import pulumi
import pulumi_iothub_404104_monitoring as monitoring

hubs = "/subscriptions/3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c/resourceGroups/rg-iot-dev/providers/Microsoft.Devices/IotHubs"

fleet = monitoring.FleetMonitoring(
    "iot-404104",
    resource_group_name="rg-iot-monitoring-dev",
    location="westeurope",
    profile="dev",
    hub_resource_ids=[f"{hubs}/contoso-iot-dev"],
    hubs=[
        monitoring.FleetHubOptionsArgs(
            hub_resource_id=f"{hubs}/contoso-iot-lab",
            connected_devices_alert=monitoring.ConnectedDevicesAlertOptionsArgs(enabled=False),
        )
    ],
    connected_devices_alert=monitoring.ConnectedDevicesAlertOptionsArgs(expected_connected_devices=40),
    notifications=monitoring.NotificationOptionsArgs(
        emails=[monitoring.EmailReceiverArgs(name="oncall", address="iot-oncall@contoso.com")],
    ),
    detections={
        "random-disconnect": monitoring.DetectionSettingsArgs(
            severity=2,
            parameters=monitoring.DetectionParametersArgs(numbers={"zScore": 6}),
        ),
    },
)

pulumi.export("workspace_id", fleet.workspace_id)
pulumi.export("rule_ids", fleet.rule_ids)
pulumi.export("workbook_link", fleet.workbook_link)
