import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import {
    deterministicGuid,
    renderWorkbookQueries,
    triageWorkbookContent,
    workbookPortalLink,
    type WorkbookContent,
    type WorkbookKqlItem,
    type WorkbookMetricsItem,
    type WorkbookParametersItem,
    type WorkbookResourceParameter,
    type WorkbookTimeRangeParameter,
} from "../components/workbook";
import { ValidationError } from "../azure/validation";
import { checkQuery } from "../kql/check";
import { compileKql, type EvalRow } from "../kql/eval";
import { parseStackConfig } from "../program/config";
import { CONNECTED_DEVICES_METRIC_ITEM, WORKBOOK_QUERIES, workbookQueryForFile } from "../queries/catalog";
import { WORKBOOK_LET_BINDINGS, type WorkbookQueryDefinition } from "../queries/workbook/items";
import { checkWorkbookQuery, readWorkbookQueryFile, renderWorkbookQuery, substituteWorkbookTokens } from "../queries/workbook/render";
import { generateFleet, healthyFleet, massDisconnectFleet, periodicTokenExpiryFleet, rowsOf, type FleetSpec } from "../synthetic";
import { HUB_A, HUB_B, WORKSPACE_ID } from "./support/fixtures";

const content: WorkbookContent = triageWorkbookContent({ workspaceId: WORKSPACE_ID, hubResourceIds: [HUB_A, HUB_B] });
const kqlItems = content.items.filter((i): i is WorkbookKqlItem => i.type === 3);
const parameters = content.items.find((i): i is WorkbookParametersItem => i.type === 9);
const hubParameter = parameters?.content.parameters.find((p): p is WorkbookResourceParameter => p.name === "Hub");
const timeParameter = parameters?.content.parameters.find((p): p is WorkbookTimeRangeParameter => p.name === "TimeRange");
const metrics = content.items.filter((i): i is WorkbookMetricsItem => i.type === 10);

/** The workbook tokens (`{Name}` or `{Name:option}`) in the query lines of a text, comments left out. */
function tokensOf(query: string): string[] {
    return query
        .split("\n")
        .filter((l) => !l.trimStart().startsWith("//"))
        .flatMap((l) => [...l.matchAll(/\{([A-Za-z]+)(?::[A-Za-z]+)?\}/g)].map((m) => m[1]));
}

