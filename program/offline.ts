/**
 * The offline engine: runs the program (or any component) under Pulumi's mock engine, with no
 * CLI and no cloud, and records every resource it registers: type, name, parent and inputs.
 * Mock ids look like the ARM ids Azure would return, so outputs that reference them read well.
 * Used by the offline preview (`npm start`) and the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

/** One resource the program registered. */
export interface RecordedResource {
    /** Pulumi type token, e.g. `azure-native:monitor:ScheduledQueryRule`. */
    readonly type: string;
    /** Logical name. */
    readonly name: string;
    /** Key (`type::name`) of the parent resource, `undefined` for a top-level resource. */
    readonly parent?: string;
    /** Whether it is a cloud resource (`true`) or a component (`false`). */
    readonly custom: boolean;
    /** The inputs the engine received, secrets unwrapped (custom resources only). */
    inputs: Record<string, unknown>;
    /** Paths of the inputs that arrived as Pulumi secrets, e.g. `webhookReceivers[0].serviceUri`. */
    secretInputs: string[];
    /** The mock id (custom resources only). */
    id?: string;
    /** Reference (`urn::id`) of the provider the resource was registered with, if one was given. */
    provider?: string;
    /** Whether the resource is kept in the cloud when Pulumi deletes it (`retainOnDelete`). */
    readonly retainOnDelete: boolean;
    /** Id of an existing cloud resource the resource adopts (`import`), if any. */
    readonly importId?: string;
}

/** Key of a recorded resource: `type::name`. */
export function resourceKey(type: string, name: string): string {
    return `${type}::${name}`;
}

/** A deterministic GUID from a text, for mock object ids. */
export function mockGuid(text: string): string {
    const h = createHash("sha256").update(text).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Tenant id the mock engine answers for `azuread.getClientConfig`. */
export const MOCK_TENANT_ID = "72f988bf-0000-4000-a000-000000000000";

function str(v: unknown, fallback: string): string {
    return typeof v === "string" && v.length > 0 ? v : fallback;
}

function mockState(type: string, name: string, inputs: Record<string, unknown>, subscriptionId: string): { id: string; state: Record<string, unknown> } {
    const rg = `/subscriptions/${subscriptionId}/resourceGroups/${str(inputs.resourceGroupName, "rg")}/providers`;
    switch (type) {
        case "azure-native:operationalinsights:Workspace": {
            const n = str(inputs.workspaceName, name);
            return { id: `${rg}/Microsoft.OperationalInsights/workspaces/${n}`, state: { ...inputs, name: n, customerId: mockGuid(`workspace:${n}`) } };
        }
        case "azure-native:monitor:ActionGroup": {
            const n = str(inputs.actionGroupName, name);
            return { id: `${rg}/microsoft.insights/actionGroups/${n}`, state: { ...inputs, name: n } };
        }
        case "azure-native:monitor:MetricAlert":
        case "azure-native:monitor:ScheduledQueryRule": {
            const n = str(inputs.ruleName, name);
            const kind = type.endsWith("MetricAlert") ? "metricAlerts" : "scheduledQueryRules";
            return { id: `${rg}/microsoft.insights/${kind}/${n}`, state: { ...inputs, name: n } };
        }
        case "azure-native:applicationinsights:Workbook": {
            const n = str(inputs.resourceName, mockGuid(`workbook:${name}`));
            return { id: `${rg}/microsoft.insights/workbooks/${n}`, state: { ...inputs, name: n } };
        }
        case "azure-native:monitor:DiagnosticSetting": {
            const n = str(inputs.name, name);
            return { id: `${str(inputs.resourceUri, "/unknown")}/providers/microsoft.insights/diagnosticSettings/${n}`, state: { ...inputs, name: n } };
        }
        case "azuread:index/application:Application": {
            const objectId = mockGuid(`application-object:${name}`);
            return { id: `/applications/${objectId}`, state: { ...inputs, objectId, clientId: mockGuid(`application-client:${name}`) } };
        }
        case "pulumi:providers:azure-native":
        case "pulumi:providers:azuread":
            return { id: `${name}-provider-id`, state: { ...inputs } };
        case "azuread:index/servicePrincipal:ServicePrincipal": {
            const objectId = mockGuid(`service-principal:${name}`);
            return { id: objectId, state: { ...inputs, objectId } };
        }
        default:
            return { id: `${name}-id`, state: { ...inputs } };
    }
}

/** Removes Pulumi's secret wrappers from mock inputs; the path of each secret found is pushed to `secretPaths`. */
export function unwrapSecrets(value: unknown, secretPaths: string[] = [], at = ""): unknown {
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, secretPaths, `${at}[${i}]`));
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") {
            secretPaths.push(at);
            return unwrapSecrets(o.value, [], at);
        }
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v, secretPaths, at ? `${at}.${k}` : k)]));
    }
    return value;
}

