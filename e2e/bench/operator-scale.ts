/**
 * `npm run bench:scale`: 10,000 RelayKeys across 100 namespaces on a real control plane.
 * The objects exist before the operator starts, so the figures are a cold start: time to all
 * Ready, the operator's memory, the compiled config's size, and a gateway's load time and
 * memory with that config, then one reload after a single change.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { CoreV1Api, CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { forEachLimit } from "../../common/for-each-limit.js";
import { GROUP, VERSION } from "../../common/names.js";
import type { ControlPlane } from "../harness/control-plane.js";
import type { LogLine } from "../harness/kuberelay-process.js";
import { startStack } from "../harness/kuberelay-stack.js";

const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 100);
const KEYS_PER_NAMESPACE = Number(process.env.BENCH_KEYS_PER_NAMESPACE ?? 100);
const TOTAL = NAMESPACES * KEYS_PER_NAMESPACE;
const CONCURRENCY = 16;

const rssMiB = (pid: number, field: "VmRSS" | "VmHWM" = "VmRSS") => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

const teamNamespace = (i: number) => `team-${String(i).padStart(3, "0")}`;

async function preload(cp: ControlPlane, upstreamURL: string): Promise<number> {
  const started = Date.now();
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const create = (namespace: string, plural: string, body: object) =>
    custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, body });
  await core.createNamespace({ body: { metadata: { name: "platform" } } });
  await core.createNamespacedSecret({
    namespace: "platform",
    body: { metadata: { name: "openai" }, stringData: { apiKey: "sk-bench-scale" } },
  });
  await create("platform", "providerkeys", {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: "ProviderKey",
    metadata: { name: "openai" },
    spec: {
      provider: "openai-compatible",
      baseURL: upstreamURL,
      allowPrivateNetwork: true,
      credentials: { secretKeyRef: { name: "openai", key: "apiKey" } },
      allowedNamespaces: { matchLabels: { "kuberelay.dev/bench": "true" } },
    },
  });
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => teamNamespace(i));
  await forEachLimit(namespaces, CONCURRENCY, async (ns) => {
    await core.createNamespace({
      body: { metadata: { name: ns, labels: { "kuberelay.dev/bench": "true" } } },
    });
    await create(ns, "policies", {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: "Policy",
      metadata: { name: "default" },
      spec: {
        routes: [
          { model: "gpt-4o-mini", targets: [{ providerKeyRef: { name: "openai", namespace: "platform" } }] },
        ],
        limits: { requestsPerMinute: 600 },
      },
    });
  });
  const keys = namespaces.flatMap((ns) =>
    Array.from({ length: KEYS_PER_NAMESPACE }, (_, i) => ({ ns, name: `rk-${String(i).padStart(3, "0")}` })),
  );
  await forEachLimit(keys, CONCURRENCY, ({ ns, name }) =>
    create(ns, "relaykeys", {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: "RelayKey",
      metadata: { name },
      spec: { policyRef: { name: "default" }, secretName: `${name}-relay-key` },
    }),
  );
  return Date.now() - started;
}

async function countReady(custom: CustomObjectsApi): Promise<number> {
  const list = (await custom.listClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: "relaykeys",
  })) as {
    items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
  };
  return list.items.filter((rk) =>
    rk.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
  ).length;
}

/** The operator's V8 heap from its own metrics: what the JS objects take, apart from RSS. */
async function operatorHeap(opsUrl: string): Promise<{ used: string; total: string }> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const mib = (name: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    return line ? (Number(line.split(" ")[1]) / 2 ** 20).toFixed(0) : "?";
  };
  return { used: mib("nodejs_heap_size_used_bytes"), total: mib("nodejs_heap_size_total_bytes") };
}

