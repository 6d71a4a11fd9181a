/**
 * Test support (not a test): starts the policy pack the way the Pulumi CLI does and talks to its
 * analyzer gRPC server the way the CLI does.
 *
 * The CLI starts a Node.js policy pack through its `pulumi-analyzer-policy` shim, which resolves
 * `@pulumi/pulumi/cmd/run-policy-pack` from the pack's folder and runs it with node, working
 * directory = the pack folder, arguments `<engine address> .`; the harness registers ts-node
 * (type-checking), requires the folder (its `package.json` `main`), the pack prints its port, and
 * the CLI connects. {@link startPolicyPack} does exactly that. The CLI then sends each resource to
 * `Analyze` and, at the end, all of them to `AnalyzeStack`; {@link analyzeAll} does the same with
 * the resources the offline engine recorded, under URNs built the way the engine builds them.
 */
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeRequest,
    AnalyzeStackRequest,
    AnalyzerResource,
    AnalyzerResourceOptions,
    AnalyzerStackConfigureRequest,
    ConfigureAnalyzerRequest,
    EnforcementLevel,
    PolicyConfig,
    type AnalyzeResponse,
    type AnalyzerInfo,
} from "@pulumi/pulumi/proto/analyzer_pb";
import type { CollectedResource, CollectedStack } from "../review/collect";
import { startPluginProcess, unaryCall } from "./support/pluginProcess";

/** Folder of the policy pack. */
export const PACK_DIR = path.resolve(__dirname, "..", "policy");

/** A running policy pack and a client connected to it. */
export interface RunningPack {
    readonly port: number;
    readonly client: AnalyzerClient;
    /** Everything the pack wrote to stderr so far. */
    stderr(): string;
    stop(): void;
}

/**
 * Starts the pack in `dir` (default: the repository's `policy/`) as the CLI does (see the file
 * comment) and resolves once it printed its port. `env` adds what the CLI sets for the pack
 * (`PULUMI_STACK`, `PULUMI_PROJECT`, ...).
 */
export async function startPolicyPack(env: Record<string, string> = {}, dir: string = PACK_DIR): Promise<RunningPack> {
    // The harness of the pack's own @pulumi/pulumi, as the CLI's shim resolves it from the pack folder.
    const harness = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
    // The engine address is the CLI's own gRPC server; the harness drops it without connecting.
    const plugin = await startPluginProcess([harness, "127.0.0.1:0", "."], dir, env);
    const client = new AnalyzerClient(`127.0.0.1:${plugin.port}`, grpc.credentials.createInsecure());
    return {
        port: plugin.port,
        client,
        stderr: plugin.stderr,
        stop: () => {
            client.close();
            plugin.stop();
        },
    };
}


/** The pack's `GetAnalyzerInfo` answer. */
export function analyzerInfo(pack: RunningPack): Promise<AnalyzerInfo> {
    return unaryCall(pack.client.getAnalyzerInfo.bind(pack.client), new Empty());
}

/** Sends the pack's config the way `--policy-pack-config` does: per policy, an enforcement level and properties. */
export async function configure(pack: RunningPack, config: Record<string, { enforcementLevel?: "advisory" | "mandatory" | "disabled"; [key: string]: unknown }>): Promise<void> {
    const req = new ConfigureAnalyzerRequest();
    const levels = { advisory: EnforcementLevel.ADVISORY, mandatory: EnforcementLevel.MANDATORY, disabled: EnforcementLevel.DISABLED };
    for (const [policy, { enforcementLevel, ...properties }] of Object.entries(config)) {
        const pc = new PolicyConfig();
        pc.setEnforcementlevel(levels[enforcementLevel ?? "mandatory"]);
        pc.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
        req.getPolicyconfigMap().set(policy, pc);
    }
    await unaryCall(pack.client.configure.bind(pack.client), req);
}