describe("the triage workbook's JSON", () => {
    it("is a Notebook/1.0 workbook that opens on the workspace", () => {
        expect(content.version).toBe("Notebook/1.0");
        expect(content.fallbackResourceIds).toEqual([WORKSPACE_ID]);
        expect(content.isLocked).toBe(false);
        expect(JSON.parse(JSON.stringify(content))).toEqual(content);
    });
    it("has a guide, the parameters, one KQL item per catalog query, the metrics item and the platform-health links, in that order", () => {
        expect(content.items.map((i) => i.type)).toEqual([1, 9, ...WORKBOOK_QUERIES.map(() => 3), 10, 1]);
        const links = content.items[content.items.length - 1] as { name: string; content: { json: string } };
        expect(links.name).toBe("platform-health");
        expect(links.content.json).toContain(`https://portal.azure.com/#@/resource${HUB_A}/resourceHealth`);
        expect(links.content.json).toContain("if the Resource Health alert fired for the hub, it is the platform: wait, do not redeploy devices");
        expect(kqlItems.map((i) => i.name)).toEqual(WORKBOOK_QUERIES.map((q) => q.id));
        expect(metrics.map((m) => m.name)).toEqual([CONNECTED_DEVICES_METRIC_ITEM.id]);
    });
    it("covers every picture the issue asks for", () => {
        expect(WORKBOOK_QUERIES.map((q) => q.id)).toEqual(["disconnects-by-result", "disconnect-intervals", "top-devices-404104", "followed-by-401003", "mass-disconnect-bins"]);
        expect(CONNECTED_DEVICES_METRIC_ITEM.metric).toBe("connectedDeviceCount");
    });
    it("offers the monitored hubs in a multi-select resource picker, all selected, quoted for a KQL list", () => {
        expect(hubParameter).toMatchObject({ type: 5, version: "KqlParameterItem/1.0", isRequired: true, multiSelect: true, quote: "'", delimiter: "," });
        expect(hubParameter?.typeSettings.resourceTypeFilter).toEqual({ "microsoft.devices/iothubs": true });
        expect(JSON.parse(hubParameter?.jsonData ?? "[]")).toEqual([
            { value: HUB_A, label: "hub-a", selected: true },
            { value: HUB_B, label: "hub-b", selected: true },
        ]);
        expect(hubParameter?.value).toEqual([HUB_A, HUB_B]);
    });
    it("has a required time range picker opening on the last 24 hours, custom ranges allowed", () => {
        expect(timeParameter).toMatchObject({ type: 4, isRequired: true, value: { durationMs: 86_400_000 } });
        expect(timeParameter?.typeSettings.allowCustom).toBe(true);
        expect(timeParameter?.typeSettings.selectableValues).toContainEqual({ durationMs: 3_600_000 });
    });
    it("gives each parameter a distinct GUID id", () => {
        const ids = parameters?.content.parameters.map((p) => p.id) ?? [];
        expect(new Set(ids).size).toBe(2);
        for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
    it.each(WORKBOOK_QUERIES.map((q) => [q.id, q] as const))("runs %s in the workspace with the catalog's visualization, size and time range", (_id, def) => {
        const item = kqlItems.find((i) => i.name === def.id);
        expect(item?.content).toMatchObject({
            version: "KqlItem/1.0",
            queryType: 0,
            resourceType: "microsoft.operationalinsights/workspaces",
            crossComponentResources: [WORKSPACE_ID],
            visualization: def.visualization,
            size: def.size,
            timeContextFromParameter: "TimeRange",
        });
        expect(item?.content.title).toContain(def.title);
        expect(item?.customWidth).toBe(def.customWidth === undefined ? undefined : String(def.customWidth));
        if (def.visualization === "table") expect(item?.content.gridSettings).toEqual({ filter: true, rowLimit: 1000 });
    });
    it.each(WORKBOOK_QUERIES.map((q) => [q.id, q] as const))("binds %s to exactly the workbook parameters its catalog entry lists", (_id, def) => {
        const query = kqlItems.find((i) => i.name === def.id)?.content.query ?? "";
        expect(query).toBe(renderWorkbookQuery(def));
        expect(query).toContain("let monitoredHubs = dynamic([{Hub}]);");
        expect(query).toContain("let startTime = {TimeRange:start};");
        expect(query).toContain("let endTime = {TimeRange:end};");
        expect([...new Set(tokensOf(query))].sort()).toEqual([...def.parameters].sort());
        const declared = new Set((parameters?.content.parameters ?? []).map((p) => p.name as string));
        for (const t of tokensOf(query)) expect(declared).toContain(t);
    });
    it("charts connectedDeviceCount of the picked hubs as Average and Minimum, never a sum", () => {
        const m = metrics[0].content;
        expect(m).toMatchObject({
            version: "MetricsItem/2.0",
            resourceType: "microsoft.devices/iothubs",
            resourceParameter: "Hub",
            resourceIds: ["{Hub}"],
            timeContextFromParameter: "TimeRange",
            chartType: 2,
        });
        expect(m.metrics.map((x) => [x.namespace, x.metric, x.aggregation])).toEqual([
            ["microsoft.devices/iothubs", "microsoft.devices/iothubs--connectedDeviceCount", 4],
            ["microsoft.devices/iothubs", "microsoft.devices/iothubs--connectedDeviceCount", 2],
        ]);
    });
    it("takes the heading from the display name", () => {
        const named = triageWorkbookContent({ workspaceId: WORKSPACE_ID, hubResourceIds: [HUB_A], displayName: "Contoso 404104" });
        expect(named.items[0]).toMatchObject({ type: 1 });
        expect(JSON.stringify(named.items[0])).toContain("## Contoso 404104");
    });
});

describe("the workbook's queries", () => {
    const dir = path.join(__dirname, "..", "queries", "workbook");
    it("are the .kql files of queries/workbook, one catalog entry each", () => {
        const files = fs.readdirSync(dir).filter((f) => f.endsWith(".kql")).sort();
        expect(files).toEqual(WORKBOOK_QUERIES.map((q) => q.file).sort());
        for (const f of files) expect(workbookQueryForFile(f)?.file).toBe(f);
    });
    it.each(WORKBOOK_QUERIES.map((q) => [q.id, q] as const))("%s passes the parser checks after the workbook tokens are substituted", (_id, def) => {
        expect(checkWorkbookQuery(def)).toEqual([]);
    });
    it.each(WORKBOOK_QUERIES.map((q) => [q.id, q] as const))("%s runs as it is in Log Analytics (npm run kql:check's checks on the file)", (_id, def) => {
        expect(checkQuery(readWorkbookQueryFile(def), { evaluationFrequency: "PT1M", requiredName: "monitoredHubs" })).toEqual([]);
    });
    it("substitutes tokens only on bound let lines, with the binding's sample or a given value", () => {
        const def = WORKBOOK_QUERIES[0];
        const rendered = renderWorkbookQuery(def);
        const sampled = substituteWorkbookTokens(rendered);
        expect(sampled).toContain(`let startTime = ${WORKBOOK_LET_BINDINGS.startTime.sample};`);
        expect(substituteWorkbookTokens(rendered, { grain: "1h" })).toContain("let grain = 1h;");
        expect(tokensOf(sampled)).toEqual([]);
    });
});

describe("parameters shared with the detections", () => {
    const byId = (id: string): WorkbookQueryDefinition => WORKBOOK_QUERIES.find((q) => q.id === id) as WorkbookQueryDefinition;
    const letLine = (query: string, name: string): string | undefined => query.split("\n").find((l) => l.startsWith(`let ${name} = `));
    it("are declared by the catalog: the 401003 follow window of periodic-disconnect, the bin of mass-disconnect", () => {
        const shared = WORKBOOK_QUERIES.flatMap((q) => Object.entries(q.sharedParameters ?? {}).map(([name, s]) => `${q.id}.${name} <- ${s.detection.id}.${s.parameter}`));
        expect(shared.sort()).toEqual(["followed-by-401003.followWindow <- periodic-disconnect.followWindow", "mass-disconnect-bins.binSize <- mass-disconnect.binSize", "top-devices-404104.followWindow <- periodic-disconnect.followWindow"]);
    });
    it("take the detection's default literal, as the detection renders it", () => {
        expect(letLine(renderWorkbookQuery(byId("mass-disconnect-bins")), "binSize")).toBe(`let binSize = 5m; // width of the bins, as the mass-disconnect detection counts them`);
        expect(letLine(renderWorkbookQuery(byId("followed-by-401003")), "followWindow")).toMatch(/^let followWindow = 1m;/);
    });
    it("take the umbrella's override of the detection parameter", () => {
        const shared = { detections: { "mass-disconnect": { parameters: { binSize: "PT10M" } }, "periodic-disconnect": { parameters: { followWindow: "PT2M" } } } };
        expect(letLine(renderWorkbookQuery(byId("mass-disconnect-bins"), undefined, shared), "binSize")).toMatch(/^let binSize = 10m;/);
        expect(letLine(renderWorkbookQuery(byId("top-devices-404104"), undefined, shared), "followWindow")).toMatch(/^let followWindow = 2m;/);
        const built = triageWorkbookContent({ workspaceId: WORKSPACE_ID, hubResourceIds: [HUB_A], queries: renderWorkbookQueries(shared) });
        const bins = built.items.find((i) => i.name === "mass-disconnect-bins") as WorkbookKqlItem;
        expect(letLine(bins.content.query, "binSize")).toMatch(/^let binSize = 10m;/);
    });
    it("refuse a bad override as the detection does, naming where it came from", () => {
        const shared = { detections: { "mass-disconnect": { parameters: { binSize: "PT1H" } } }, field: "iothub-404104:detections" };
        expect(() => renderWorkbookQuery(byId("mass-disconnect-bins"), undefined, shared)).toThrow('iothub-404104:detections.mass-disconnect.parameters.binSize: "PT1H" is not valid; allowed: an ISO 8601 duration from PT1M to PT15M');
    });
    it("refuse an entry that shares a let line the file does not declare", () => {
        const def = byId("mass-disconnect-bins");
        const bad = { ...def, sharedParameters: { binWidth: def.sharedParameters?.binSize ?? fail() } };
        expect(() => renderWorkbookQuery(bad)).toThrow(/shares "binWidth" with parameter "binSize" of detection "mass-disconnect", but the file does not declare "let binWidth = <literal>;"/);
    });
});

function fail(): never {
    throw new Error("no shared binSize in the catalog");
}

describe("the query checks refuse", () => {
    const def: WorkbookQueryDefinition = WORKBOOK_QUERIES[0];
    const text = readWorkbookQueryFile(def);
    it("a file that binds other parameters than its catalog entry lists", () => {
        expect(() => renderWorkbookQuery({ ...def, parameters: ["Hub"] })).toThrow(/binds the workbook parameters \[Hub, TimeRange\] but its catalog entry "disconnects-by-result" lists \[Hub\]/);
        expect(checkWorkbookQuery({ ...def, parameters: ["Hub"] })).toEqual([expect.objectContaining({ code: "catalog" })]);
    });
    it("a file without monitoredHubs, which would read every hub in the workspace", () => {
        const without = text.replace(/^let monitoredHubs = .*$/m, "").replace(/\| where _ResourceId in~ \(monitoredHubs\)\n/, "");
        expect(() => renderWorkbookQuery({ ...def, parameters: ["TimeRange"] }, without)).toThrow(/does not declare "let monitoredHubs/);
    });
    it("a workbook token outside a bound let line", () => {
        const stray = text.replace('| where OperationName == "deviceDisconnect"', '| where OperationName == "deviceDisconnect" and Resource == "{Hub:name}"');
        expect(checkWorkbookQuery(def, stray)).toEqual([expect.objectContaining({ code: "workbook-token", message: expect.stringContaining("{Hub:name}") })]);
    });
    it("a parser error after substitution", () => {
        const broken = text.replace("| summarize Events = count()", "| summarize Events = count(");
        expect(checkWorkbookQuery(def, broken).length).toBeGreaterThan(0);
    });
    it("an operator Azure forbids", () => {
        const forbidden = text.replace("| order by TimeGenerated asc", "| take 10");
        expect(checkWorkbookQuery(def, forbidden)).toEqual([expect.objectContaining({ code: "forbidden-in-1-minute-rule" })]);
    });
});

/** Runs a workbook query on a synthetic fleet, with the tokens expanded as the workbook would for its hub and whole window. */
function runOn(spec: FleetSpec, id: string): EvalRow[] {
    const fleet = generateFleet(spec);
    const rows = rowsOf(fleet.records);
    const def = WORKBOOK_QUERIES.find((q) => q.id === id);
    if (!def) throw new Error(`no workbook query ${id}`);
    const query = substituteWorkbookTokens(renderWorkbookQuery(def), {
        monitoredHubs: `dynamic([${[...new Set(rows.map((r) => `'${r._ResourceId}'`))].join(",")}])`,
        startTime: `datetime(${new Date(fleet.start).toISOString()})`,
        endTime: `datetime(${new Date(fleet.end).toISOString()})`,
        grain: "30m",
    });
    return [...compileKql(query).run({ AzureDiagnostics: rows }, { now: fleet.end }).rows];
}

describe("the workbook's pictures on synthetic fleets", () => {
    const preset = { seed: 11, start: "2026-11-22T00:00:00Z", durationMinutes: 360, devicesPerHub: 120 };
    it("symptom 1: the tallest 404104 interval bar is at the 65-minute token lifetime", () => {
        const bars = runOn(periodicTokenExpiryFleet(preset), "disconnect-intervals").filter((r) => r.Kind === "404104 disconnects");
        const tallest = bars.reduce((a, b) => (Number(b.Intervals) > Number(a.Intervals) ? b : a));
        expect(Number(tallest.IntervalMinutes)).toBeGreaterThanOrEqual(64);
        expect(Number(tallest.IntervalMinutes)).toBeLessThanOrEqual(66);
    });
    it("a healthy fleet has no 404104 interval bars, only renewals", () => {
        const bars = runOn(healthyFleet(preset), "disconnect-intervals");
        expect(bars.length).toBeGreaterThan(0);
        expect(bars.filter((r) => r.Kind === "404104 disconnects")).toEqual([]);
    });
    it("symptom 1: a share of the 404104 disconnects is followed by 401003", () => {
        const [hub] = runOn(periodicTokenExpiryFleet(preset), "followed-by-401003");
        expect(hub.HubName).toBe("hub-periodic");
        expect(Number(hub.SharePercent)).toBeGreaterThan(10);
        expect(Number(hub.FollowedBy401003)).toBeLessThanOrEqual(Number(hub.Disconnects404104));
    });
    it("symptom 3: one 5-minute bin holds most devices disconnected with 404104, and 500xxx errors rise beside it", () => {
        const bins = runOn(massDisconnectFleet(preset), "mass-disconnect-bins");
        const peak = bins.reduce((a, b) => (Number(b.DevicesDisconnected404104) > Number(a.DevicesDisconnected404104) ? b : a));
        expect(Number(peak.DevicesDisconnected404104)).toBeGreaterThan(50);
        const near = bins.filter((b) => Math.abs(Number(b.TimeGenerated) - Number(peak.TimeGenerated)) <= 10 * 60_000);
        expect(near.some((b) => Number(b.Errors500xxx) > 0)).toBe(true);
    });
    it("lists top devices with their protocols and SDK versions, most 404104 first", () => {
        const top = runOn(periodicTokenExpiryFleet(preset), "top-devices-404104");
        expect(top.length).toBeGreaterThan(0);
        expect(top.length).toBeLessThanOrEqual(25);
        const counts = top.map((r) => Number(r.Disconnects404104));
        expect(counts).toEqual([...counts].sort((a, b) => b - a));
        expect(Object.keys(top[0])).toEqual(["HubName", "DeviceId", "Disconnects404104", "FollowedBy401003", "Protocols", "SdkVersions", "LastDisconnect"]);
    });
    it("classes disconnects by result code over time", () => {
        const codes = new Set(runOn(periodicTokenExpiryFleet(preset), "disconnects-by-result").map((r) => r.ResultCode));
        expect(codes).toEqual(new Set(["404104 DeviceConnectionClosedRemotely", "401003 IoTHubUnauthorized", "normal disconnect"]));
    });
});

describe("workbook helpers", () => {
    it("derive the same version-5-shaped GUID from the same text, another from another", () => {
        expect(deterministicGuid("a")).toBe(deterministicGuid("a"));
        expect(deterministicGuid("a")).not.toBe(deterministicGuid("b"));
        expect(deterministicGuid("a")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
    it("build the portal link from the workbook's resource id, and refuse anything else", () => {
        const id = "/subscriptions/3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c/resourceGroups/rg-mon/providers/microsoft.insights/workbooks/56f41346-0e88-5987-8e53-7aac92440e8c";
        expect(workbookPortalLink(id)).toBe(`https://portal.azure.com/#@/resource${id}/workbook`);
        // A provider's or a mock's id is taken as it is: outputs are never validated inside an apply.
        expect(workbookPortalLink("iothub-404104-workbook-id")).toBe("https://portal.azure.com/#@/resource" + "iothub-404104-workbook-id/workbook");
    });
});

describe("the workbook config key", () => {
    const P = "iothub-404104";
    const base = (workbook?: unknown): Record<string, string> => ({
        [`${P}:resourceGroupName`]: "rg-mon",
        [`${P}:location`]: "westeurope",
        [`${P}:hubs`]: JSON.stringify([HUB_A]),
        [`${P}:connectedDevicesAlert`]: JSON.stringify({ expectedConnectedDevices: 100 }),
        ...(workbook === undefined ? {} : { [`${P}:workbook`]: typeof workbook === "string" ? workbook : JSON.stringify(workbook) }),
    });
    const errorOf = (raw: Record<string, string>): ValidationError => {
        try {
            parseStackConfig(raw, P, "dev");
        } catch (e) {
            if (e instanceof ValidationError) return e;
            throw e;
        }
        throw new Error("expected a ValidationError");
    };
    it("is optional: left out, the fleet gets the default (a created workbook)", () => {
        expect(parseStackConfig(base(), P, "dev").fleet.workbook).toBeUndefined();
    });
    it("takes enabled and displayName", () => {
        expect(parseStackConfig(base({ enabled: false }), P, "dev").fleet.workbook).toEqual({ enabled: false });
        expect(parseStackConfig(base({ displayName: "Contoso 404104" }), P, "dev").fleet.workbook).toEqual({ displayName: "Contoso 404104" });
    });
    it("refuses an unknown key, naming the config key and the allowed keys", () => {
        const e = errorOf(base({ enable: false }));
        expect(e.field).toBe(`${P}:workbook.enable`);
        expect(e.allowed).toMatch(/did you mean "enabled"\?.*allowed keys: enabled, displayName/);
    });
    it("refuses a non-boolean enabled and an empty display name", () => {
        expect(errorOf(base({ enabled: "no" })).field).toBe(`${P}:workbook.enabled`);
        expect(errorOf(base({ displayName: "" })).field).toBe(`${P}:workbook.displayName`);
    });
    it("refuses a value that is not an object", () => {
        const e = errorOf(base("false"));
        expect(e.field).toBe(`${P}:workbook`);
        expect(e.allowed).toMatch(/an object with keys enabled, displayName/);
    });
});
