/**
 * What the TLS manager keeps, read back from PEM: the signing CA (with its key), the CAs the
 * API server is told to trust, and the serving certificate. Anything unreadable counts as absent,
 * so a damaged Secret is replaced rather than served.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { CertificateAndKey } from "../../common/x509/certificate.js";

export interface ParsedCert {
  pem: string;
  x509: X509Certificate;
  notBefore: number;
  notAfter: number;
  /** SHA-256 fingerprint, to tell certificates apart. */
  fingerprint: string;
}

export interface SigningCa extends ParsedCert {
  keyPem: string;
}

export interface ServingCert extends ParsedCert {
  keyPem: string;
  /** DNS and IP SANs, as written in the certificate. */
  sans: string[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function parseCert(pem: string): ParsedCert | undefined {
  try {
    const x509 = new X509Certificate(pem);
    return {
      pem: x509.toString(),
      x509,
      notBefore: Date.parse(x509.validFrom),
      notAfter: Date.parse(x509.validTo),
      fingerprint: x509.fingerprint256,
    };
  } catch {
    return undefined;
  }
}

/** Every readable certificate in a PEM bundle, in order, without duplicates. */
export function parseBundle(pem: string | undefined): ParsedCert[] {
  const seen = new Set<string>();
  const out: ParsedCert[] = [];
  for (const block of pem?.match(PEM_BLOCK) ?? []) {
    const cert = parseCert(block);
    if (cert && !seen.has(cert.fingerprint)) {
      seen.add(cert.fingerprint);
      out.push(cert);
    }
  }
  return out;
}

export const bundlePem = (certs: readonly ParsedCert[]) => certs.map((c) => c.pem).join("");

function keyMatches(cert: ParsedCert, keyPem: string): boolean {
  try {
    return cert.x509.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

export function parseSigningCa(pair: Partial<CertificateAndKey>): SigningCa | undefined {
  const cert = pair.certPem === undefined ? undefined : parseCert(pair.certPem);
  if (!cert || pair.keyPem === undefined || !cert.x509.ca || !keyMatches(cert, pair.keyPem)) return undefined;
  return { ...cert, keyPem: pair.keyPem };
}

export function parseServingCert(pair: Partial<CertificateAndKey>): ServingCert | undefined {
  const cert = pair.certPem === undefined ? undefined : parseCert(pair.certPem);
  if (!cert || pair.keyPem === undefined || cert.x509.ca || !keyMatches(cert, pair.keyPem)) return undefined;
  const sans = (cert.x509.subjectAltName ?? "")
    .split(", ")
    .filter((s) => s !== "")
    .map((s) => s.replace(/^DNS:/, "").replace(/^IP Address:/, ""));
  return { ...cert, keyPem: pair.keyPem, sans };
}

/** True when `cert` is signed by `ca` (name chaining and signature). */
export function issuedBy(cert: ParsedCert, ca: ParsedCert): boolean {
  return cert.x509.checkIssued(ca.x509) && cert.x509.verify(ca.x509.publicKey);
}