/** Options of {@link OfflineEngine.start}. */
export interface OfflineEngineOptions {
    /** Pulumi project name (as in `Pulumi.yaml`). */
    project: string;
    /** Stack name. */
    stack: string;
    /** Raw config, `"<namespace>:<key>" -> string` (structured values as JSON). Default: none. */
    config?: Record<string, string>;
    /** Config keys that are secrets. Default: none. */
    secretKeys?: string[];
    /** Subscription used in mock ARM ids. Default: all zeros. */
    subscriptionId?: string;
}

/**
 * Pulumi's mock engine with a recorder. Call {@link OfflineEngine.start} before importing any code
 * that creates resources, pass {@link OfflineEngine.transformation} to the root component, then
 * {@link OfflineEngine.settle} to wait until every registered resource is resolved.
 */
export class OfflineEngine {
    /** Every resource registered so far, in registration order. */
    public readonly resources: RecordedResource[] = [];
    private readonly byKey = new Map<string, RecordedResource>();
    private readonly objects = new Map<pulumi.Resource, RecordedResource>();
    private readonly pending: pulumi.Resource[] = [];

    private constructor(private readonly subscriptionId: string) {}

    /** Installs the mocks and the config; returns the engine. */
    static async start(options: OfflineEngineOptions): Promise<OfflineEngine> {
        const engine = new OfflineEngine(options.subscriptionId ?? "00000000-0000-0000-0000-000000000000");
        await pulumi.runtime.setMocks(
            {
                newResource: (args: pulumi.runtime.MockResourceArgs) => {
                    const secretInputs: string[] = [];
                    const inputs = unwrapSecrets(args.inputs, secretInputs) as Record<string, unknown>;
                    const { id, state } = mockState(args.type, args.name, inputs, engine.subscriptionId);
                    const rec = engine.byKey.get(resourceKey(args.type, args.name));
                    if (rec) {
                        rec.inputs = inputs;
                        rec.secretInputs = secretInputs;
                        rec.provider = args.provider;
                        rec.id = id;
                    }
                    return { id, state };
                },
                call: (args: pulumi.runtime.MockCallArgs) => {
                    if (args.token === "azuread:index/getClientConfig:getClientConfig") {
                        return { tenantId: MOCK_TENANT_ID, clientId: mockGuid("deployer-client"), objectId: mockGuid("deployer-object") };
                    }
                    return {};
                },
            },
            options.project,
            options.stack,
            false,
        );
        pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
        return engine;
    }

    /** A resource transformation that records each resource and its parent; children inherit it from the root component. */
    public readonly transformation: pulumi.ResourceTransformation = (args) => {
        const parentRec = args.opts.parent ? this.objects.get(args.opts.parent) : undefined;
        const rec: RecordedResource = {
            type: args.type,
            name: args.name,
            parent: parentRec ? resourceKey(parentRec.type, parentRec.name) : undefined,
            custom: args.resource instanceof pulumi.CustomResource,
            inputs: {},
            secretInputs: [],
            retainOnDelete: (args.opts as pulumi.CustomResourceOptions).retainOnDelete === true,
            importId: (args.opts as pulumi.CustomResourceOptions).import,
        };
        this.resources.push(rec);
        this.byKey.set(resourceKey(args.type, args.name), rec);
        this.objects.set(args.resource, rec);
        this.pending.push(args.resource);
        return undefined;
    };

    /** Waits until every recorded resource is registered and the runtime has no work left; call it once, at the end. */
    public async settle(): Promise<void> {
        let done = 0;
        while (done < this.pending.length) {
            const batch = this.pending.slice(done);
            done = this.pending.length;
            await Promise.all(batch.map((r) => new Promise<void>((resolve) => r.urn.apply(() => resolve()))));
        }
        // Let the runtime finish its outstanding work (ids, outputs, registerOutputs) too.
        await pulumi.runtime.disconnect();
    }

    /** The recorded resources of one type. */
    public ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }
}

/** Resolves an output's value under the mock engine. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise<T>((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}
