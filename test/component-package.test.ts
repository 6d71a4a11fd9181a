/**
 * The components served to every Pulumi language as a component package, through the path the
 * Pulumi CLI takes: the package (built by its `prepare` script) is started with `@pulumi/pulumi/
 * cmd/run-plugin`, GetSchema is called over gRPC and checked component by component, the names the
 * Python and YAML examples use are checked against it, and Construct of FleetMonitoring, with the
 * YAML example's properties as a program in another language would send them, runs against a mock
 * resource monitor and returns its children and outputs.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IOT_HUB_LOG_CATEGORIES } from "../components/hubDiagnostics";
import { CAPACITY_RESERVATION_LEVELS } from "../components/workspace";
import { construct, getSchema, startComponentPackage, startMockEngine, startMockMonitor, type MockEngine, type MockResourceMonitor, type RunningPackage } from "./support/componentPackage";

const ROOT = path.resolve(__dirname, "..");
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
const TOKEN = (name: string): string => `${PACKAGE.name}:index:${name}`;
const COMPONENTS = ["FleetMonitoring", "HubMonitoring", "HubAlerts", "MonitoringWorkspace", "HubDiagnostics", "AlertNotifications", "SecureWebhookApplication", "ConnectedDevicesDropAlert", "TriageWorkbook", "PlatformHealthAlerts"];

interface SchemaProperty {
    readonly type?: string;
    readonly $ref?: string;
    readonly description?: string;
    readonly items?: SchemaProperty;
    readonly additionalProperties?: SchemaProperty;
}
interface SchemaObject {
    readonly description?: string;
    readonly isComponent?: boolean;
    readonly inputProperties?: Record<string, SchemaProperty>;
    readonly requiredInputs?: string[];
    readonly properties?: Record<string, SchemaProperty>;
}
interface Schema {
    readonly name: string;
    readonly version: string;
    readonly resources: Record<string, SchemaObject>;
    readonly types: Record<string, SchemaObject>;
}

const yamlExample = parse(fs.readFileSync(path.join(ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8")) as { packages: Record<string, string>; resources: Record<string, { type: string; properties: Record<string, unknown> }> };
const fleetProperties = yamlExample.resources.fleet.properties;

let engine: MockEngine;
let pkg: RunningPackage;
let schema: Schema;
let monitor: MockResourceMonitor;
let constructed: { urn: string; state: Record<string, unknown> };

beforeAll(async () => {
    // The language host installs a source package with npm, whose `prepare` script builds bin/; `npm test` builds it first too.
    if (!fs.existsSync(path.join(ROOT, "bin", "components", "index.js"))) throw new Error("bin/ is not built: run npm run build (npm ci and npm test do)");
    engine = await startMockEngine();
    pkg = await startComponentPackage(ROOT, engine.address);
    schema = (await getSchema(pkg)) as unknown as Schema;
    monitor = await startMockMonitor({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }) });
    constructed = await construct(pkg, monitor, TOKEN("FleetMonitoring"), "fleet", fleetProperties);
}, 180_000);

afterAll(() => {
    pkg?.stop();
    engine?.stop();
    monitor?.stop();
});

/** The object type a property refers to (`#/types/<token>`), if any. */
function referencedType(p: SchemaProperty | undefined): SchemaObject | undefined {
    const ref = p?.$ref ?? p?.items?.$ref ?? p?.additionalProperties?.$ref;
    return ref?.startsWith("#/types/") ? schema.types[ref.slice("#/types/".length)] : undefined;
}

/** Every key of `value` is an input of `object`, recursively through the types they refer to; returns the paths that are not. */
function unknownNames(object: SchemaObject, value: unknown, at: string, inputs = true): string[] {
    if (typeof value !== "object" || value === null) return [];
    const props = (inputs ? object.inputProperties : object.properties) ?? {};
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
        const p = props[k];
        if (!p) return [`${at}.${k}`];
        const t = referencedType(p);
        if (!t) return [];
        if (p.additionalProperties?.$ref) return Object.entries(v as Record<string, unknown>).flatMap(([key, item]) => unknownNames(t, item, `${at}.${k}.${key}`, false));
        if (Array.isArray(v)) return v.flatMap((item, i) => unknownNames(t, item, `${at}.${k}[${i}]`, false));
        return unknownNames(t, v, `${at}.${k}`, false);
    });
}

