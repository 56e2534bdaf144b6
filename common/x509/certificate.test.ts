import { execFile } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CertificateAndKey, createCa, issueServingCertificate } from "./certificate.js";

const run = promisify(execFile);
const now = new Date("2026-11-25T12:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);
const DAY = 86_400_000;

let dir = "";
let ca: CertificateAndKey;
let serving: CertificateAndKey;
const dnsNames = ["kuberelay-webhook", "kuberelay-webhook.kuberelay-system.svc"];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kuberelay-x509-"));
  ca = await createCa({ commonName: "kuberelay-webhook-ca", notBefore: now, notAfter: later(365 * DAY) });
  serving = await issueServingCertificate(ca, {
    commonName: "kuberelay-webhook",
    dnsNames,
    ipAddresses: ["127.0.0.1", "::1"],
    notBefore: now,
    notAfter: later(30 * DAY),
  });
  await writeFile(join(dir, "ca.crt"), ca.certPem);
  await writeFile(join(dir, "tls.crt"), serving.certPem);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("createCa", () => {
  it("is a self-signed CA with the requested name and validity", () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe("CN=kuberelay-webhook-ca");
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime());
    expect(new Date(cert.validTo).getTime()).toBe(later(365 * DAY).getTime());
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
  });

  it("shows CA:TRUE, keyCertSign and a subject key identifier to openssl", async () => {
    const { stdout } = await run("openssl", ["x509", "-in", join(dir, "ca.crt"), "-noout", "-text"]);
    expect(stdout).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(stdout).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(stdout).toContain("Subject Key Identifier");
    expect(stdout).toContain("ecdsa-with-SHA256");
    expect(stdout).toContain("NIST CURVE: P-256");
  });

  it("refuses an empty validity window", async () => {
    await expect(createCa({ commonName: "x", notBefore: now, notAfter: now })).rejects.toThrow(
      /notAfter .* must be after notBefore/,
    );
  });
});

describe("issueServingCertificate", () => {
  it("is signed by the CA and names the SANs", () => {
    const cert = new X509Certificate(serving.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(caCert.checkIssued(cert)).toBe(false);
    expect(cert.issuer).toBe("CN=kuberelay-webhook-ca");
    expect(cert.subjectAltName).toBe(
      "DNS:kuberelay-webhook, DNS:kuberelay-webhook.kuberelay-system.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
    );
    expect(cert.checkHost("kuberelay-webhook.kuberelay-system.svc")).toBe(
      "kuberelay-webhook.kuberelay-system.svc",
    );
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(new Date(cert.validTo).getTime()).toBe(later(30 * DAY).getTime());
    expect(cert.checkPrivateKey(createPrivateKey(serving.keyPem))).toBe(true);
  });

  it("is not verified by another CA", async () => {
    const other = await createCa({
      commonName: "kuberelay-webhook-ca",
      notBefore: now,
      notAfter: later(DAY),
    });
    const otherCert = new X509Certificate(other.certPem);
    // Same subject, different key: the issuer name matches but the signature must not.
    expect(new X509Certificate(serving.certPem).verify(otherCert.publicKey)).toBe(false);
  });

  it("passes openssl verify as a TLS server certificate at a time inside its validity", async () => {
    const { stdout } = await run("openssl", [
      "verify",
      "-purpose",
      "sslserver",
      "-attime",
      String(Math.floor(later(DAY).getTime() / 1000)),
      "-CAfile",
      join(dir, "ca.crt"),
      join(dir, "tls.crt"),
    ]);
    expect(stdout.trim()).toBe(`${join(dir, "tls.crt")}: OK`);
  });

  it("fails openssl verify after it expires", async () => {
    const verify = run("openssl", [
      "verify",
      "-attime",
      String(Math.floor(later(31 * DAY).getTime() / 1000)),
      "-CAfile",
      join(dir, "ca.crt"),
      join(dir, "tls.crt"),
    ]);
    await expect(verify).rejects.toThrow(/certificate has expired/);
  });

  it("shows serverAuth, the key identifiers and a critical non-CA basicConstraints to openssl", async () => {
    const { stdout } = await run("openssl", ["x509", "-in", join(dir, "tls.crt"), "-noout", "-text"]);
    expect(stdout).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(stdout).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication/);
    expect(stdout).toContain("Authority Key Identifier");
    const caText = (
      await run("openssl", ["x509", "-in", join(dir, "ca.crt"), "-noout", "-ext", "subjectKeyIdentifier"])
    ).stdout;
    const ski = caText.split("\n")[1]?.trim() ?? "missing";
    expect(stdout).toContain(ski);
  });

  it("refuses bad names, no names and a non-CA issuer", async () => {
    const window = { notBefore: now, notAfter: later(DAY) };
    await expect(
      issueServingCertificate(ca, { commonName: "x", dnsNames: ["bad name"], ...window }),
    ).rejects.toThrow(/not a DNS name/);
    await expect(issueServingCertificate(ca, { commonName: "x", dnsNames: [], ...window })).rejects.toThrow(
      /at least one/,
    );
    await expect(
      issueServingCertificate(ca, { commonName: "x", dnsNames: ["a"], ipAddresses: ["nope"], ...window }),
    ).rejects.toThrow(/not an IP address/);
    await expect(
      issueServingCertificate(serving, { commonName: "x", dnsNames: ["a"], ...window }),
    ).rejects.toThrow(/not a CA/);
  });
});