async function main(): Promise<void> {
  let preloadMs = 0;
  const snapshotDir = process.env.BENCH_OPERATOR_HEAP_SNAPSHOT_DIR;
  // e.g. --max-old-space-size=160 to see whether the operator fits a container memory limit.
  const nodeOptions = [
    process.env.BENCH_OPERATOR_NODE_OPTIONS ?? "",
    // A heap snapshot on SIGUSR2, to see what the operator's memory is made of.
    snapshotDir ? `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}` : "",
  ]
    .join(" ")
    .trim();
  const stack = await startStack({
    gateways: 1,
    step: (m) => console.log(`# ${m}`),
    ...(nodeOptions ? { operatorEnv: { NODE_OPTIONS: nodeOptions } } : {}),
    beforeOperator: async (cp) => {
      console.log(`# creating ${TOTAL} RelayKeys in ${NAMESPACES} namespaces (before the operator starts)`);
      // The mock's URL is only known once the stack is up; the ProviderKey names a fixed one.
      preloadMs = await preload(cp, "http://127.0.0.1:9/v1");
      console.log(`# created in ${(preloadMs / 1000).toFixed(1)} s`);
    },
  });
  const operatorStarted = Date.now();
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(stack.cp.kubeconfigPath);
    const custom = kc.makeApiClient(CustomObjectsApi);
    let peakOperatorRss = 0;
    let ready = 0;
    let configWrittenMs: number | undefined;
    const isFullConfig = (l: LogLine) => l.msg === "gateway config written" && l.keys === TOTAL;
    while (ready < TOTAL) {
      peakOperatorRss = Math.max(peakOperatorRss, rssMiB(stack.operator.pid));
      if (configWrittenMs === undefined && stack.operator.lines.some(isFullConfig)) {
        configWrittenMs = Date.now() - operatorStarted;
      }
      ready = await countReady(custom);
      console.log(`# ${((Date.now() - operatorStarted) / 1000).toFixed(1)} s: ${ready}/${TOTAL} Ready`);
      if (Date.now() - operatorStarted > 30 * 60_000) throw new Error("not all Ready within 30 minutes");
      if (ready < TOTAL) await sleep(3000);
    }
    const allReadyMs = Date.now() - operatorStarted;
    const heap = await operatorHeap(stack.operatorOpsUrls[0] ?? "");
    if (snapshotDir) {
      process.kill(stack.operator.pid, "SIGUSR2");
      console.log(`# heap snapshot requested into ${snapshotDir}`);
      await sleep(30_000);
    }
    const gateway = stack.gateways[0];
    if (!gateway) throw new Error("no gateway");
    const full = await gateway.proc.waitForLine(
      (l) => l.msg === "config applied" && l.keys === TOTAL,
      120_000,
    );

    // One change to a 10k-key config: how fast does it reach a gateway, and what does a reload cost?
    const changed = Date.now();
    await custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: teamNamespace(0),
      plural: "relaykeys",
      name: "rk-000",
    });
    const reload = await gateway.proc.waitForLine(
      (l) => l.msg === "config applied" && l.keys === TOTAL - 1,
      120_000,
    );
    const reloadSeenMs = Date.now() - changed;

    const rows: Array<[string, string]> = [
      ["RelayKeys / namespaces", `${TOTAL} / ${NAMESPACES}`],
      ["objects created before the operator", `${(preloadMs / 1000).toFixed(1)} s`],
      [
        "cold start → config with every key written",
        `${((configWrittenMs ?? Number.NaN) / 1000).toFixed(1)} s`,
      ],
      ["cold start → all RelayKeys Ready", `${(allReadyMs / 1000).toFixed(1)} s`],
      [
        "operator RSS peak (sampled) / now",
        `${peakOperatorRss.toFixed(0)} / ${rssMiB(stack.operator.pid).toFixed(0)} MiB`,
      ],
      ["operator VmHWM", `${rssMiB(stack.operator.pid, "VmHWM").toFixed(0)} MiB`],
      ["operator V8 heap used / total (all Ready)", `${heap.used} / ${heap.total} MiB`],
      ["compiled config (gzip JSON)", `${(Number(full.bytes) / 1024).toFixed(0)} KiB`],
      ["gateway load of the full config", `${full.loadMs} ms`],
      ["gateway RSS with it", `${rssMiB(gateway.proc.pid).toFixed(0)} MiB`],
      ["one RelayKey deleted → gateway applied", `${reloadSeenMs} ms (load ${reload.loadMs} ms)`],
    ];
    for (const [what, figure] of rows) console.log(`${what.padEnd(46)}${figure}`);
  } finally {
    if (process.env.BENCH_OPERATOR_LOG) {
      writeFileSync(
        process.env.BENCH_OPERATOR_LOG,
        stack.operator.lines.map((l) => JSON.stringify(l)).join("\n"),
      );
    }
    await stack.stop();
  }
}

await main();
