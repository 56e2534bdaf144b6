import type { ProviderName } from "../common/schemas/provider-key.js";
import { boundedModel, type GenAiMetrics, genAiOperationName, genAiProviderName } from "./genai-metrics.js";
import { type Operation, operations, type Usage } from "./pipeline/types.js";
import type { Snapshot } from "./snapshot.js";

/** What a settled request tells the GenAI and per-namespace metrics, as handle-inference knows it. */
export interface SettledRequest {
  /** The request's log fields: `policy` (`namespace/name`), `operation`, `model`, `stream`, `firstByteMs`. */
  fields: Readonly<Record<string, unknown>>;
  /** The provider that answered; undefined when none was called. */
  provider: ProviderName | undefined;
  status: number;
  seconds: number;
  usage: Usage | undefined;
  costUsd: number;
}

const known: ReadonlySet<string> = new Set(operations);
const isOperation = (v: unknown): v is Operation => typeof v === "string" && known.has(v);

/**
 * The per-namespace counters for every authenticated request, and the GenAI histograms for every
 * request a provider answered (the convention describes model calls: a request refused before
 * routing has no provider to name).
 */
export function recordSettled(
  metrics: GenAiMetrics,
  snapshot: Snapshot | undefined,
  r: SettledRequest,
): void {
  const policyId = typeof r.fields.policy === "string" ? r.fields.policy : undefined;
  const policy_namespace = policyId?.slice(0, policyId.indexOf("/"));
  if (policy_namespace) {
    metrics.namespaceRequests.inc({ policy_namespace, code_class: `${Math.floor(r.status / 100)}xx` });
    if (r.usage) {
      metrics.namespaceTokens.inc({ policy_namespace, direction: "input" }, r.usage.inputTokens);
      metrics.namespaceTokens.inc({ policy_namespace, direction: "output" }, r.usage.outputTokens);
      metrics.namespaceCostUsd.inc({ policy_namespace }, r.costUsd);
    }
  }
  const operation = r.fields.operation;
  if (!r.provider || !isOperation(operation)) return;
  const policy = policyId ? snapshot?.policies.get(policyId) : undefined;
  const model = typeof r.fields.model === "string" ? r.fields.model : undefined;
  const labels = {
    gen_ai_operation_name: genAiOperationName(operation),
    gen_ai_provider_name: genAiProviderName(r.provider),
    gen_ai_request_model: boundedModel(policy, model),
  };
  metrics.requestDuration.observe(
    r.status >= 400 ? { ...labels, error_type: String(r.status) } : labels,
    r.seconds,
  );
  if (r.usage) {
    metrics.tokenUsage.observe({ ...labels, gen_ai_token_type: "input" }, r.usage.inputTokens);
    metrics.tokenUsage.observe({ ...labels, gen_ai_token_type: "output" }, r.usage.outputTokens);
  }
  if (r.fields.stream === true && r.status < 400 && typeof r.fields.firstByteMs === "number") {
    metrics.timeToFirstToken.observe(labels, r.fields.firstByteMs / 1000);
  }
}

/**
 * On each config swap: `kuberelay_gateway_config_generation_info` becomes one series, the
 * generation now served, and the namespaces' budgets are those of the new config.
 */
export function showGeneration(metrics: GenAiMetrics): (next: Snapshot) => void {
  return (next) => {
    metrics.configGeneration.reset();
    metrics.configGeneration.set({ generation: next.generation }, 1);
    metrics.namespaceBudgetUsd.reset();
    for (const [id, policy] of next.policies) {
      const policy_namespace = id.slice(0, id.indexOf("/"));
      const { usdPerDay, usdPerMonth } = policy.budget ?? {};
      if (usdPerDay !== undefined)
        metrics.namespaceBudgetUsd.inc({ policy_namespace, period: "day" }, usdPerDay);
      if (usdPerMonth !== undefined)
        metrics.namespaceBudgetUsd.inc({ policy_namespace, period: "month" }, usdPerMonth);
    }
  };
}
