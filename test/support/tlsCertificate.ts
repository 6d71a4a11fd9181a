/**
 * A self-signed TLS certificate for 127.0.0.1, made at test time with the `openssl` command (Debian
 * ships it; Node 20 has no API that writes certificates). Azure's SDK refuses to send a bearer token
 * over plain http, so the test server of the query API serves https with it, and the tests trust it:
 * in-process through the SDK's own pipeline option (`tlsOptions.ca`, see backtest/workspace.ts), in a
 * child process through `NODE_EXTRA_CA_CERTS`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A certificate and its key (PEM), and the file holding the certificate (for NODE_EXTRA_CA_CERTS). */
export interface TestCertificate {
    readonly cert: string;
    readonly key: string;
    readonly certFile: string;
}

let made: TestCertificate | undefined;

/** The test process's certificate for 127.0.0.1 (made once; a P-256 key, valid one day, subjectAltName IP:127.0.0.1). */
export function localhostCertificate(): TestCertificate {
    if (made) return made;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backtest-tls-"));
    const keyFile = path.join(dir, "key.pem");
    const certFile = path.join(dir, "cert.pem");
    const openssl = (args: readonly string[]): void => {
        try {
            execFileSync("openssl", args, { stdio: "ignore" });
        } catch (e) {
            const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "the openssl command is not installed (Debian package openssl)" : (e as Error).message.split("\n")[0];
            throw new Error(`cannot make the test TLS certificate: ${why}`);
        }
    };
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]);
    made = { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8"), certFile };
    return made;
}
