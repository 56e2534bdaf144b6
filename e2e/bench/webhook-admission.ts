/**
 * `npm run bench`: the admission webhook's latency, on a real control plane (the webhook process from
 * dist/ under its own ServiceAccount, looking RelayKeys and Namespaces up in the real API server).
 *
 * 1. AdmissionReviews straight to the webhook over HTTPS, at a fixed rate (open loop), with the Pod
 *    specs a Deployment's ReplicaSet sends: selected by annotation with a RelayKey, or by namespace label.
 * 2. Pod creation through kube-apiserver (dryRun=All, which still calls mutating webhooks but stores
 *    nothing), interleaved tick by tick with the same creation in a namespace the webhook is never
 *    called for, as the baseline: the difference is what the webhook adds to a Pod's creation.
 */
import { randomUUID } from "node:crypto";
import { Agent, type RequestOptions, request } from "node:https";
import { KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { type Stack, SYSTEM_NAMESPACE, startStack } from "../harness/kuberelay-stack.js";
import { quickstartManifests } from "../harness/quickstart-manifests.js";
import { type Summary, summarise } from "./latency-stats.js";
import { openLoop } from "./open-loop.js";

const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 50);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;
const APP_NS = "bench-app";
const LABELLED_NS = "bench-labelled";

/** A Pod as a ReplicaSet creates it: generateName, labels, two containers, an init container, probes. */
function realisticPod(namespace: string, annotations: Record<string, string>): V1Pod {
  const container = (name: string, image: string) => ({
    name,
    image,
    ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
    env: [
      { name: "LOG_LEVEL", value: "info" },
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    ],
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 5 },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  });
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: "chat-7d9f8c6b5-",
      namespace,
      labels: { app: "chat", "pod-template-hash": "7d9f8c6b5" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-25T12:00:00Z", ...annotations },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "chat-7d9f8c6b5",
          uid: "5d2a1c8e-8f4b-4a55-9a57-0c1e2d3f4a5b",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      initContainers: [{ name: "migrate", image: "example.invalid/chat-migrate:1.4.2" }],
      containers: [
        container("chat", "example.invalid/chat:1.4.2"),
        container("metrics", "example.invalid/exporter:0.9"),
      ],
      volumes: [{ name: "tmp", emptyDir: {} }],
      automountServiceAccountToken: false,
    },
  };
}

const byAnnotation = realisticPod(APP_NS, {
  "kuberelay.dev/inject": "true",
  "kuberelay.dev/relay-key": "app",
});
const byLabel = realisticPod(LABELLED_NS, {});

function admissionReview(pod: V1Pod): string {
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: randomUUID(),
      kind: { group: "", version: "v1", kind: "Pod" },
      resource: { group: "", version: "v1", resource: "pods" },
      requestKind: { group: "", version: "v1", kind: "Pod" },
      namespace: pod.metadata?.namespace,
      operation: "CREATE",
      userInfo: { username: "system:serviceaccount:kube-system:replicaset-controller" },
      object: pod,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: "meta.k8s.io/v1", kind: "CreateOptions" },
    },
  });
}

/**
 * One JSON POST over a kept-alive TLS connection (as the API server calls webhooks); resolves with
 * the status and body. Plain node:https for both figures, so neither pays a client library's overhead.
 */
