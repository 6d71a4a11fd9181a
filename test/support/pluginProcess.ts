/**
 * Test support (not a test): starts a Pulumi plugin process (a policy pack, a component package) the
 * way the CLI does and waits for the gRPC port it prints on stdout.
 */
import type * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "child_process";

/** A plugin process that printed its port. */
export interface PluginProcess {
    readonly port: number;
    /** Everything the process wrote to stderr so far. */
    stderr(): string;
    /** Ends the process. */
    stop(): void;
}

/** Runs `node <args>` in `cwd` and resolves once it prints its port; rejects if it exits first. */
export function startPluginProcess(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<PluginProcess> {
    const child: ChildProcess = spawn(process.execPath, [...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("exit", (code) => reject(new Error(`the plugin exited with ${code} before printing its port:\n${err}${out}`)));
        child.stdout?.on("data", (d: Buffer) => {
            out += d.toString();
            const m = /^(\d+)\s*$/m.exec(out);
            if (!m) return;
            resolve({
                port: Number(m[1]),
                stderr: () => err,
                stop: () => {
                    child.removeAllListeners("exit");
                    child.kill();
                },
            });
        });
    });
}

/** One unary gRPC call of a plugin's client, as a promise (`fn` bound to its client). */
export function unaryCall<Req, Res>(fn: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => fn(req, (e, r) => (e ? reject(e) : resolve(r))));
}
