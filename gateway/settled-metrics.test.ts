import { describe, expect, it } from "vitest";
import type { CompiledPolicy } from "../common/config/gateway-config.js";
import { OTHER_MODEL } from "./genai-metrics.js";
import { createGatewayMetrics } from "./metrics.js";
import { recordSettled, showGeneration } from "./settled-metrics.js";
import type { Snapshot } from "./snapshot.js";

const policy: CompiledPolicy = {
  routes: [
    { model: "gpt-4o", targets: [{ provider: "ns/openai", weight: 1 }] },
    { model: "claude-*", targets: [{ provider: "ns/anthropic", weight: 1 }] },
  ],
};
const snapshot: Snapshot = {
  generation: "42",
  keys: new Map(),
  policies: new Map([["team-a/default", policy]]),
  providers: new Map(),
};

const settled = (fields: Record<string, unknown>, status = 200) => ({
  fields: { policy: "team-a/default", operation: "chat", stream: true, firstByteMs: 120, ...fields },
  provider: "openai" as const,
  status,
  seconds: 1.5,
  usage: { inputTokens: 10, outputTokens: 20 },
  costUsd: 0.25,
});

describe("GenAI and per-namespace metrics", () => {
  it("issue 15: records the OTel GenAI histograms with the convention's labels", async () => {
    const metrics = createGatewayMetrics();
    recordSettled(metrics.genAi, snapshot, settled({ model: "gpt-4o" }));
    const text = await metrics.registry.metrics();
    const labels = 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o"';
    expect(text).toContain(`gen_ai_client_token_usage_sum{${labels},gen_ai_token_type="input"} 10`);
    expect(text).toContain(`gen_ai_client_token_usage_sum{${labels},gen_ai_token_type="output"} 20`);
    expect(text).toContain(`gen_ai_server_request_duration_seconds_sum{${labels}} 1.5`);
    expect(text).toContain(`gen_ai_server_time_to_first_token_seconds_sum{${labels}} 0.12`);
    expect(text).toContain('kuberelay_gateway_namespace_cost_usd_total{policy_namespace="team-a"} 0.25');
    expect(text).toContain(
      'kuberelay_gateway_namespace_tokens_total{policy_namespace="team-a",direction="output"} 20',
    );
    expect(text).toContain(
      'kuberelay_gateway_namespace_requests_total{policy_namespace="team-a",code_class="2xx"} 1',
    );
  });

  it("issue 15: a model no Policy names exactly is _OTHER, so a caller cannot mint series", async () => {
    const metrics = createGatewayMetrics();
    for (const model of ["claude-3-5-sonnet", "anything-at-all", "gpt-4o\u0000x"]) {
      recordSettled(metrics.genAi, snapshot, settled({ model }));
    }
    const text = await metrics.registry.metrics();
    expect(text).toContain(`gen_ai_request_model="${OTHER_MODEL}"`);
    expect(text).not.toMatch(/gen_ai_request_model="(claude|anything)/);
  });

  it("issue 15: errors carry error_type; no time to first token for them, nor without a provider", async () => {
    const metrics = createGatewayMetrics();
    recordSettled(metrics.genAi, snapshot, settled({ model: "gpt-4o" }, 503));
    recordSettled(metrics.genAi, snapshot, { ...settled({ model: "gpt-4o" }, 429), provider: undefined });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/gen_ai_server_request_duration_seconds_count\{[^}]*error_type="503"\} 1/);
    expect(text).not.toContain('error_type="429"');
    expect(text).not.toMatch(/gen_ai_server_time_to_first_token_seconds_count\{/);
    // The refused request still counts for its namespace.
    expect(text).toContain(
      'kuberelay_gateway_namespace_requests_total{policy_namespace="team-a",code_class="4xx"} 1',
    );
  });

  it("issue 15: the served generation is one series that moves with each swap; budgets follow the config", async () => {
    const metrics = createGatewayMetrics();
    const show = showGeneration(metrics.genAi);
    show(snapshot);
    const budgets = new Map([
      ["team-a/one", { ...policy, budget: { usdPerDay: 10 } }],
      ["team-a/two", { ...policy, budget: { usdPerDay: 5, usdPerMonth: 100 } }],
    ]);
    show({ ...snapshot, generation: "43", policies: budgets });
    const text = await metrics.registry.metrics();
    expect(text).toContain('kuberelay_gateway_config_generation_info{generation="43"} 1');
    expect(text).not.toContain('generation="42"');
    expect(text).toContain(
      'kuberelay_gateway_namespace_budget_usd{policy_namespace="team-a",period="day"} 15',
    );
    expect(text).toContain(
      'kuberelay_gateway_namespace_budget_usd{policy_namespace="team-a",period="month"} 100',
    );
  });
});
