/**
 * The synthetic fleet generator: determinism, the shape of the rows, and the properties of each
 * scenario (healthy renewals in each SDK's style, the 65-minute 404104 cycle, random failures, a
 * mass drop with 500xxx errors), plus the ground truth it reports.
 */
import { describe, expect, it } from "vitest";
import {
    generateFleet,
    healthyFleet,
    hubResourceId,
    massDisconnectFleet,
    mixedFleet,
    periodicTokenExpiryFleet,
    randomDisconnectsFleet,
    SDK_PROFILES,
    type ConnectionsRow,
    type FleetSpec,
    type SdkStyle,
    type SyntheticRecord,
} from "../synthetic";

const START = "2026-11-22T00:00:00Z";
const MIN = 60_000;

function props(row: ConnectionsRow): { deviceId: string; protocol: string; sdkVersion: string; authType: string; maskedIpAddress: string } {
    return JSON.parse(row.properties_s);
}

function byDevice(records: readonly SyntheticRecord[]): Map<string, ConnectionsRow[]> {
    const out = new Map<string, ConnectionsRow[]>();
    for (const r of records) {
        const id = props(r.row).deviceId;
        const list = out.get(id) ?? [];
        list.push(r.row);
        out.set(id, list);
    }
    return out;
}

function gaps(times: readonly number[]): number[] {
    return times.slice(1).map((t, i) => t - times[i]);
}

function median(values: readonly number[]): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

function sdkOf(version: string): SdkStyle {
    const style = (Object.keys(SDK_PROFILES) as SdkStyle[]).find((s) => SDK_PROFILES[s].currentVersion === version || SDK_PROFILES[s].oldVersion === version);
    if (!style) throw new Error(`unknown sdkVersion ${version}`);
    return style;
}

describe("determinism", () => {
    const spec = mixedFleet({ seed: 11, start: START, durationMinutes: 240, devicesPerHub: 40 });

    it("the same spec yields the same rows, ingestion times and truth", () => {
        const a = generateFleet(spec);
        const b = generateFleet(spec);
        expect(a.records.length).toBeGreaterThan(1000);
        expect(JSON.stringify(b.records)).toBe(JSON.stringify(a.records));
        expect(b.incidents).toEqual(a.incidents);
    });

    it("another seed yields other rows", () => {
        const a = generateFleet(spec);
        const c = generateFleet({ ...spec, seed: 12 });
        expect(JSON.stringify(c.records)).not.toBe(JSON.stringify(a.records));
    });

    it("one hub's rows do not change when another hub's scenario does", () => {
        const a = generateFleet(spec);
        const changed = generateFleet({ ...spec, hubs: spec.hubs.map((h) => (h.name === "hub-random" ? { ...h, scenario: { randomDisconnects: { share: 0.5 } } } : h)) });
        const healthyRows = (f: typeof a): string => JSON.stringify(f.records.filter((r) => r.row._ResourceId.endsWith("/hub-healthy")));
        expect(healthyRows(changed)).toBe(healthyRows(a));
    });
});

