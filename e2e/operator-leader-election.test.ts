/**
 * Two operators on a real kube-apiserver: one leads on the Lease, the other stands by warm;
 * SIGKILL the leader and the standby takes over within the lease duration, without ever
 * rewriting what the first one wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitRelayKeyReady } from "./harness/issued-relay-key.js";
import type { KuberelayProcess, LogLine } from "./harness/kuberelay-process.js";
import { type Stack, SYSTEM_NAMESPACE, startStack } from "./harness/kuberelay-stack.js";
import { quickstartManifests } from "./harness/quickstart-manifests.js";

const NS = "team-le";
const SA = `system:serviceaccount:${SYSTEM_NAMESPACE}:kuberelay-operator`;
let stack: Stack;
let leader: KuberelayProcess;
let standby: KuberelayProcess;
let killed: KuberelayProcess | undefined;
let firstKey = "";
let firstSecretVersion = "";

const isLeading = (l: LogLine) => l.msg === "leading";

/** The generated RBAC (common/rbac/rules.ts) must let the operator hold its Lease. */
async function expectLeaseRbac(): Promise<void> {
  const { stdout } = await stack.cp.kubectl([
    "auth",
    "can-i",
    "update",
    "leases.coordination.k8s.io",
    "-n",
    SYSTEM_NAMESPACE,
    "--as",
    SA,
  ]);
  expect(stdout.trim()).toBe("yes");
}

async function kubectlJson(args: string[]): Promise<Record<string, unknown> & { [k: string]: unknown }> {
  return JSON.parse((await stack.cp.kubectl([...args, "-o", "json"])).stdout);
}

async function applyRelayKey(name: string): Promise<void> {
  const manifests = quickstartManifests({
    namespace: NS,
    upstreamURL: `${stack.mock.url}/v1`,
    providerSecret: stack.providerSecret,
    relayKey: name,
  });
  await stack.cp.kubectl(["apply", "-f", "-"], manifests);
  await waitRelayKeyReady(stack, NS, name);
}

async function secretState(name: string): Promise<{ key: string; resourceVersion: string }> {
  const secret = (await kubectlJson(["get", "-n", NS, "secret", name])) as {
    data?: { key?: string };
    metadata?: { resourceVersion?: string };
  };
  return {
    key: Buffer.from(secret.data?.key ?? "", "base64").toString("utf8"),
    resourceVersion: secret.metadata?.resourceVersion ?? "",
  };
}

beforeAll(async () => {
  stack = await startStack({ operators: 2, gateways: 1 });
  await expectLeaseRbac();
}, 240_000);

afterAll(async () => {
  const alive = stack ? stack.processes().filter((p) => p !== killed) : [];
  const exitCodes = await Promise.all(alive.map((p) => p.stop()));
  await stack?.stop();
  expect(exitCodes.every((c) => c === 0)).toBe(true);
});

describe("operator leader election", () => {
  it("exactly one of two operators leads", async () => {
    const [a, b] = stack.operators;
    if (!a || !b) throw new Error("two operators expected");
    const first = await Promise.any([a, b].map((p) => p.waitForLine(isLeading, 30_000).then(() => p)));
    // Give the other a few retry periods to (wrongly) lead too.
    await new Promise((r) => setTimeout(r, 5_000));
    expect([a, b].filter((p) => p.lines.some(isLeading))).toEqual([first]);
    leader = first;
    standby = first === a ? b : a;
  });

  it("the leader makes a RelayKey Ready and records KeyIssued", async () => {
    await applyRelayKey("first");
    const state = await secretState("first-relay-key");
    firstKey = state.key;
    firstSecretVersion = state.resourceVersion;
    expect(firstKey).toMatch(/^krk_/);

    const events = (await kubectlJson(["get", "events.events.k8s.io", "-n", NS])) as {
      items: Array<{
        reason?: string;
        reportingController?: string;
        regarding?: { name?: string; kind?: string };
      }>;
    };
    const issued = events.items.filter((e) => e.reason === "KeyIssued" && e.regarding?.name === "first");
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      reportingController: "kuberelay.dev/operator",
      regarding: { kind: "RelayKey" },
    });
    expect(JSON.stringify(events)).not.toContain(firstKey);
  });

  it("a SIGKILLed leader is replaced within the lease duration", async () => {
    const killedAt = Date.now();
    process.kill(leader.pid, "SIGKILL");
    killed = leader;
    const line = await standby.waitForLine(isLeading, 20_000);
    const takeoverMs = Date.parse(String(line.time)) - killedAt;
    console.log(`leader takeover after SIGKILL: ${takeoverMs} ms`);
    // The lease lapses 15 s after the dead leader's last renewal, which preceded the kill.
    expect(takeoverMs).toBeLessThan(16_000);

    const lease = (await kubectlJson(["get", "lease", "-n", SYSTEM_NAMESPACE, "kuberelay-operator"])) as {
      spec?: { holderIdentity?: string; leaseTransitions?: number };
    };
    expect(lease.spec?.holderIdentity).toBe(line.identity);
    expect(lease.spec?.leaseTransitions).toBeGreaterThanOrEqual(1);
  });

  it("the new leader serves new RelayKeys and never rewrites the old one's Secret", async () => {
    await applyRelayKey("second");
    expect((await secretState("second-relay-key")).key).toMatch(/^krk_/);
    expect(await secretState("first-relay-key")).toEqual({
      key: firstKey,
      resourceVersion: firstSecretVersion,
    });

    // No two writers: the standby wrote nothing before it led.
    const leadAt = standby.lines.findIndex(isLeading);
    const writes = standby.lines
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => l.msg === "relay key issued" || l.msg === "gateway config written");
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every(({ i }) => i > leadAt)).toBe(true);
    for (const p of stack.processes()) expect(p.output()).not.toContain(firstKey);
  });
});
