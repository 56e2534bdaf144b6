/**
 * Issue 15: a gateway process started with KUBERELAY_METRICS_TOKEN, as the chart starts it from
 * a Secret: /metrics asks for the token, the kubelet's probes do not, and the token appears
 * nowhere in what the process prints. A streamed request through it shows in the OTel GenAI
 * histograms with the convention's labels. (The operator's and the webhook's ops ports share the same
 * ops app; common/process/metrics-token.test.ts covers all three in-process.)
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KuberelayProcess, startKuberelay } from "./harness/kuberelay-process.js";
import { standaloneConfig } from "./harness/standalone-config.js";
import { type MockProvider, startMockProvider } from "./mock-provider/server.js";

const dir = mkdtempSync(join(tmpdir(), "kuberelay-metrics-token-"));
const token = randomBytes(32).toString("hex");
const providerKey = `sk-${randomBytes(24).toString("hex")}`;
const relayKey = `krk_${randomBytes(32).toString("base64url")}`;
let mock: MockProvider;
let gateway: KuberelayProcess;
let api = "";
let ops = "";

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: providerKey, chunkDelayMs: 5 });
  standaloneConfig(join(dir, "config"), { upstreamURL: `${mock.url}/v1`, providerKey, relayKey });
  gateway = startKuberelay(
    "gateway",
    ["gateway", "--config-dir", join(dir, "config"), "--host", "127.0.0.1", "--port", "0"].concat([
      "--metrics-port",
      "0",
      "--no-ledger",
    ]),
    // A trailing newline, as a Secret written from a file often has.
    { KUBERELAY_METRICS_TOKEN: `${token}\n` },
    join(dir, "gateway.log"),
  );
  const line = await gateway.waitForLine((l) => l.msg === "listening");
  api = `http://127.0.0.1:${String(line.port)}`;
  ops = `http://127.0.0.1:${String(line.metricsPort)}`;
});

afterAll(async () => {
  await gateway?.stop();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("metrics token on a running gateway", () => {
  it("issue 15: a streamed request shows in the OTel GenAI histograms, labelled by the convention", async () => {
    const res = await fetch(`${api}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${relayKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "hello" }],
      }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const text = await (
      await fetch(`${ops}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    const labels =
      'gen_ai_operation_name="chat",gen_ai_provider_name="openai_compatible",gen_ai_request_model="gpt-4o-mini"';
    expect(text).toContain(`gen_ai_server_request_duration_seconds_count{${labels}} 1`);
    expect(text).toContain(`gen_ai_server_time_to_first_token_seconds_count{${labels}} 1`);
    expect(text).toMatch(
      new RegExp(`gen_ai_client_token_usage_sum\\{${labels},gen_ai_token_type="output"\\} [1-9]`),
    );
    expect(text).toContain(
      'kuberelay_gateway_namespace_requests_total{policy_namespace="bench",code_class="2xx"} 1',
    );
  });

  it("issue 15: 401 without the token, 200 with it; /healthz and /readyz stay open; the token is never printed", async () => {
    expect((await fetch(`${ops}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${ops}/metrics`, { headers: { authorization: "Bearer nope-nope-nope-nope" } })).status,
    ).toBe(401);
    const res = await fetch(`${ops}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("gen_ai_server_request_duration_seconds");
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    expect((await fetch(`${ops}/readyz`)).status).toBe(200);
    await gateway.stop();
    expect(gateway.output()).not.toContain(token);
    expect(gateway.output()).not.toContain(token.slice(0, 16));
  });
});