describe("rows as Log Analytics stores IoT Hub Connections records", () => {
    const fleet = generateFleet(mixedFleet({ seed: 5, start: START, durationMinutes: 180, devicesPerHub: 30 }));

    it("fills the identity columns as AzureDiagnostics does", () => {
        const row = fleet.records[0].row;
        expect(row.ResourceProvider).toBe("MICROSOFT.DEVICES");
        expect(row.ResourceType).toBe("IOTHUBS");
        expect(row.Category).toBe("Connections");
        expect(row.Type).toBe("AzureDiagnostics");
        expect(row._ResourceId).toBe(row._ResourceId.toLowerCase());
        expect(row.ResourceId).toBe(row._ResourceId.toUpperCase());
        expect(row._ResourceId).toMatch(/^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/iot-rg\/providers\/microsoft\.devices\/iothubs\/hub-[a-z]+$/);
        expect(fleet.hubs.map((h) => h.resourceId)).toContain(row._ResourceId);
    });

    it("writes successes as Information with empty ResultType and errors as Error with code and description", () => {
        for (const { row } of fleet.records) {
            expect(["deviceConnect", "deviceDisconnect"]).toContain(row.OperationName);
            if (row.ResultType === "") {
                expect(row.Level).toBe("Information");
                expect(row.ResultDescription).toBe("");
            } else {
                expect(row.Level).toBe("Error");
                expect(row.ResultDescription).not.toBe("");
            }
        }
        const codes = new Set(fleet.records.map((r) => `${r.row.ResultType}:${r.row.ResultDescription}`));
        expect(codes).toContain("404104:DeviceConnectionClosedRemotely");
        expect(codes).toContain("401003:IoTHubUnauthorized");
        expect(codes).toContain("500001:ServerError");
    });

    it("puts deviceId, protocol, authType (JSON text), maskedIpAddress and sdkVersion in properties_s", () => {
        const p = props(fleet.records[0].row);
        expect(p.deviceId).toMatch(/^hub-[a-z]+-dev-\d{5}$/);
        expect(["Mqtt", "MqttWs", "Amqp", "AmqpWs"]).toContain(p.protocol);
        expect(JSON.parse(p.authType)).toEqual({ scope: "device", type: "sas", issuer: "iothub", acceptingIpFilterRule: null });
        expect(p.maskedIpAddress).toMatch(/^\d+\.\d+\.\d+\.XXX$/);
        expect(() => sdkOf(p.sdkVersion)).not.toThrow();
    });

    it("orders records by TimeGenerated and keeps them inside the window", () => {
        const times = fleet.records.map((r) => r.row.TimeGenerated);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(times[0]).toBeGreaterThanOrEqual(fleet.start);
        expect(times[times.length - 1]).toBeLessThan(fleet.end);
    });

    it("arrive 3 to 10 minutes after the event by default, at once with lateness off", () => {
        for (const r of fleet.records) {
            const delay = r.ingestedAt - r.row.TimeGenerated;
            expect(delay).toBeGreaterThanOrEqual(3 * MIN);
            expect(delay).toBeLessThanOrEqual(10 * MIN);
        }
        const prompt = generateFleet({ ...healthyFleet({ seed: 5, start: START, durationMinutes: 120, devicesPerHub: 10 }), lateness: false });
        expect(prompt.records.every((r) => r.ingestedAt === r.row.TimeGenerated)).toBe(true);
    });

    it("refuses bad hub names", () => {
        const spec: FleetSpec = { seed: 1, start: START, durationMinutes: 10, hubs: [{ name: "Bad_Name", devices: 1 }] };
        expect(() => generateFleet(spec)).toThrow(/hub name/);
    });
});

describe("healthy fleets", () => {
    const fleet = generateFleet({
        seed: 21,
        start: START,
        durationMinutes: 8 * 60,
        hubs: [{ name: "hub-healthy", devices: 120, protocolMix: { Mqtt: 0.9, Amqp: 0.1 } }],
    });

    it("log no 404104 and no error at all", () => {
        expect(fleet.records.length).toBeGreaterThan(500);
        expect(fleet.records.filter((r) => r.row.Level === "Error")).toEqual([]);
        expect(fleet.records.every((r) => r.label === "healthy")).toBe(true);
        expect(fleet.incidents).toEqual([]);
    });

    it("renew over MQTT with a disconnect and a reconnect within seconds, in each SDK's rhythm", () => {
        const intervals = new Map<SdkStyle, number[]>();
        for (const [, rows] of byDevice(fleet.records)) {
            const p = props(rows[0]);
            expect(p.protocol).toBe("Mqtt");
            for (let i = 0; i + 1 < rows.length; i += 2) {
                expect(rows[i].OperationName).toBe("deviceDisconnect");
                expect(rows[i + 1].OperationName).toBe("deviceConnect");
                expect(rows[i + 1].TimeGenerated - rows[i].TimeGenerated).toBeLessThan(5000);
            }
            const disconnects = rows.filter((r) => r.OperationName === "deviceDisconnect").map((r) => r.TimeGenerated);
            const style = sdkOf(p.sdkVersion);
            intervals.set(style, [...(intervals.get(style) ?? []), ...gaps(disconnects)]);
        }
        const minutes = (style: SdkStyle): number => median(intervals.get(style) ?? []) / MIN;
        expect(minutes("c")).toBeCloseTo(48, 0);
        expect(minutes("dotnet")).toBeCloseTo(51, 0);
        expect(minutes("java")).toBeCloseTo(51, 0);
        expect(minutes("python")).toBeCloseTo(58, 0);
    });

    it("log nothing for AMQP devices (the token is renewed on the open connection)", () => {
        const amqp = fleet.hubs[0].devices.filter((d) => d.identity.protocol === "Amqp").map((d) => d.identity.id);
        expect(amqp.length).toBeGreaterThan(0);
        const logged = new Set(fleet.records.map((r) => props(r.row).deviceId));
        expect(amqp.filter((id) => logged.has(id))).toEqual([]);
    });
});

