/** A throwaway certificate authority and the certificates it signs, made with the openssl CLI. */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "./run-command.js";

export interface CertificateFiles {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
}

export interface CertificateAuthority extends CertificateFiles {
  /** Where issued certificates are written too. */
  dir: string;
  cn: string;
}

export interface CertificateRequest {
  cn: string;
  /** Kubernetes reads O as the user's group, e.g. "system:masters" for an admin. */
  org?: string;
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  client?: boolean;
  server?: boolean;
}

// Short validity is enough for a test run, and P-256 keys generate in milliseconds unlike RSA.
const validDays = "30";
const keyArgs = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** openssl's config syntax treats these as special; a CN with them would corrupt the config file. */
function configValue(value: string): string {
  if (/[\n\r"$\\]/.test(value)) throw new Error(`unsupported character in certificate field: ${value}`);
  return value;
}

function slug(cn: string): string {
  return cn.replace(/[^a-zA-Z0-9.-]+/g, "-").slice(0, 40) || "cert";
}

function requestConfig(subject: Record<string, string>, extensions: readonly string[]): string {
  const dn = Object.entries(subject).map(([k, v]) => `${k} = ${configValue(v)}`);
  return ["[req]", "distinguished_name = dn", "prompt = no", "[dn]", ...dn, "[ext]", ...extensions, ""].join(
    "\n",
  );
}

async function readPair(certPath: string, keyPath: string): Promise<CertificateFiles> {
  const [certPem, keyPem] = await Promise.all([readFile(certPath, "utf8"), readFile(keyPath, "utf8")]);
  return { certPath, keyPath, certPem, keyPem };
}

export async function createCa(dir: string, cn: string): Promise<CertificateAuthority> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, `${slug(cn)}-ca`);
  const configPath = `${base}.cnf`;
  await writeFile(
    configPath,
    requestConfig({ CN: cn }, [
      "basicConstraints = critical,CA:TRUE",
      "keyUsage = critical,keyCertSign,cRLSign,digitalSignature",
      "subjectKeyIdentifier = hash",
    ]),
  );
  const { certPath, keyPath } = await makeCertificate(base, configPath, []);
  return { ...(await readPair(certPath, keyPath)), dir, cn };
}

/**
 * A new key and its certificate, self-signed or (with `-CA`/`-CAkey`) signed by a CA:
 * `req -x509 -CA` (OpenSSL 3) makes the key and signs it in one process instead of req + x509.
 */
async function makeCertificate(base: string, configPath: string, signer: readonly string[]) {
  const certPath = `${base}.crt`;
  const keyPath = `${base}.key`;
  await runCommand("openssl", [
    "req",
    "-x509",
    ...keyArgs,
    "-keyout",
    keyPath,
    "-out",
    certPath,
    "-days",
    validDays,
    "-config",
    configPath,
    "-extensions",
    "ext",
    ...signer,
  ]);
  return { certPath, keyPath };
}

function leafExtensions(request: CertificateRequest): string[] {
  // Neither flag set means "usable both ways", the common case for test certificates.
  const both = request.client === undefined && request.server === undefined;
  const usages = [
    ...(request.server || both ? ["serverAuth"] : []),
    ...(request.client || both ? ["clientAuth"] : []),
  ];
  const sans = [
    ...(request.dnsNames ?? []).map((name) => `DNS:${configValue(name)}`),
    ...(request.ipAddresses ?? []).map((ip) => `IP:${configValue(ip)}`),
  ];
  return [
    "basicConstraints = critical,CA:FALSE",
    "keyUsage = critical,digitalSignature,keyEncipherment",
    ...(usages.length > 0 ? [`extendedKeyUsage = ${usages.join(",")}`] : []),
    "subjectKeyIdentifier = hash",
    "authorityKeyIdentifier = keyid",
    ...(sans.length > 0 ? [`subjectAltName = ${sans.join(",")}`] : []),
  ];
}

/** Issues a leaf certificate into the CA's directory; file names get a random suffix so repeats never clash. */
export async function issueCert(
  ca: CertificateAuthority,
  request: CertificateRequest,
): Promise<CertificateFiles> {
  const base = join(ca.dir, `${slug(request.cn)}-${randomBytes(3).toString("hex")}`);
  const configPath = `${base}.cnf`;
  const subject: Record<string, string> =
    request.org === undefined ? { CN: request.cn } : { O: request.org, CN: request.cn };
  await writeFile(configPath, requestConfig(subject, leafExtensions(request)));
  const { certPath, keyPath } = await makeCertificate(base, configPath, [
    "-CA",
    ca.certPath,
    "-CAkey",
    ca.keyPath,
  ]);
  return readPair(certPath, keyPath);
}