describe("GetSchema, served by run-plugin", () => {
    it("names the package and its version as package.json does", () => {
        expect(schema.name).toBe(PACKAGE.name);
        expect(schema.version).toBe(PACKAGE.version);
    });
    it("returns every public component, as a component, under <package>:index:<Name>", () => {
        expect(Object.keys(schema.resources).sort()).toEqual(COMPONENTS.map(TOKEN).sort());
        for (const c of COMPONENTS) expect(schema.resources[TOKEN(c)].isComponent, c).toBe(true);
    });
    it("gives FleetMonitoring its inputs, required inputs and outputs", () => {
        const fleet = schema.resources[TOKEN("FleetMonitoring")];
        expect(Object.keys(fleet.inputProperties ?? {}).sort()).toEqual(
            ["connectedDevicesAlert", "detections", "diagnostics", "hubResourceIds", "hubs", "location", "notifications", "platformHealth", "profile", "resourceGroupName", "tags", "workbook", "workspace"].sort(),
        );
        expect([...(fleet.requiredInputs ?? [])].sort()).toEqual(["location", "resourceGroupName"]);
        expect(Object.keys(fleet.properties ?? {}).sort()).toEqual(["actionGroupIds", "connectedDevicesAlertIds", "diagnosticSettingIds", "resourceHealthAlertIds", "ruleIds", "serviceHealthAlertIds", "workbookLink", "workspaceId"]);
        expect(fleet.properties?.ruleIds).toMatchObject({ type: "object", additionalProperties: { type: "object", additionalProperties: { type: "string" } } });
        expect(referencedType(fleet.inputProperties?.hubs)).toBe(schema.types[TOKEN("FleetHubOptions")]);
    });
    it("describes every input and output of every component and every property of every type, from the JSDoc", () => {
        const missing: string[] = [];
        for (const [token, r] of Object.entries(schema.resources)) {
            for (const [k, p] of [...Object.entries(r.inputProperties ?? {}), ...Object.entries(r.properties ?? {})]) if (!p.description?.trim()) missing.push(`${token}.${k}`);
        }
        for (const [token, t] of Object.entries(schema.types)) for (const [k, p] of Object.entries(t.properties ?? {})) if (!p.description?.trim()) missing.push(`${token}.${k}`);
        expect(missing).toEqual([]);
        expect(schema.resources[TOKEN("FleetMonitoring")].properties?.ruleIds.description).toBe("Log search alert rule ids by hub key, then detection id (enabled detections only).");
    });
    it("renders every description as text (a JSDoc {@link} would become [object Object])", () => {
        const all = JSON.stringify(schema);
        expect(all).not.toContain("[object Object]");
    });
    it("names every allowed value in the descriptions of the enumerations kept as lists in the code", () => {
        const diagnostics = schema.types[TOKEN("HubDiagnosticsOptions")].properties ?? {};
        for (const c of IOT_HUB_LOG_CATEGORIES.filter((x) => x !== "Connections")) expect(diagnostics.additionalCategories.description, c).toContain(c);
        const workspace = schema.types[TOKEN("WorkspaceOptions")].properties ?? {};
        expect(workspace.capacityReservationLevel.description).toContain(CAPACITY_RESERVATION_LEVELS.join(", "));
    });
    it("carries enumerations as strings and numbers whose descriptions name the allowed values", () => {
        const fleet = schema.resources[TOKEN("FleetMonitoring")].inputProperties ?? {};
        expect(fleet.profile).toMatchObject({ type: "string" });
        expect(fleet.profile.description).toContain("`dev`, `staging` or `prod`");
        const workspace = schema.types[TOKEN("WorkspaceOptions")].properties ?? {};
        expect(workspace.sku).toMatchObject({ type: "string" });
        expect(workspace.sku.description).toContain("`PerGB2018` or `CapacityReservation`");
        const drop = schema.types[TOKEN("ConnectedDevicesAlertOptions")].properties ?? {};
        expect(drop.timeAggregation.description).toContain("`Minimum` or `Average`");
        expect(drop.severity).toMatchObject({ type: "number" });
        expect(drop.severity.description).toContain("from 0 (critical) to 4 (verbose)");
        const parameters = schema.types[TOKEN("DetectionParameters")].properties ?? {};
        expect(Object.keys(parameters).sort()).toEqual(["durations", "lists", "numbers", "strings"]);
        expect(parameters.numbers).toMatchObject({ type: "object", additionalProperties: { type: "number" } });
    });
});

