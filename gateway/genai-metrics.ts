import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { CompiledPolicy } from "../common/config/gateway-config.js";
import type { ProviderName } from "../common/schemas/provider-key.js";
import type { Operation } from "./pipeline/types.js";

/**
 * The OpenTelemetry GenAI semantic conventions (semconv v1.37+, "Development" status) as
 * Prometheus histograms, beside the gateway's own metrics: dashboards built for any
 * OTel-instrumented LLM client or gateway read these. Names are the OTel→Prometheus
 * translation (dots to underscores, unit suffix `_seconds`; `{token}` is an annotation and adds
 * none). Buckets are the convention's advised boundaries.
 *
 * Labels are bounded by the config, never by the caller: `gen_ai_request_model` is the model
 * the caller asked for only when a Policy routes that exact name, else `_OTHER` (the
 * convention's own fallback value). A caller can send any string as a model, and a glob route
 * (`gpt-*`) would take them all; exact names are ones a platform team wrote down.
 */
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The model label a request gets when its model is not one a Policy names exactly. */
export const OTHER_MODEL = "_OTHER";

const genAiLabels = ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model"] as const;

export function genAiMetrics(registry: Registry) {
  return {
    tokenUsage: new Histogram({
      name: "gen_ai_client_token_usage",
      help: "OTel gen_ai.client.token.usage: tokens per request, by gen_ai_token_type (input, output).",
      labelNames: [...genAiLabels, "gen_ai_token_type"] as const,
      buckets: TOKEN_BUCKETS,
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: "gen_ai_server_request_duration_seconds",
      help: "OTel gen_ai.server.request.duration: time to the last byte of a request a provider answered; error_type is the HTTP status when 400 or above.",
      labelNames: [...genAiLabels, "error_type"] as const,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    timeToFirstToken: new Histogram({
      name: "gen_ai_server_time_to_first_token_seconds",
      help: "OTel gen_ai.server.time_to_first_token: time to the first byte of a successful streamed response.",
      labelNames: genAiLabels,
      buckets: TTFT_BUCKETS,
      registers: [registry],
    }),
    /**
     * Per tenant namespace, for dashboards and budget alerts: namespaces that hold a Policy are
     * a set the platform team controls. `policy_namespace`, not `namespace`: Prometheus sets
     * `namespace` to the scraped Pod's own. Key names stay out (one series per key, and names in a
     * place with looser access than the usage ledger, which has them).
     */
    namespaceRequests: new Counter({
      name: "kuberelay_gateway_namespace_requests_total",
      help: "Authenticated requests by the calling Policy's namespace and status class.",
      labelNames: ["policy_namespace", "code_class"] as const,
      registers: [registry],
    }),
    namespaceTokens: new Counter({
      name: "kuberelay_gateway_namespace_tokens_total",
      help: "Tokens used by the calling Policy's namespace and direction (input, output).",
      labelNames: ["policy_namespace", "direction"] as const,
      registers: [registry],
    }),
    namespaceCostUsd: new Counter({
      name: "kuberelay_gateway_namespace_cost_usd_total",
      help: "Cost in USD from the pricing table, by the calling Policy's namespace.",
      labelNames: ["policy_namespace"] as const,
      registers: [registry],
    }),
    namespaceBudgetUsd: new Gauge({
      name: "kuberelay_gateway_namespace_budget_usd",
      help: "The budgets of the Policies in the config being served, summed by namespace and period (day, month): the denominator of the budget-near-limit alert.",
      labelNames: ["policy_namespace", "period"] as const,
      registers: [registry],
    }),
    /** Which generation this gateway serves: gateways of one release that disagree for long have one stuck. */
    configGeneration: new Gauge({
      name: "kuberelay_gateway_config_generation_info",
      help: "1 for the config generation this gateway serves (the config Secret's resourceVersion, or the standalone directory's digest).",
      labelNames: ["generation"] as const,
      registers: [registry],
    }),
  };
}
export type GenAiMetrics = ReturnType<typeof genAiMetrics>;

/** gen_ai.provider.name: the convention's well-known values where one exists. */
export function genAiProviderName(provider: ProviderName): string {
  switch (provider) {
    case "openai":
      return "openai";
    case "anthropic":
      return "anthropic";
    case "azure-openai":
      return "azure.ai.openai";
    case "bedrock":
      return "aws.bedrock";
    case "vertex":
      return "gcp.vertex_ai";
    case "openai-compatible":
      return "openai_compatible";
  }
}

/** gen_ai.operation.name: `chat`, `text_completion`, `embeddings`, else our operation's own name. */
export function genAiOperationName(operation: Operation): string {
  switch (operation) {
    case "chat":
    case "responses":
    case "messages":
    case "converse":
    case "converse_stream":
      return "chat";
    case "completions":
      return "text_completion";
    case "embeddings":
      return "embeddings";
    case "count_tokens":
      return "count_tokens";
    case "invoke":
    case "invoke_stream":
      return "invoke_model";
  }
}

/** Exact route names per Policy, built once per compiled Policy (a new generation, new objects). */
const exactModels = new WeakMap<CompiledPolicy, ReadonlySet<string>>();

export function boundedModel(policy: CompiledPolicy | undefined, model: string | undefined): string {
  if (!policy || model === undefined) return OTHER_MODEL;
  let names = exactModels.get(policy);
  if (!names) {
    names = new Set(policy.routes.map((r) => r.model).filter((m) => !m.includes("*") && !m.includes("?")));
    exactModels.set(policy, names);
  }
  return names.has(model) ? model : OTHER_MODEL;
}
