/**
 * Limits hold across gateway replicas: three gateways share counters in the real Redis, so a
 * 60 requests/minute Policy admits 60 (± 2) of 90 requests spread over all three, and a budget
 * worth five requests admits five of 50 sent at once. A gateway whose Redis is unreachable keeps
 * serving (fail open) and says so in a metric.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuedRelayKey, waitForKeyOnGateway } from "./harness/issued-relay-key.js";
import { type GatewayHandle, type Stack, startStack } from "./harness/kuberelay-stack.js";
import { waitFor } from "./harness/wait-for.js";

const NS = `limits-${randomBytes(4).toString("hex")}`;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let stack: Stack;
let relayKey = "";
let spenderKey = "";

/** The spender's request; the ProviderKey prices it at $1 per thousand tokens, in and out. */
const SPEND_BODY = JSON.stringify({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "x" }],
  stream: true,
});
const OUTPUT_CAP = 1000;
/** What the gateway reserves per request: every body byte an input token, plus the output cap. */
const RESERVE_USD = ((Buffer.byteLength(SPEND_BODY) + OUTPUT_CAP) * 1000) / 1e6;

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
  pricing: { gpt-4o-mini: { inputPerMillionTokens: 1000, outputPerMillionTokens: 1000 } }
---
apiVersion: kuberelay.dev/v1alpha1
kind: Policy
metadata: { name: budgeted, namespace: ${NS} }
spec:
  routes: [{ model: gpt-4o-mini, targets: [{ providerKeyRef: { name: mock } }] }]
  limits: { maxOutputTokens: ${OUTPUT_CAP} }
  budget: { usdPerDay: ${(RESERVE_USD * 5.5).toFixed(6)} }
---
apiVersion: kuberelay.dev/v1alpha1
kind: RelayKey
metadata: { name: spender, namespace: ${NS} }
spec:
  policyRef: { name: budgeted }
  secretName: spender-key
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
  // Slow streams (the plain answers of the RPM test are not slowed): the budget's five requests
  // are still in flight, holding their reservations, when the other 45 arrive.
  stack = await startStack({
    gateways: 3,
    gatewayEnv: { REDIS_URL },
    mock: { chunkDelayMs: 400 },
    // What the chart tells the operator for three gateways on a shared Redis.
    operatorArgs: ["--gateway-shared-limits=true", "--gateway-replicas=3"],
  });
  await stack.cp.kubectl(["apply", "-f", "-"], manifests(stack.mock.url, stack.providerSecret));
  relayKey = await issuedRelayKey(stack, NS, "caller", "caller-key");
  spenderKey = await issuedRelayKey(stack, NS, "spender", "spender-key");
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

  it("issue 13: the budgeted Policy says its budget is counted once for all replicas; the RPM-only one too", async () => {
    const conditionOf = async (name: string) => {
      const out = await stack.cp.kubectl(["get", "policy", "-n", NS, name, "-o", "json"]);
      const policy = JSON.parse(out.stdout) as {
        status?: { conditions?: { type: string; status: string; reason: string }[] };
      };
      return policy.status?.conditions?.find((c) => c.type === "LimitsShared");
    };
    for (const name of ["budgeted", "limited"]) {
      const shared = await waitFor(`Policy ${name} LimitsShared`, () => conditionOf(name));
      expect(shared).toMatchObject({ status: "True", reason: "SharedStore" });
    }
  });

  it("a budget worth 5 requests admits 5 of 50 sent at once across three gateways", async () => {
    for (const gw of stack.gateways) await waitForKeyOnGateway(gw, spenderKey);
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const gw = stack.gateways[i % 3] as GatewayHandle;
        const res = await fetch(`${gw.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${spenderKey}`, "content-type": "application/json" },
          body: SPEND_BODY,
        });
        const text = await res.text();
        return { status: res.status, retryAfter: res.headers.get("retry-after"), text };
      }),
    );
    const admitted = answers.filter((a) => a.status === 200);
    console.log(
      `budget of ${(RESERVE_USD * 5.5).toFixed(4)} USD, ${RESERVE_USD.toFixed(4)} reserved each: admitted ${admitted.length} of 50`,
    );
    expect(admitted).toHaveLength(5);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.every((a) => a.status === 429)).toBe(true);
    // Held by requests in flight, or spent by those that already ended: never admitted past the budget.
    expect(refused.every((a) => /budget/.test(a.text))).toBe(true);
  });

  it("keeps serving when Redis is unreachable, and reports it in a metric", async () => {
    const lonely = await stack.addGateway({ REDIS_URL: "redis://127.0.0.1:1" });
    await waitForKeyOnGateway(lonely, relayKey);
    // Fail open: this gateway cannot see the shared counters, so it admits.
    expect((await chat(lonely)).status).toBe(200);
    const metrics = await (await fetch(`${lonely.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^kuberelay_gateway_limit_store_up 0$/m);
    expect(metrics).toMatch(/^kuberelay_gateway_limit_store_errors_total [1-9]/m);
    // The limit store's metrics name no scope (a key or Policy id): their labels stay bounded.
    // (The per-namespace usage metrics carry the tenant namespace on purpose.)
    const limiterLines = metrics.split("\n").filter((l) => l.startsWith("kuberelay_gateway_limit"));
    expect(limiterLines.length).toBeGreaterThan(0);
    expect(limiterLines.join("\n")).not.toContain(NS);
  });
});
