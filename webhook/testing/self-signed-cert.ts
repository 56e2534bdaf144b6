import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface GeneratedCert {
  certFile: string;
  keyFile: string;
}

/** A throwaway certificate for 127.0.0.1/localhost, made by the openssl CLI; never committed. */
export async function generateSelfSignedCert(dir: string, prefix = "tls"): Promise<GeneratedCert> {
  const certFile = join(dir, `${prefix}.crt`);
  const keyFile = join(dir, `${prefix}.key`);
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ]);
  return { certFile, keyFile };
}
