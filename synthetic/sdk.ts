/**
 * How each Azure IoT device SDK renews its SAS token and keeps its connection alive, which shapes
 * the normal disconnects of a healthy fleet (facts sheet, "SDK and protocol behaviour"):
 * - C: tokens live 3600 s and are renewed every 48 minutes;
 * - .NET and Java: 60-minute tokens renewed at 85% of their life (51 minutes);
 * - Python: renewed 120 s before expiry (58 minutes).
 * Over MQTT a renewal is a disconnect and an immediate reconnect (MQTT sends the token only in
 * CONNECT); over AMQP the token is renewed on the open connection and nothing is logged.
 * MQTT keep-alive defaults: C 240 s, C# 300 s, Java 230 s, Python 60 s; IoT Hub closes an idle
 * connection after 1.5 x the keep-alive, at most 1,767 s.
 */

/** The SDK families the generator models. */
export type SdkStyle = "c" | "dotnet" | "java" | "python";

/** All modelled SDK families. */
export const SDK_STYLES: readonly SdkStyle[] = ["c", "dotnet", "java", "python"];

/** One SDK family's connection behaviour. */
export interface SdkProfile {
    /** Time from a connect to the token renewal that reconnects (ms). */
    readonly renewalIntervalMs: number;
    /** MQTT keep-alive (ms); IoT Hub closes an idle connection after 1.5 x this, at most 1,767 s. */
    readonly keepAliveMs: number;
    /** `sdkVersion` of a current release, as the Connections log shows it (illustrative version numbers). */
    readonly currentVersion: string;
    /** `sdkVersion` of an old release with known connection bugs (illustrative version numbers). */
    readonly oldVersion: string;
}

const MINUTE = 60_000;

/** The modelled SDK families. */
export const SDK_PROFILES: Readonly<Record<SdkStyle, SdkProfile>> = {
    c: {
        renewalIntervalMs: 48 * MINUTE,
        keepAliveMs: 240_000,
        currentVersion: "iothubclient/1.13.0 (native; Linux; x86_64)",
        oldVersion: "iothubclient/1.2.8 (native; Linux; armv7l)",
    },
    dotnet: {
        renewalIntervalMs: 0.85 * 60 * MINUTE,
        keepAliveMs: 300_000,
        currentVersion: "Microsoft.Azure.Devices.Client/1.42.3 (.NET 8.0.8; Linux; X64)",
        oldVersion: "Microsoft.Azure.Devices.Client/1.17.0 (.NET Core 2.1; Linux; X64)",
    },
    java: {
        renewalIntervalMs: 0.85 * 60 * MINUTE,
        keepAliveMs: 230_000,
        currentVersion: "com.microsoft.azure.sdk.iot.iot-device-client/2.5.0 (Java 17; Linux; amd64)",
        oldVersion: "com.microsoft.azure.sdk.iot.iot-device-client/1.14.0 (Java 8; Linux; amd64)",
    },
    python: {
        renewalIntervalMs: 60 * MINUTE - 120_000,
        keepAliveMs: 60_000,
        currentVersion: "azure-iot-device/2.14.0 (Python 3.11.9; Linux; x86_64)",
        oldVersion: "azure-iot-device/2.0.1 (Python 3.6.9; Linux; armv7l)",
    },
};

/** When IoT Hub times out a connection whose network is gone: 1.5 x keep-alive, at most 1,767 s. */
export function idleTimeoutMs(profile: SdkProfile): number {
    return Math.min(1.5 * profile.keepAliveMs, 1_767_000);
}
