/**
 * The config follows the cluster without restarts: a changed provider Secret reaches the
 * gateways through a watch (not the 30 s resync), and every watch resumes after the API
 * server restarts, while gateways keep serving the last good config through the outage.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatStatus } from "./harness/chat-status.js";
import { issuedRelayKey } from "./harness/issued-relay-key.js";
import { type Stack, startStack } from "./harness/kuberelay-stack.js";
import { applyQuickstart } from "./harness/quickstart-manifests.js";

const NS = "team-resilience";
let stack: Stack;
let key = "";

/** Milliseconds until every gateway answers `want`. */
async function untilEveryGateway(
  want: (status: number) => boolean,
  apiKey: string,
  timeoutMs = 30_000,
): Promise<number> {
  const started = Date.now();
  for (const gw of stack.gateways) {
    while (!want(await chatStatus(gw.url, apiKey))) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`${gw.url} did not change within ${timeoutMs} ms`);
      await sleep(50);
    }
  }
  return Date.now() - started;
}

const providerSecretYaml = (value: string) => `apiVersion: v1
kind: Secret
metadata:
  name: openai-credentials
  namespace: ${NS}
stringData:
  apiKey: ${value}
`;

beforeAll(async () => {
  // A leader that cannot renew its Lease exits (Kubernetes restarts it); the restart below
  // takes several seconds, so the Lease here outlasts it and the same process must resume.
  stack = await startStack({
    gateways: 2,
    operatorArgs: ["--lease-duration", "60s", "--renew-deadline", "45s", "--retry-period", "2s"],
  });
  await applyQuickstart(stack, NS);
  key = await issuedRelayKey(stack, NS, "app", "app-relay-key");
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("operator resilience", () => {
  it("a changed provider Secret reaches every gateway without a restart, well inside the resync", async () => {
    expect(await untilEveryGateway((s) => s === 200, key)).toBeLessThan(30_000);
    // A credential the upstream does not accept: the gateways must start sending it.
    await stack.cp.kubectl(["apply", "-f", "-"], providerSecretYaml("sk-mock-rotated-but-wrong"));
    const broke = await untilEveryGateway((s) => s !== 200, key);
    await stack.cp.kubectl(["apply", "-f", "-"], providerSecretYaml(stack.providerSecret));
    const healed = await untilEveryGateway((s) => s === 200, key);
    console.log(`provider Secret change reached both gateways in ${broke} ms, and back in ${healed} ms`);
    // The resync is 30 s: anything much faster came through the Secret watch.
    expect(broke).toBeLessThan(15_000);
    expect(healed).toBeLessThan(15_000);
    const upstream = stack.mock.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(upstream.some((r) => r.headers.authorization === "Bearer sk-mock-rotated-but-wrong")).toBe(true);
    for (const proc of stack.processes()) expect(proc.output()).not.toContain("sk-mock-rotated-but-wrong");
  }, 90_000);

  it("gateways keep serving while the API server is down, and every watch resumes after it returns", async () => {
    const outage = (async () => stack.cp.restartApiserver(1000))();
    // While the API server is away the gateways answer from their last good config.
    await sleep(1500);
    for (const gw of stack.gateways) expect(await chatStatus(gw.url, key)).toBe(200);
    await outage;

    // New objects after the restart: the operator's and the gateways' watches must have resumed.
    await stack.cp.kubectl(
      ["apply", "-f", "-"],
      `apiVersion: kuberelay.dev/v1alpha1
kind: RelayKey
metadata:
  name: after-restart
  namespace: ${NS}
spec:
  policyRef:
    name: default
  secretName: after-restart-relay-key
`,
    );
    const fresh = await issuedRelayKey(stack, NS, "after-restart", "after-restart-relay-key");
    await stack.cp.kubectl(["delete", "relaykey", "-n", NS, "after-restart"]);
    const revoked = await untilEveryGateway((s) => s === 401, fresh);
    console.log(`after the API server restart, revocation reached both gateways in ${revoked} ms`);
    for (const gw of stack.gateways) expect(await chatStatus(gw.url, key)).toBe(200);
    const resumed = stack.operator.lines.filter((l) => l.msg === "watch failed; restarting");
    expect(resumed.length).toBeGreaterThan(0);
    expect(stack.operator.lines.some((l) => l.msg === "stopped leading")).toBe(false);
  }, 120_000);
});