function postJson(options: RequestOptions, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const req = request({ ...options, method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

function row(name: string, s: Summary): string {
  const f = (n: number) => n.toFixed(2).padStart(8);
  return `${name.padEnd(34)}${String(s.count).padStart(7)}${String(s.errors).padStart(7)}${f(s.p50)}${f(s.p90)}${f(s.p99)}${f(s.max)}`;
}

const header = `${"".padEnd(34)}${"n".padStart(7)}${"errors".padStart(7)}${"p50 ms".padStart(8)}${"p90 ms".padStart(8)}${"p99 ms".padStart(8)}${"max ms".padStart(8)}`;

async function prepare(stack: Stack): Promise<void> {
  const { kubectl } = stack.cp;
  await kubectl(
    ["apply", "-f", "-"],
    quickstartManifests({
      namespace: APP_NS,
      upstreamURL: `${stack.mock.url}/v1`,
      providerSecret: stack.providerSecret,
    }),
  );
  await kubectl(["create", "namespace", LABELLED_NS]);
  await kubectl(["label", "namespace", LABELLED_NS, "kuberelay.dev/inject=enabled"]);
  await kubectl(["wait", "--for=condition=Ready", "--timeout=60s", "-n", APP_NS, "relaykey/app"]);
  // Pod creation needs each namespace's default ServiceAccount, made by kube-controller-manager.
  for (const ns of [APP_NS, LABELLED_NS, SYSTEM_NAMESPACE]) {
    const deadline = Date.now() + 30_000;
    while (
      (await kubectl(["get", "serviceaccount", "default", "-n", ns]).catch(() => undefined)) === undefined
    ) {
      if (Date.now() > deadline) throw new Error(`no default ServiceAccount in ${ns}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Cumulative counts of the webhook's own duration histogram, by upper bound in seconds. */
async function serverHistogram(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const buckets = new Map<string, number>();
  for (const m of text.matchAll(
    /^kuberelay_webhook_admission_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm,
  )) {
    buckets.set(m[1] ?? "", Number(m[2]));
  }
  return buckets;
}

/** What share of the admissions between two scrapes the webhook answered within each bound (its own view). */
function serverShares(before: Map<string, number>, after: Map<string, number>): string {
  const total = (after.get("+Inf") ?? 0) - (before.get("+Inf") ?? 0);
  const share = (le: string) => ((100 * ((after.get(le) ?? 0) - (before.get(le) ?? 0))) / total).toFixed(1);
  return `${total} admissions, answered within 1 ms: ${share("0.001")}%, 5 ms: ${share("0.005")}%, 10 ms: ${share("0.01")}%, 20 ms: ${share("0.02")}%`;
}

/** Half the reviews name a RelayKey by annotation, half are selected by their namespace's label. */
async function benchWebhookDirect(stack: Stack): Promise<[Summary, Summary, Summary, string]> {
  const listening = await stack.webhook.waitForLine((l) => l.msg === "listening");
  const agent = new Agent({ keepAlive: true, ca: stack.cp.caPem });
  const target = { host: "127.0.0.1", port: Number(listening.port), path: "/mutate?timeout=5s", agent };
  const send = (pod: V1Pod) => async () => {
    const { status, text } = await postJson(target, admissionReview(pod));
    return status === 200 && text.includes('"patchType":"JSONPatch"');
  };
  const targets = [send(byAnnotation), send(byLabel)];
  try {
    await openLoop({ ratePerSecond: RATE / 2, durationMs: 2000, targets }); // warm-up
    const metricsUrl = `http://127.0.0.1:${listening.metricsPort}/metrics`;
    const before = await serverHistogram(metricsUrl);
    const [a, l] = await openLoop({ ratePerSecond: RATE / 2, durationMs: DURATION_MS, targets });
    const server = serverShares(before, await serverHistogram(metricsUrl));
    const all = [...(a?.latencies ?? []), ...(l?.latencies ?? [])];
    return [
      summarise(all, (a?.errors ?? 0) + (l?.errors ?? 0)),
      summarise(a?.latencies ?? [], a?.errors ?? 0),
      summarise(l?.latencies ?? [], l?.errors ?? 0),
      server,
    ];
  } finally {
    agent.destroy();
  }
}

/** Each tick creates one Pod the webhook injects and the same Pod where the API server never calls it. */
async function benchPodCreation(stack: Stack): Promise<[Summary, Summary]> {
  const kc = new KubeConfig();
  kc.loadFromFile(stack.cp.kubeconfigPath);
  const server = new URL(kc.getCurrentCluster()?.server ?? "");
  const tls: RequestOptions = {};
  await kc.applyToHTTPSOptions(tls); // the admin client certificate and the cluster CA
  const agent = new Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key });
  const create = (namespace: string, expectInjected: boolean) => async () => {
    const pod = realisticPod(namespace, { "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "app" });
    const path = `/api/v1/namespaces/${namespace}/pods?dryRun=All`;
    const { status, text } = await postJson(
      { host: server.hostname, port: server.port, path, agent },
      JSON.stringify(pod),
    );
    if (status !== 201) return false;
    const created = JSON.parse(text) as V1Pod;
    return (created.metadata?.annotations?.["kuberelay.dev/injected"] !== undefined) === expectInjected;
  };
  const withWebhook = create(APP_NS, true);
  // The webhook's namespaceSelector leaves its own namespace out: the API server never calls it there.
  const baseline = create(SYSTEM_NAMESPACE, false);
  const targets = [withWebhook, baseline];
  try {
    await openLoop({ ratePerSecond: RATE, durationMs: 2000, targets }); // warm-up
    const [w, b] = await openLoop({ ratePerSecond: RATE, durationMs: DURATION_MS, targets });
    return [summarise(w?.latencies ?? [], w?.errors ?? 0), summarise(b?.latencies ?? [], b?.errors ?? 0)];
  } finally {
    agent.destroy();
  }
}

async function main(): Promise<void> {
  const stack = await startStack({ gateways: 1 });
  try {
    await prepare(stack);
    const [direct, annotated, labelled, server] = await benchWebhookDirect(stack);
    const [withWebhook, baseline] = await benchPodCreation(stack);
    const seconds = DURATION_MS / 1000;
    console.log(
      `\nwebhook admission latency — ${RATE} AdmissionReviews/s for ${seconds} s over HTTPS, Node ${process.version}`,
    );
    console.log(header);
    console.log(row("all reviews", direct));
    console.log(row("  by annotation (RelayKey lookup)", annotated));
    console.log(row("  by namespace label (+ Namespace)", labelled));
    console.log(`the webhook's own histogram: ${server}`);
    console.log(
      `\npod creation through kube-apiserver (dryRun=All) — ${RATE} creates/s each for ${seconds} s`,
    );
    console.log(header);
    console.log(row("with the webhook (injected)", withWebhook));
    console.log(row("baseline (webhook not called)", baseline));
    console.log(
      `added: p50 ${(withWebhook.p50 - baseline.p50).toFixed(2)} ms, p99 ${(withWebhook.p99 - baseline.p99).toFixed(2)} ms`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
