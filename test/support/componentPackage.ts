/**
 * Test support (not a test): serves this repository as a component package the way the Pulumi CLI
 * does, and plays the engine and the resource monitor a Construct call talks to.
 *
 * The Node.js language host runs a source package with `@pulumi/pulumi/cmd/run-plugin <folder>
 * [<engine address>]`: the harness requires the folder (its `package.json` `main`, built by the
 * package's `prepare` script), finds the exported `ComponentResource` classes, and serves them with
 * `componentProviderHost`, which prints its port. GetSchema runs the schema analyzer over the
 * TypeScript sources; Construct runs a component against the resource monitor named in the request
 * (what a Python or YAML program's `FleetMonitoring(...)` becomes), reporting to the engine.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { GetRootResourceResponse, SetRootResourceResponse, type LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { ConstructRequest, GetSchemaRequest, type ConstructResponse, type GetSchemaResponse } from "@pulumi/pulumi/proto/provider_pb";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import { SupportsFeatureResponse, type RegisterResourceOutputsRequest, type RegisterResourceRequest, type SupportsFeatureRequest } from "@pulumi/pulumi/proto/resource_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { startPluginProcess, unaryCall } from "./pluginProcess";

/** A gRPC server on 127.0.0.1 and its address. */
interface Served {
    readonly address: string;
    stop(): void;
}

function serve(add: (server: grpc.Server) => void): Promise<Served> {
    const server = new grpc.Server();
    add(server);
    return new Promise((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
            if (err) return reject(err);
            resolve({ address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() });
        }),
    );
}

/** The engine's side of a run: it collects the log messages the provider sends (errors among them). */
export interface MockEngine extends Served {
    readonly messages: { severity: number; message: string }[];
}

export async function startMockEngine(): Promise<MockEngine> {
    const messages: { severity: number; message: string }[] = [];
    const served = await serve((server) =>
        server.addService(EngineService, {
            log: (call: grpc.ServerUnaryCall<LogRequest, Empty>, cb: grpc.sendUnaryData<Empty>) => {
                messages.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
                cb(null, new Empty());
            },
            getRootResource: (_call: grpc.ServerUnaryCall<unknown, GetRootResourceResponse>, cb: grpc.sendUnaryData<GetRootResourceResponse>) => cb(null, new GetRootResourceResponse()),
            setRootResource: (_call: grpc.ServerUnaryCall<unknown, SetRootResourceResponse>, cb: grpc.sendUnaryData<SetRootResourceResponse>) => cb(null, new SetRootResourceResponse()),
        }),
    );
    return { ...served, messages };
}

/** A resource the monitor was asked to register. */
export interface RegisteredResource {
    readonly type: string;
    readonly name: string;
    readonly parent: string;
    readonly custom: boolean;
    readonly inputs: Record<string, unknown>;
}

/** The resource monitor of a Construct call: Pulumi's own mock monitor behind a real gRPC server, recording each registration. */
export interface MockResourceMonitor extends Served {
    readonly registered: RegisteredResource[];
}

export async function startMockMonitor(mocks: { newResource(args: { type: string; name: string; inputs: Record<string, unknown> }): { id: string; state: Record<string, unknown> } }): Promise<MockResourceMonitor> {
    const registered: RegisteredResource[] = [];
    const mock = new MockMonitor({ newResource: mocks.newResource, call: (args) => args.inputs });
    const served = await serve((server) =>
        server.addService(ResourceMonitorService, {
            supportsFeature: (call: grpc.ServerUnaryCall<SupportsFeatureRequest, SupportsFeatureResponse>, cb: grpc.sendUnaryData<SupportsFeatureResponse>) => {
                const response = new SupportsFeatureResponse();
                // As the mock runtime: everything but output values, transforms and resource hooks (which this monitor does not serve).
                response.setHassupport(!["outputValues", "transforms", "resourceHooks", "invokeTransforms"].includes(call.request.getId()));
                cb(null, response);
            },
            registerResource: (call: grpc.ServerUnaryCall<RegisterResourceRequest, unknown>, cb: grpc.sendUnaryData<unknown>) => {
                const req = call.request;
                registered.push({ type: req.getType(), name: req.getName(), parent: req.getParent(), custom: req.getCustom(), inputs: deserializeProperties(req.getObject() ?? new Struct()) as Record<string, unknown> });
                void mock.registerResource(req, cb);
            },
            registerResourceOutputs: (_call: grpc.ServerUnaryCall<RegisterResourceOutputsRequest, Empty>, cb: grpc.sendUnaryData<Empty>) => cb(null, new Empty()),
        }),
    );
    return { ...served, registered };
}

/** The package served by run-plugin, and a provider client connected to it. */
export interface RunningPackage {
    readonly client: ResourceProviderClient;
    stderr(): string;
    stop(): void;
}

/** Starts `dir` as the language host starts a source component package, reporting to `engineAddress`. */
export async function startComponentPackage(dir: string, engineAddress: string): Promise<RunningPackage> {
    const harness = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [dir] });
    const plugin = await startPluginProcess([harness, dir, engineAddress], dir);
    const client = new ResourceProviderClient(`127.0.0.1:${plugin.port}`, grpc.credentials.createInsecure());
    return {
        client,
        stderr: plugin.stderr,
        stop: () => {
            client.close();
            plugin.stop();
        },
    };
}


/** The package's schema, as GetSchema returns it. */
export async function getSchema(pkg: RunningPackage): Promise<Record<string, unknown>> {
    const res = await unaryCall<GetSchemaRequest, GetSchemaResponse>(pkg.client.getSchema.bind(pkg.client), new GetSchemaRequest());
    return JSON.parse(res.getSchema()) as Record<string, unknown>;
}

/** Constructs component `type` named `name` with `inputs`, against `monitor`: what `pulumi up` sends for a program in another language. */
export async function construct(pkg: RunningPackage, monitor: MockResourceMonitor, type: string, name: string, inputs: Record<string, unknown>): Promise<{ urn: string; state: Record<string, unknown> }> {
    const req = new ConstructRequest();
    req.setProject("example");
    req.setStack("dev");
    req.setDryrun(false);
    req.setParallel(4);
    req.setMonitorendpoint(monitor.address);
    req.setType(type);
    req.setName(name);
    req.setInputs(Struct.fromJavaScript(inputs as Record<string, never>));
    req.setAcceptsOutputValues(false);
    const res = await unaryCall<ConstructRequest, ConstructResponse>(pkg.client.construct.bind(pkg.client), req);
    return { urn: res.getUrn(), state: deserializeProperties(res.getState() ?? new Struct()) as Record<string, unknown> };
}
