/**
 * Limits hold across gateway replicas: three gateways share counters in the real Redis, so a
 * 60 requests/minute Policy admits 60 (± 2) of 90 requests spread over all three. A gateway
 * whose Redis is unreachable keeps serving (fail open) and says so in a metric.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuedRelayKey, waitForKeyOnGateway } from "./harness/issued-relay-key.js";
import { type GatewayHandle, type Stack, startStack } from "./harness/kuberelay-stack.js";

const NS = `limits-${randomBytes(4).toString("hex")}`;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let stack: Stack;
let relayKey = "";

const manifests = (upstream: string, secret: string) => `apiVersion: v1
kind: Namespace
metadata: { name: ${NS} }
---
apiVersion: v1
kind: Secret
metadata: { name: upstream, namespace: ${NS} }
stringData: { apiKey: "${secret}" }
---
apiVersion: kuberelay.dev/v1alpha1
kind: ProviderKey
metadata: { name: mock, namespace: ${NS} }
spec:
  provider: openai-compatible
  baseURL: ${upstream}/v1
  allowPrivateNetwork: true
  credentials: { secretKeyRef: { name: upstream, key: apiKey } }
---
apiVersion: kuberelay.dev/v1alpha1
kind: Policy
metadata: { name: limited, namespace: ${NS} }
spec:
  routes: [{ model: gpt-4o-mini, targets: [{ providerKeyRef: { name: mock } }] }]
  limits: { requestsPerMinute: 60 }
---
apiVersion: kuberelay.dev/v1alpha1
kind: RelayKey
metadata: { name: caller, namespace: ${NS} }
spec:
  policyRef: { name: limited }
  secretName: caller-key
`;

async function chat(gw: GatewayHandle): Promise<Response> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${relayKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
  });
  await res.arrayBuffer();
  return res;
}

beforeAll(async () => {
  stack = await startStack({ gateways: 3, gatewayEnv: { REDIS_URL } });
  await stack.cp.kubectl(["apply", "-f", "-"], manifests(stack.mock.url, stack.providerSecret));
  relayKey = await issuedRelayKey(stack, NS, "caller", "caller-key");
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("limits across replicas", () => {
  it("a 60 RPM limit admits 60 ± 2 of 90 requests spread over three gateways", async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 90; i++) {
      const gw = stack.gateways[i % 3] as GatewayHandle;
      const res = await chat(gw);
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
      await new Promise((r) => setTimeout(r, 50));
    }
    const admitted = statuses.filter((s) => s === 200).length;
    console.log(`admitted ${admitted} of 90 at 60 requests/minute across 3 gateways`);
    expect(admitted).toBeGreaterThanOrEqual(58);
    expect(admitted).toBeLessThanOrEqual(62);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused?.headers.get("x-ratelimit-limit-requests")).toBe("60");
    expect(refused?.headers.get("x-ratelimit-remaining-requests")).toBe("0");
  });

  it("keeps serving when Redis is unreachable, and reports it in a metric", async () => {
    const lonely = await stack.addGateway({ REDIS_URL: "redis://127.0.0.1:1" });
    await waitForKeyOnGateway(lonely, relayKey);
    // Fail open: this gateway cannot see the shared counters, so it admits.
    expect((await chat(lonely)).status).toBe(200);
    const metrics = await (await fetch(`${lonely.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^kuberelay_gateway_limit_store_up 0$/m);
    expect(metrics).toMatch(/^kuberelay_gateway_limit_store_errors_total [1-9]/m);
    expect(metrics).not.toContain(NS);
  });
});
