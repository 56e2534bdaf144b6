/**
 * `npm run bench`: revocation latency. The whole stack on a real control plane with 3 gateway
 * processes; N RelayKeys are issued, then deleted one at a time. Each sample is the time from
 * the API delete call to a 401 at every one of the 3 gateways (the slowest one), polled every
 * few milliseconds. Prints percentiles; asserts nothing.
 */
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { GROUP, VERSION } from "../../common/names.js";
import { issuedRelayKey } from "../harness/issued-relay-key.js";
import { type GatewayHandle, startStack } from "../harness/kuberelay-stack.js";
import { applyQuickstart } from "../harness/quickstart-manifests.js";
import { summarise } from "./latency-stats.js";

const KEYS = Number(process.env.BENCH_REVOCATIONS ?? 30);
const GATEWAYS = 3;
const POLL_MS = 5;
const NS = "bench-revoke";

/** Resolves with the ms from `start` to the first 401 this gateway gives the key. */
async function refusedAfter(gw: GatewayHandle, key: string, start: number): Promise<number> {
  const deadline = start + 30_000;
  while (performance.now() < deadline) {
    const res = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    if (res.status === 401) return performance.now() - start;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`${gw.url} still accepted a deleted key after 30 s`);
}

const relayKeyManifest = (name: string) =>
  JSON.stringify({
    apiVersion: `${GROUP}/${VERSION}`,
    kind: "RelayKey",
    metadata: { name, namespace: NS },
    spec: { policyRef: { name: "default" }, secretName: `${name}-relay-key` },
  });

async function main(): Promise<void> {
  const stack = await startStack({ gateways: GATEWAYS });
  try {
    await applyQuickstart(stack, NS);
    const names = Array.from({ length: KEYS }, (_, i) => `bench-${i}`);
    await stack.cp.kubectl(["apply", "-f", "-"], names.map(relayKeyManifest).join("\n---\n"));
    const keys = new Map<string, string>();
    for (const name of names) keys.set(name, await issuedRelayKey(stack, NS, name, `${name}-relay-key`));

    const kc = new KubeConfig();
    kc.loadFromFile(stack.cp.kubeconfigPath);
    const api = kc.makeApiClient(CustomObjectsApi);
    const worst: number[] = [];
    const perGateway: number[] = [];
    for (const [name, key] of keys) {
      const start = performance.now();
      const refusals = Promise.all(stack.gateways.map((gw) => refusedAfter(gw, key, start)));
      await api.deleteNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: "relaykeys",
        name,
      });
      const latencies = await refusals;
      perGateway.push(...latencies);
      worst.push(Math.max(...latencies));
    }
    const fmt = (n: number) => n.toFixed(0).padStart(7);
    const row = (label: string, values: number[]) => {
      const s = summarise(values, 0);
      return `${label.padEnd(34)}${String(s.count).padStart(5)}${fmt(s.p50)}${fmt(s.p90)}${fmt(s.p99)}${fmt(s.max)}`;
    };
    console.log(
      `\nrevocation latency — API delete of a RelayKey to 401 at ${GATEWAYS} gateways, ${KEYS} keys deleted one at a time, polled every ${POLL_MS} ms, Node ${process.version}`,
    );
    console.log(
      `${"".padEnd(34)}${"n".padStart(5)}${"p50 ms".padStart(7)}${"p90 ms".padStart(7)}${"p99 ms".padStart(7)}${"max ms".padStart(7)}`,
    );
    console.log(row("all 3 gateways refuse (slowest)", worst));
    console.log(row("each gateway refuses", perGateway));
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