describe("symptom 1: periodic token expiry", () => {
    const fleet = generateFleet(periodicTokenExpiryFleet({ seed: 31, start: START, durationMinutes: 8 * 60, devicesPerHub: 100 }));
    const affected = fleet.hubs[0].devices.filter((d) => d.behaviour.kind === "periodicTokenExpiry");

    it("affects the asked share of devices, and the truth names them", () => {
        expect(affected.length).toBe(30);
        const truth = fleet.incidents.filter((i) => i.symptom === 1);
        expect(truth).toHaveLength(1);
        expect(truth[0].devices).toEqual(affected.map((d) => d.identity.id).sort());
    });

    it("disconnects each affected device with 404104 every 65 minutes (plus the reconnect, under a minute)", () => {
        const rows = byDevice(fleet.records);
        for (const d of affected) {
            const drops = (rows.get(d.identity.id) ?? []).filter((r) => r.ResultType === "404104").map((r) => r.TimeGenerated);
            expect(drops.length).toBeGreaterThanOrEqual(6);
            for (const g of gaps(drops)) {
                expect(g).toBeGreaterThanOrEqual(65 * MIN - 3000);
                expect(g).toBeLessThanOrEqual(66 * MIN);
            }
        }
    });

    it("follows a 404104 by 401003 and a successful connect within a minute on some devices, by a plain reconnect on the others", () => {
        const rows = byDevice(fleet.records);
        let with401003 = 0;
        for (const d of affected) {
            if (d.behaviour.kind !== "periodicTokenExpiry") continue;
            const list = rows.get(d.identity.id) ?? [];
            list.forEach((r, i) => {
                if (r.ResultType !== "404104") return;
                const next = list.slice(i + 1, d.behaviour.kind === "periodicTokenExpiry" && d.behaviour.with401003 ? i + 3 : i + 2);
                const last = next[next.length - 1];
                if (!last) return; // the window ended
                if (d.behaviour.kind === "periodicTokenExpiry" && d.behaviour.with401003) {
                    expect(next.map((n) => `${n.OperationName}:${n.ResultType}`)).toEqual(["deviceConnect:401003", "deviceConnect:"]);
                } else {
                    expect(next.map((n) => `${n.OperationName}:${n.ResultType}`)).toEqual(["deviceConnect:"]);
                }
                expect(last.TimeGenerated - r.TimeGenerated).toBeLessThan(MIN);
            });
            if (d.behaviour.with401003) with401003++;
        }
        expect(with401003).toBeGreaterThan(5);
        expect(with401003).toBeLessThan(25);
    });

    it("leaves the other devices healthy", () => {
        const others = new Set(fleet.hubs[0].devices.filter((d) => d.behaviour.kind === "healthy").map((d) => d.identity.id));
        expect(fleet.records.filter((r) => others.has(props(r.row).deviceId) && r.row.Level === "Error")).toEqual([]);
    });
});

describe("symptom 2: random disconnects", () => {
    const fleet = generateFleet(randomDisconnectsFleet({ seed: 41, start: START, durationMinutes: 12 * 60, devicesPerHub: 200 }));
    const affected = fleet.hubs[0].devices.filter((d) => d.behaviour.kind === "randomDisconnects");

    it("disconnects affected devices with 404104 at irregular intervals", () => {
        expect(affected).toHaveLength(20);
        const rows = byDevice(fleet.records);
        const allGaps: number[] = [];
        for (const d of affected) {
            const drops = (rows.get(d.identity.id) ?? []).filter((r) => r.ResultType === "404104").map((r) => r.TimeGenerated);
            allGaps.push(...gaps(drops));
        }
        expect(allGaps.length).toBeGreaterThan(50);
        const mean = allGaps.reduce((a, b) => a + b, 0) / allGaps.length;
        const sd = Math.sqrt(allGaps.reduce((a, b) => a + (b - mean) ** 2, 0) / allGaps.length);
        expect(sd / mean).toBeGreaterThan(0.5);
    });

    it("mixes keep-alive timeouts, TCP resets and crashes, and puts about half the devices on an old SDK", () => {
        const causes = new Set(fleet.records.filter((r) => r.label === "symptom2").map((r) => r.cause));
        expect(causes).toEqual(new Set(["keepAliveTimeout", "tcpReset", "crash"]));
        const old = affected.filter((d) => d.identity.sdkVersion === SDK_PROFILES[d.sdk].oldVersion).length;
        expect(old).toBeGreaterThan(4);
        expect(old).toBeLessThan(16);
    });

    it("reconnects after every failure and keeps renewing in between", () => {
        const rows = byDevice(fleet.records);
        for (const d of affected) {
            const list = rows.get(d.identity.id) ?? [];
            list.forEach((r, i) => {
                if (r.ResultType === "404104" && i + 1 < list.length) expect(list[i + 1].OperationName).toBe("deviceConnect");
            });
        }
        expect(fleet.records.some((r) => r.label === "healthy" && affected.some((d) => d.identity.id === props(r.row).deviceId))).toBe(true);
    });
});