/** Sends the stack's identity and tags (`ConfigureStack`), as newer CLIs do before analyzing. */
export async function configureStack(pack: RunningPack, project: string, stack: string): Promise<void> {
    const req = new AnalyzerStackConfigureRequest();
    req.setProject(project);
    req.setStack(stack);
    req.setDryRun(true);
    await unaryCall(pack.client.configureStack.bind(pack.client), req);
}

/** A resource as the analyzer receives it. */
export interface AnalyzerInput {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    readonly props: Record<string, unknown>;
}

function key(r: Pick<CollectedResource, "type" | "name">): string {
    return `${r.type}::${r.name}`;
}

/**
 * The collected resources as the engine would send them: URNs `urn:pulumi:<stack>::<project>::
 * <parent types $-joined, then the type>::<name>`, the stack resource as the root parent, and the
 * recorded inputs as properties (components have none).
 */
export function toAnalyzerInputs(collected: Pick<CollectedStack, "project" | "stack" | "resources">): AnalyzerInput[] {
    const { project, stack } = collected;
    const rootUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
    const byKey = new Map(collected.resources.map((r) => [key(r), r]));
    const typeChain = (r: CollectedResource): string[] => {
        const parent = r.parent ? byKey.get(r.parent) : undefined;
        return parent ? [...typeChain(parent), r.type] : [r.type];
    };
    const urnOf = (r: CollectedResource): string => `urn:pulumi:${stack}::${project}::${typeChain(r).join("$")}::${r.name}`;
    return [
        { urn: rootUrn, type: "pulumi:pulumi:Stack", name: `${project}-${stack}`, props: {} },
        ...collected.resources.map((r) => {
            const parent = r.parent ? byKey.get(r.parent) : undefined;
            return { urn: urnOf(r), type: r.type, name: r.name, parent: parent ? urnOf(parent) : rootUrn, props: r.inputs };
        }),
    ];
}

function struct(props: Record<string, unknown>): Struct {
    // JSON round trip: protobuf Structs take plain JSON values only (no undefined).
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Record<string, never>);
}

/** One violation the pack reported. */
export interface Violation {
    readonly policy: string;
    readonly message: string;
    readonly level: "advisory" | "mandatory" | "disabled" | "remediate";
    readonly urn: string;
}

function violations(res: AnalyzeResponse): Violation[] {
    const levels = { [EnforcementLevel.ADVISORY]: "advisory", [EnforcementLevel.MANDATORY]: "mandatory", [EnforcementLevel.DISABLED]: "disabled", [EnforcementLevel.REMEDIATE]: "remediate" } as const;
    return res.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), message: d.getMessage(), level: levels[d.getEnforcementlevel()], urn: d.getUrn() }));
}

/** Fills the fields an `AnalyzeRequest` and an `AnalyzerResource` share. */
function fill<M extends AnalyzeRequest | AnalyzerResource>(message: M, r: AnalyzerInput): M {
    message.setUrn(r.urn);
    message.setType(r.type);
    message.setName(r.name);
    message.setProperties(struct(r.props));
    message.setOptions(new AnalyzerResourceOptions());
    return message;
}

/** `Analyze` for each resource (as the engine does for each registration), then `AnalyzeStack` for all of them; every violation returned. */
export async function analyzeAll(pack: RunningPack, inputs: readonly AnalyzerInput[]): Promise<Violation[]> {
    const found: Violation[] = [];
    for (const r of inputs) {
        found.push(...violations(await unaryCall(pack.client.analyze.bind(pack.client), fill(new AnalyzeRequest(), r))));
    }
    const stackReq = new AnalyzeStackRequest();
    stackReq.setResourcesList(
        inputs.map((r) => {
            const ar = fill(new AnalyzerResource(), r);
            if (r.parent) ar.setParent(r.parent);
            return ar;
        }),
    );
    found.push(...violations(await unaryCall(pack.client.analyzeStack.bind(pack.client), stackReq)));
    return found;
}
