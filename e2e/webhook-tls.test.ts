/**
 * Operator-managed webhook TLS on a real kube-apiserver: the operator makes the CA and the serving
 * certificate, writes the CA bundle into the MutatingWebhookConfiguration, and rotates both (short
 * lifetimes here) while Pods are created every 200 ms against a failurePolicy: Fail webhook, so a
 * single TLS failure would show up as a refused Pod. The webhook reads its certificate from the
 * Secret through the API and is never restarted.
 */
import { X509Certificate } from "node:crypto";
import { CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorMessage } from "../common/kube/api-error.js";
import { waitRelayKeyReady } from "./harness/issued-relay-key.js";
import type { LogLine } from "./harness/kuberelay-process.js";
import {
  type Stack,
  SYSTEM_NAMESPACE,
  startStack,
  WEBHOOK_CONFIG_NAME,
  WEBHOOK_TLS,
} from "./harness/kuberelay-stack.js";
import { applyQuickstart } from "./harness/quickstart-manifests.js";
import { waitFor } from "./harness/wait-for.js";

const NS = "tls-e2e";
const ROTATION_WINDOW_MS = 45_000;
const POD_INTERVAL_MS = 200;
// Serving certificate 40 s, renewed at 2/3 of its life; CA 60 s, replaced 25 s before expiry.
const operatorArgs = [
  "--webhook-cert-validity=40s",
  "--webhook-cert-renew-before=13s",
  "--webhook-ca-validity=60s",
  "--webhook-ca-renew-before=25s",
  "--webhook-tls-propagation=3s",
];

let stack: Stack;
let core: CoreV1Api;

interface TlsState {
  serial: string;
  caFingerprint: string;
  bundle: X509Certificate[];
  leaf: X509Certificate;
  caBundles: string[];
}

function pemBlocks(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (b) => new X509Certificate(b),
  );
}

async function tlsState(): Promise<TlsState> {
  const secret = await core.readNamespacedSecret({ name: WEBHOOK_TLS.secret, namespace: SYSTEM_NAMESPACE });
  const ca = await core.readNamespacedSecret({ name: WEBHOOK_TLS.caSecret, namespace: SYSTEM_NAMESPACE });
  const text = (b64: string | undefined) => Buffer.from(b64 ?? "", "base64").toString("utf8");
  const leaf = new X509Certificate(text(secret.data?.["tls.crt"]));
  const { stdout } = await stack.cp.kubectl([
    "get",
    "mutatingwebhookconfiguration",
    WEBHOOK_CONFIG_NAME,
    "-o",
    "json",
  ]);
  const hooks = (JSON.parse(stdout) as { webhooks: Array<{ clientConfig: { caBundle?: string } }> }).webhooks;
  return {
    serial: leaf.serialNumber,
    caFingerprint: new X509Certificate(text(ca.data?.["ca.crt"])).fingerprint256,
    bundle: pemBlocks(text(secret.data?.["ca.crt"])),
    leaf,
    caBundles: hooks.map((h) => text(h.clientConfig.caBundle)),
  };
}