describe("the examples use names the schema has", () => {
    it("the YAML example: its package, its type token and every property it sets", () => {
        expect(Object.keys(yamlExample.packages)).toEqual([PACKAGE.name]);
        expect(yamlExample.resources.fleet.type).toBe(TOKEN("FleetMonitoring"));
        expect(unknownNames(schema.resources[TOKEN("FleetMonitoring")], fleetProperties, "fleet")).toEqual([]);
        for (const output of ["workspaceId", "ruleIds", "workbookLink"]) expect(schema.resources[TOKEN("FleetMonitoring")].properties?.[output], output).toBeDefined();
    });
    it("the Python example: its module, classes and keyword arguments (snake_case of the schema's names)", () => {
        const source = fs.readFileSync(path.join(ROOT, "examples", "python", "__main__.py"), "utf8");
        expect(source).toContain(`import pulumi_${PACKAGE.name.replace(/-/g, "_")} as monitoring`);
        const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
        // Each `monitoring.<Name>(...)` call with its balanced argument text.
        const calls = [...source.matchAll(/monitoring\.(\w+)\(/g)].map((m): [string, string, string] => {
            let depth = 1;
            let i = (m.index ?? 0) + m[0].length;
            const start = i;
            for (; i < source.length && depth > 0; i++) {
                if (source[i] === "(") depth++;
                if (source[i] === ")") depth--;
            }
            return [m[0], m[1], source.slice(start, i - 1)];
        });
        expect(calls.length).toBeGreaterThan(5);
        const problems: string[] = [];
        for (const [, cls, body] of calls) {
            const object = cls.endsWith("Args") ? schema.types[TOKEN(cls.slice(0, -"Args".length))] : schema.resources[TOKEN(cls)];
            if (!object) {
                problems.push(`monitoring.${cls}`);
                continue;
            }
            const props = (cls.endsWith("Args") ? object.properties : object.inputProperties) ?? {};
            // Keyword arguments at this call's own nesting level.
            let depth = 0;
            let top = "";
            for (const ch of body) {
                if ("([{".includes(ch)) depth++;
                if (")]}".includes(ch)) depth--;
                if (depth === 0) top += ch;
            }
            for (const [, kw] of top.matchAll(/(\w+)=/g)) if (!props[camel(kw)]) problems.push(`${cls}(${kw}=)`);
        }
        expect(problems).toEqual([]);
        for (const output of ["workspace_id", "rule_ids", "workbook_link"]) expect(schema.resources[TOKEN("FleetMonitoring")].properties?.[camel(output)], output).toBeDefined();
    });
});

describe("Construct of FleetMonitoring through the provider, as a program in another language calls it", () => {
    it("registers the component and its children with the resource monitor", () => {
        expect(constructed.urn).toMatch(new RegExp(`::${TOKEN("FleetMonitoring")}::fleet$`));
        const count = (type: string): number => monitor.registered.filter((r) => r.type === type).length;
        expect(count(TOKEN("FleetMonitoring"))).toBe(1);
        expect(count(TOKEN("HubAlerts"))).toBe(1);
        expect(count("azure-native:operationalinsights:Workspace")).toBe(1);
        expect(count("azure-native:monitor:ActionGroup")).toBe(1);
        expect(count("azure-native:monitor:DiagnosticSetting")).toBe(1);
        expect(count("azure-native:monitor:MetricAlert")).toBe(1);
        expect(count("azure-native:monitor:ScheduledQueryRule")).toBe(4);
        expect(count("azure-native:applicationinsights:Workbook")).toBe(1);
        expect(count("azure-native:monitor:ActivityLogAlert")).toBe(2);
        expect(engine.messages.filter((m) => m.severity >= 3)).toEqual([]);
    });
    it("applies the inputs it was sent: the profile, the drop alert's expected count and the detection override by kind", () => {
        const rule = monitor.registered.find((r) => r.type === "azure-native:monitor:ScheduledQueryRule" && r.name.endsWith("-random-disconnect"));
        expect(rule?.inputs.severity).toBe(2);
        expect(JSON.stringify(rule?.inputs.criteria)).toContain("let zScore = 6.0;");
        const drop = monitor.registered.find((r) => r.type === "azure-native:monitor:MetricAlert");
        // 40 expected devices less the dev profile's 50% drop.
        expect(JSON.stringify(drop?.inputs.criteria)).toContain('"threshold":20');
        const workspace = monitor.registered.find((r) => r.type === "azure-native:operationalinsights:Workspace");
        expect(workspace?.inputs.retentionInDays).toBe(30);
    });
    it("returns the outputs the schema lists, with the children's ids", () => {
        expect(Object.keys(constructed.state).sort()).toEqual(["actionGroupIds", "connectedDevicesAlertIds", "diagnosticSettingIds", "resourceHealthAlertIds", "ruleIds", "serviceHealthAlertIds", "workbookLink", "workspaceId"]);
        expect(Object.keys(constructed.state.resourceHealthAlertIds as object)).toEqual(["3f2a6c1e-8b4d-4e7a-9c21-5d6e7f8a9b0c"]);
        expect(constructed.state.workspaceId).toBe("fleet-workspace-id");
        const ruleIds = constructed.state.ruleIds as Record<string, Record<string, string>>;
        expect(Object.keys(ruleIds)).toEqual(["contoso-iot-dev"]);
        expect(Object.keys(ruleIds["contoso-iot-dev"]).sort()).toEqual(["link-conflict", "mass-disconnect", "periodic-disconnect", "random-disconnect"]);
        expect(ruleIds["contoso-iot-dev"]["random-disconnect"]).toBe("fleet-contoso-iot-dev-random-disconnect-id");
        expect(String(constructed.state.workbookLink)).toMatch(/^https:\/\/portal\.azure\.com\/#@\/resource.*\/workbook$/);
    });
});