describe("symptom 3: mass disconnect", () => {
    const fleet = generateFleet(massDisconnectFleet({ seed: 51, start: START, durationMinutes: 6 * 60, devicesPerHub: 200 }));
    const incidentAt = fleet.start + Math.round(6 * 60 * 0.6) * MIN;

    it("drops most devices with 404104 within two minutes of the incident", () => {
        const drops = fleet.records.filter((r) => r.row.ResultType === "404104");
        const devices = new Set(drops.map((r) => props(r.row).deviceId));
        expect(devices.size).toBeGreaterThanOrEqual(0.8 * 200);
        for (const r of drops) {
            expect(r.row.TimeGenerated).toBeGreaterThanOrEqual(incidentAt);
            expect(r.row.TimeGenerated).toBeLessThan(incidentAt + 2 * MIN);
        }
    });

    it("fails reconnects with 500xxx until the hub recovers, then reconnects every dropped device", () => {
        const errors = fleet.records.filter((r) => r.row.ResultType.startsWith("500"));
        expect(errors.length).toBeGreaterThan(200);
        expect(new Set(errors.map((r) => r.row.ResultType))).toEqual(new Set(["500001", "500008"]));
        for (const r of errors) expect(r.row.TimeGenerated).toBeLessThan(incidentAt + 6 * MIN);
        const rows = byDevice(fleet.records);
        for (const [, list] of rows) {
            const drop = list.findIndex((r) => r.ResultType === "404104");
            if (drop < 0) continue;
            const success = list.slice(drop).find((r) => r.OperationName === "deviceConnect" && r.ResultType === "");
            expect(success?.TimeGenerated).toBeGreaterThanOrEqual(incidentAt + 6 * MIN);
        }
    });

    it("reports the incident's span and devices as ground truth", () => {
        expect(fleet.incidents).toHaveLength(1);
        const [incident] = fleet.incidents;
        expect(incident.symptom).toBe(3);
        expect(incident.resourceId).toBe(fleet.hubs[0].resourceId);
        expect(incident.start).toBeGreaterThanOrEqual(incidentAt);
        expect(incident.end).toBeLessThan(incidentAt + 8 * MIN);
        expect(incident.devices.length).toBe(170);
    });
});

describe("mixtures across hubs", () => {
    it("gives each hub its own symptoms and the truth lists them per hub", () => {
        const fleet = generateFleet(mixedFleet({ seed: 61, start: START, durationMinutes: 6 * 60, devicesPerHub: 60 }));
        const truth = new Set(fleet.incidents.map((i) => `${i.hubName}:${i.symptom}`));
        expect(truth).toEqual(new Set(["hub-periodic:1", "hub-random:2", "hub-mass:3", "hub-mixed:1", "hub-mixed:2"]));
        const healthy = fleet.records.filter((r) => r.row._ResourceId.endsWith("/hub-healthy"));
        expect(healthy.length).toBeGreaterThan(100);
        expect(healthy.every((r) => r.row.ResultType === "")).toBe(true);
        expect(hubResourceId({ name: "hub-a", subscriptionId: "S", resourceGroup: "RG", location: "x", workspaceId: "w" })).toBe("/subscriptions/s/resourcegroups/rg/providers/microsoft.devices/iothubs/hub-a");
    });
});