function podBody(name: string): V1Pod {
  return {
    metadata: {
      name,
      namespace: NS,
      annotations: { "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "app" },
    },
    spec: { containers: [{ name: "app", image: "example.invalid/app:1" }] },
  };
}

function injected(pod: V1Pod): boolean {
  const env = pod.spec?.containers[0]?.env ?? [];
  return (
    env.some((e) => e.name === "OPENAI_BASE_URL") &&
    env.some((e) => e.name === "OPENAI_API_KEY" && e.valueFrom?.secretKeyRef?.name === "app-relay-key")
  );
}

const tlsUpdates = (from: number) =>
  stack.operator.lines.filter(
    (l: LogLine) => l.msg === "webhook tls updated" && Date.parse(String(l.time)) >= from,
  );
const countAction = (lines: LogLine[], action: string) =>
  lines.filter((l) => Array.isArray(l.actions) && l.actions.includes(action)).length;

beforeAll(async () => {
  stack = await startStack({ gateways: 1, operatorTls: { operatorArgs }, webhookFailurePolicy: "Fail" });
  const kc = new KubeConfig();
  kc.loadFromFile(stack.cp.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  await applyQuickstart(stack, NS);
  await waitRelayKeyReady(stack, NS, "app");
  const deadline = Date.now() + 30_000;
  while (
    !(await stack.cp.kubectl(["get", "serviceaccount", "default", "-n", NS]).then(
      () => true,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error("no default ServiceAccount in the test namespace");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("operator-managed webhook TLS", () => {
  it("issues a CA and a serving certificate, publishes the CA bundle, and the webhook injects", async () => {
    const state = await tlsState();
    expect(state.bundle.length).toBeGreaterThanOrEqual(1);
    for (const caBundle of state.caBundles)
      expect(pemBlocks(caBundle).map((c) => c.fingerprint256)).toEqual(
        state.bundle.map((c) => c.fingerprint256),
      );
    expect(state.bundle.some((ca) => state.leaf.checkIssued(ca) && state.leaf.verify(ca.publicKey))).toBe(
      true,
    );
    expect(state.leaf.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(state.leaf.checkHost(`kuberelay-webhook.${SYSTEM_NAMESPACE}.svc`)).toBeDefined();

    const created = await core.createNamespacedPod({ namespace: NS, body: podBody("first") });
    expect(injected(created)).toBe(true);
  });

  it("keeps the CA key from the webhook: its ServiceAccount may read the serving Secret only", async () => {
    const can = async (verb: string, resource: string) =>
      (
        await stack.cp
          .kubectl([
            "auth",
            "can-i",
            verb,
            resource,
            "-n",
            SYSTEM_NAMESPACE,
            `--as=system:serviceaccount:${SYSTEM_NAMESPACE}:kuberelay-webhook`,
          ])
          .then(
            (r) => r.stdout,
            (e: unknown) => String((e as { stdout?: string }).stdout ?? ""),
          )
      ).trim();
    expect(await can("watch", `secrets/${WEBHOOK_TLS.secret}`)).toBe("yes");
    expect(await can("get", `secrets/${WEBHOOK_TLS.caSecret}`)).toBe("no");
    const serving = await core.readNamespacedSecret({
      name: WEBHOOK_TLS.secret,
      namespace: SYSTEM_NAMESPACE,
    });
    expect(serving.type).toBe("kubernetes.io/tls");
    expect(Object.keys(serving.data ?? {}).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
  });

  it("rotates certificate and CA while Pods are created every 200 ms: every Pod admitted and injected", async () => {
    const start = Date.now();
    const before = await tlsState();
    const serials = new Set([before.serial]);
    const cas = new Set([before.caFingerprint]);
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const s = await tlsState().catch(() => undefined);
        if (s) {
          serials.add(s.serial);
          cas.add(s.caFingerprint);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();

    const creations: Array<Promise<{ ok: boolean; injected: boolean; error?: string }>> = [];
    for (let i = 0; Date.now() - start < ROTATION_WINDOW_MS; i++) {
      creations.push(
        core.createNamespacedPod({ namespace: NS, body: podBody(`load-${i}`) }).then(
          (pod) => ({ ok: true, injected: injected(pod) }),
          (err: unknown) => ({ ok: false, injected: false, error: apiErrorMessage(err) }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, POD_INTERVAL_MS));
    }
    const results = await Promise.all(creations);
    sampling = false;
    await sampler;

    const updates = tlsUpdates(start);
    const failed = results.filter((r) => !r.ok);
    const notInjected = results.filter((r) => r.ok && !r.injected);
    const reloads = stack.webhook.lines.filter(
      (l) => l.msg === "tls reloaded" && Date.parse(String(l.time)) >= start,
    );
    const figures = {
      windowMs: Date.now() - start,
      podsCreated: results.length,
      failedAdmissions: failed.length,
      notInjected: notInjected.length,
      servingCertsIssued: countAction(updates, "serving-cert-issued"),
      casCreated: countAction(updates, "ca-created"),
      casRetired: countAction(updates, "ca-retired"),
      bundlePublishes: countAction(updates, "ca-bundle-published"),
      distinctServingSerials: serials.size,
      distinctCas: cas.size,
      webhookReloads: reloads.length,
    };
    console.log(`webhook TLS rotation under load: ${JSON.stringify(figures)}`);
    expect(failed.map((f) => f.error)).toEqual([]);
    expect(notInjected).toHaveLength(0);
    expect(results.length).toBeGreaterThan(150);
    expect(serials.size).toBeGreaterThanOrEqual(2);
    expect(figures.casCreated).toBeGreaterThanOrEqual(1);
    expect(figures.casRetired).toBeGreaterThanOrEqual(1);
    expect(cas.size).toBeGreaterThanOrEqual(2);
    expect(reloads.length).toBeGreaterThanOrEqual(2);
    // Swapped in place: the webhook process never restarted.
    expect(stack.webhook.lines.filter((l) => l.msg === "listening")).toHaveLength(1);
  }, 120_000);

  it("reports every certificate and CA in Events on the serving Secret and in expiry metrics", async () => {
    const eventReasons = async () => {
      const { stdout } = await stack.cp.kubectl([
        "get",
        "events",
        "-n",
        SYSTEM_NAMESPACE,
        "--field-selector",
        `involvedObject.name=${WEBHOOK_TLS.secret}`,
        "-o",
        "json",
      ]);
      return JSON.parse(stdout) as { items: Array<{ reason: string; message: string }> };
    };
    // Events are written after each pass's log line; rotation goes on meanwhile, so compare
    // both until they agree.
    const events = await waitFor("one Event per logged certificate and CA step", async () => {
      const all = tlsUpdates(0);
      const got = await eventReasons();
      const count = (reason: string) => got.items.filter((e) => e.reason === reason).length;
      const agree =
        count("WebhookCertificateIssued") === countAction(all, "serving-cert-issued") &&
        count("WebhookCaCreated") === countAction(all, "ca-created") &&
        count("WebhookCaRetired") === countAction(all, "ca-retired");
      return agree && count("WebhookCaRetired") >= 1 ? got : undefined;
    });
    expect(JSON.stringify(events)).not.toContain("PRIVATE KEY");

    const expiry = (metrics: string, certificate: string) =>
      Number(
        metrics.match(
          new RegExp(
            `^kuberelay_operator_webhook_certificate_expiry_timestamp_seconds\\{certificate="${certificate}"\\} (\\S+)$`,
            "m",
          ),
        )?.[1],
      );
    await waitFor("the expiry metric to match the served certificate", async () => {
      const before = await tlsState();
      const metrics = await (await fetch(`${stack.operatorOpsUrls[0]}/metrics`)).text();
      const after = await tlsState();
      if (before.serial !== after.serial) return undefined;
      const served = expiry(metrics, "serving") * 1000 === Date.parse(after.leaf.validTo);
      return served && expiry(metrics, "ca") > expiry(metrics, "serving") ? true : undefined;
    });
  });

  it("repairs a caBundle someone reset (as a helm upgrade rendering the chart's own would)", async () => {
    const patch = [{ op: "replace", path: "/webhooks/0/clientConfig/caBundle", value: "" }];
    await stack.cp.kubectl([
      "patch",
      "mutatingwebhookconfiguration",
      WEBHOOK_CONFIG_NAME,
      "--type=json",
      "-p",
      JSON.stringify(patch),
    ]);
    const deadline = Date.now() + 10_000;
    let state = await tlsState();
    while (state.caBundles.some((b) => b === "") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await tlsState();
    }
    expect(pemBlocks(state.caBundles[0] ?? "").length).toBeGreaterThanOrEqual(1);
    const created = await core.createNamespacedPod({ namespace: NS, body: podBody("after-repair") });
    expect(injected(created)).toBe(true);
  });

  it("never logs key material", () => {
    for (const proc of [stack.operator, stack.webhook]) {
      expect(proc.output()).not.toContain("PRIVATE KEY");
    }
  });
});
