import { describe, expect, it } from "vitest";
import type { WebhookTlsConfig } from "./config.js";
import { FakeTlsStore } from "./fake-store.js";
import { issuedBy, parseBundle, parseServingCert } from "./material.js";
import { TLS_SECRET_KEYS, TlsReconciler } from "./reconcile.js";

const config: WebhookTlsConfig = {
  namespace: "kuberelay-system",
  secretName: "webhook-tls",
  caSecretName: "webhook-tls-ca",
  webhookConfigName: "kuberelay",
  serviceName: "kuberelay-webhook",
  extraSans: ["127.0.0.1"],
  certValidityMs: 40_000,
  certRenewBeforeMs: 13_000,
  caValidityMs: 60_000,
  caRenewBeforeMs: 25_000,
  propagationMs: 3_000,
};

function setup(entries?: readonly string[] | null) {
  let clock = Date.parse("2026-11-25T12:00:00Z");
  const now = () => clock;
  const store = new FakeTlsStore(now, entries);
  const reconciler = new TlsReconciler({ store, config, now });
  return {
    store,
    reconciler,
    now,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

interface Lags {
  /** How far behind the webhook replica's view of the serving Secret is. */
  secret: number;
  /** How far behind the API server's view of the webhook configuration is. */
  bundle: number;
}

/** Whether the API server accepts the certificate a webhook replica serves at `at`, given how late each sees changes. */
function handshakeWorks(store: FakeTlsStore, at: number, lags: Lags): boolean {
  const secret = store.secretAsSeen(config.secretName, at - lags.secret);
  const served = parseServingCert({
    certPem: secret?.data[TLS_SECRET_KEYS.cert],
    keyPem: secret?.data[TLS_SECRET_KEYS.key],
  });
  const entries = store.bundlesAsSeen(at - lags.bundle) ?? [];
  if (!served || at < served.notBefore || at >= served.notAfter || entries.length === 0) return false;
  return entries.every((e) =>
    parseBundle(Buffer.from(e.caBundle, "base64").toString("utf8")).some(
      (ca) => issuedBy(served, ca) && at < ca.notAfter,
    ),
  );
}

/** Runs the reconciler on its own schedule for `windowMs` of simulated time, checking handshakes every 250 ms. */
async function simulate(windowMs: number, lags: Lags) {
  const { store, reconciler, advance, now } = setup();
  const serials = new Set<string>();
  const cas = new Set<string>();
  let retirements = 0;
  let due = 0;
  let failures = 0;
  const settle = Math.max(lags.secret, lags.bundle);
  for (let t = 0; t <= windowMs; t += 250) {
    if (t >= due) {
      const result = await reconciler.pass();
      if (result.servingSerial) serials.add(result.servingSerial);
      cas.add(result.caFingerprint);
      if (result.actions.includes("ca-retired")) retirements++;
      due = t + result.nextInMs;
    }
    // The first pass itself has to reach the readers before anything can work.
    if (t > settle && !handshakeWorks(store, now(), lags)) failures++;
    advance(250);
  }
  return { failures, serials: serials.size, cas: cas.size, retirements };
}

describe("TlsReconciler", () => {
  it("creates the CA, publishes it to every entry and issues the serving certificate in one pass", async () => {
    const { store, reconciler } = setup();
    const result = await reconciler.pass();
    expect(result.actions).toEqual(["ca-created", "ca-bundle-published", "serving-cert-issued"]);
    const tls = await store.readSecret(config.secretName);
    const ca = await store.readSecret(config.caSecretName);
    expect(Object.keys(tls?.data ?? {}).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
    // The webhook's Secret never carries the CA key.
    expect(Object.values(tls?.data ?? {}).join("")).not.toContain(ca?.data["ca.key"]);
    const entries = (await store.readWebhookEntries()) ?? [];
    for (const e of entries) expect(Buffer.from(e.caBundle, "base64").toString()).toBe(ca?.data["ca.crt"]);
    const served = parseServingCert({ certPem: tls?.data["tls.crt"], keyPem: tls?.data["tls.key"] });
    expect(served?.sans).toEqual([
      "kuberelay-webhook",
      "kuberelay-webhook.kuberelay-system",
      "kuberelay-webhook.kuberelay-system.svc",
      "kuberelay-webhook.kuberelay-system.svc.cluster.local",
      "127.0.0.1",
    ]);
  });

  it("reports serials and fingerprints, never key material", async () => {
    const { reconciler } = setup();
    const result = await reconciler.pass();
    expect(result.servingSerial).toMatch(/^[0-9A-F]+$/);
    expect(JSON.stringify(result)).not.toContain("PRIVATE KEY");
  });

  it("writes nothing on a pass with nothing due", async () => {
    const { store, reconciler, advance } = setup();
    await reconciler.pass();
    const writes = store.writes;
    const patches = store.patches;
    advance(1_000);
    const result = await reconciler.pass();
    expect(result.actions).toEqual([]);
    expect([store.writes, store.patches]).toEqual([writes, patches]);
    expect(result.nextInMs).toBeGreaterThan(1_000);
  });

  it("gives Secrets without the owner reference their owner, same data, nothing rotated", async () => {
    const { store, reconciler, advance } = setup();
    await reconciler.pass();
    const before = [await store.readSecret(config.caSecretName), await store.readSecret(config.secretName)];
    store.disown(config.caSecretName);
    store.disown(config.secretName);
    const writes = store.writes;
    advance(1_000);
    expect((await reconciler.pass()).actions).toEqual([]);
    expect(store.writes).toBe(writes + 2);
    const after = [await store.readSecret(config.caSecretName), await store.readSecret(config.secretName)];
    expect(after.map((s) => s?.owned)).toEqual([true, true]);
    expect(after.map((s) => s?.data)).toEqual(before.map((s) => s?.data));
  });

  it("repairs a caBundle someone reset", async () => {
    const { store, reconciler, advance } = setup();
    await reconciler.pass();
    const before = await store.readWebhookEntries();
    store.resetBundles();
    advance(1_000);
    expect((await reconciler.pass()).actions).toEqual(["ca-bundle-published"]);
    expect(await store.readWebhookEntries()).toEqual(before);
  });

  it("still issues a certificate when the webhook configuration does not exist yet", async () => {
    const { store, reconciler } = setup(null);
    const result = await reconciler.pass();
    expect(result.actions).toEqual(["ca-created", "serving-cert-issued"]);
    expect(await store.readSecret(config.secretName)).toBeDefined();
  });

  it("replaces a serving certificate that lost its key or names", async () => {
    const { store, reconciler, advance } = setup();
    await reconciler.pass();
    const tls = await store.readSecret(config.secretName);
    await store.writeSecret(
      config.secretName,
      { type: "kubernetes.io/tls", data: { ...tls?.data, "tls.key": "garbage" } },
      tls?.resourceVersion,
    );
    advance(1_000);
    expect((await reconciler.pass()).actions).toEqual(["serving-cert-issued"]);
  });

  it("rotates certificate and CA many times with the API server 2 s late: never an untrusted moment", async () => {
    const run = await simulate(150_000, { secret: 0, bundle: 2_000 });
    expect(run.failures).toBe(0);
    expect(run.serials).toBeGreaterThanOrEqual(5);
    expect(run.cas).toBeGreaterThanOrEqual(3);
    expect(run.retirements).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it("rotates with the webhook replicas 2 s late: an old CA is dropped only after they switched", async () => {
    const run = await simulate(150_000, { secret: 2_000, bundle: 0 });
    expect(run.failures).toBe(0);
    expect(run.cas).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it("fails that check when a reader lags beyond the propagation allowance (the check can fail)", async () => {
    expect((await simulate(100_000, { secret: 0, bundle: 5_000 })).failures).toBeGreaterThan(0);
    expect((await simulate(100_000, { secret: 5_000, bundle: 0 })).failures).toBeGreaterThan(0);
  }, 30_000);
});
