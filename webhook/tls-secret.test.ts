import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { V1Secret } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogger } from "./testing/capture-logger.js";
import { generateSelfSignedCert } from "./testing/self-signed-cert.js";
import { materialFromSecret, TlsSecretTracker } from "./tls-secret.js";

let dir = "";
let first: { crt: string; key: string };
let second: { crt: string; key: string };

const b64 = async (path: string) => (await readFile(path)).toString("base64");
const secret = (pair: { crt: string; key: string }): V1Secret => ({
  type: "kubernetes.io/tls",
  data: { "tls.crt": pair.crt, "tls.key": pair.key },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kuberelay-tls-secret-"));
  const a = await generateSelfSignedCert(dir, "a");
  const b = await generateSelfSignedCert(dir, "b");
  first = { crt: await b64(a.certFile), key: await b64(a.keyFile) };
  second = { crt: await b64(b.certFile), key: await b64(b.keyFile) };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("materialFromSecret", () => {
  it("takes a matching tls.crt and tls.key", () => {
    expect(materialFromSecret(secret(first))).toHaveProperty("cert");
  });

  it("says why a Secret is not usable, without quoting its data", () => {
    expect(materialFromSecret(undefined)).toEqual({ problem: "the Secret does not exist" });
    expect(materialFromSecret({ data: { "tls.crt": first.crt } })).toEqual({
      problem: "the Secret lacks tls.crt or tls.key",
    });
    const mismatched = materialFromSecret(secret({ crt: first.crt, key: second.key }));
    expect(mismatched).toEqual({ problem: "tls.crt and tls.key do not form a usable certificate and key" });
  });
});

describe("TlsSecretTracker", () => {
  it("waits for the first usable Secret, then reports only real replacements", async () => {
    const { logger, lines } = captureLogger();
    const tracker = new TlsSecretTracker({ namespace: "ns", name: "tls" }, logger);
    const reloads: Buffer[] = [];
    tracker.onReload((m) => reloads.push(m.cert));
    const waiting = tracker.first();
    tracker.observe(undefined);
    tracker.observe(undefined);
    expect(lines.filter((l) => l.msg === "waiting for tls secret")).toHaveLength(1);
    tracker.observe(secret(first));
    expect((await waiting).cert.toString("base64")).toBe(first.crt);
    tracker.observe(secret(first));
    expect(reloads).toHaveLength(0);
    tracker.observe(secret(second));
    expect(reloads.map((c) => c.toString("base64"))).toEqual([second.crt]);
  });

  it("keeps the last good certificate when the Secret turns bad or disappears", async () => {
    const { logger, lines } = captureLogger();
    const tracker = new TlsSecretTracker({ namespace: "ns", name: "tls" }, logger);
    let reloads = 0;
    tracker.onReload(() => reloads++);
    tracker.observe(secret(first));
    tracker.observe(secret({ crt: first.crt, key: second.key }));
    tracker.observe(undefined);
    expect(reloads).toBe(0);
    expect((await tracker.first()).cert.toString("base64")).toBe(first.crt);
    const warnings = lines.filter((l) => l.msg === "tls secret unusable; keeping the last certificate");
    expect(warnings).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toContain(first.key);
    expect(JSON.stringify(lines)).not.toContain(second.key);
  });
});
