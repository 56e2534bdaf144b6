import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { genAiMetrics } from "./genai-metrics.js";

/** From a cached answer to a long completion: model calls take milliseconds to a minute. */
const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The gateway's Prometheus metrics. Labels take values from small fixed sets only. */
export function createGatewayMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    /** OTel GenAI histograms, per-namespace usage and the served generation (genai-metrics.ts). */
    genAi: genAiMetrics(registry),
    keyEncryptionKeys: new Gauge({
      name: "kuberelay_gateway_key_encryption_keys",
      help: "1 for each key-encryption key id this gateway can unwrap with (local:<fingerprint> or kms:<key>): check every gateway holds the new key before a rotation's step 2.",
      labelNames: ["kek"] as const,
      registers: [registry],
    }),
    requests: new Counter({
      name: "kuberelay_gateway_requests_total",
      help: "Requests answered, by caller surface and status class.",
      labelNames: ["surface", "code_class"] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: "kuberelay_gateway_request_duration_seconds",
      help: "Time to the last byte of the response.",
      labelNames: ["surface"] as const,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: "kuberelay_gateway_upstream_duration_seconds",
      help: "Upstream time to response headers; compare with request duration to see the gateway's own overhead.",
      labelNames: ["provider"] as const,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [registry],
    }),
    upstreamRetries: new Counter({
      name: "kuberelay_gateway_upstream_retries_total",
      help: "Attempts that failed over to the next target, by reason (status, timeout, connect error).",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    unpricedRequests: new Counter({
      name: "kuberelay_gateway_unpriced_requests_total",
      help: "Requests whose model has no price (neither shipped nor in the ProviderKey's pricing): cost counted as 0.",
      labelNames: ["provider"] as const,
      registers: [registry],
    }),
    tokens: new Counter({
      name: "kuberelay_gateway_tokens_total",
      help: "Tokens used, by provider type and direction.",
      labelNames: ["provider", "direction"] as const,
      registers: [registry],
    }),
    costUsd: new Counter({
      name: "kuberelay_gateway_cost_usd_total",
      help: "Cost in USD from the pricing table, by provider type.",
      labelNames: ["provider"] as const,
      registers: [registry],
    }),
    configReloads: new Counter({
      name: "kuberelay_gateway_config_reloads_total",
      help: "Config loads, by outcome (applied or refused; a refused config leaves the last good one serving).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    configAppliedAt: new Gauge({
      name: "kuberelay_gateway_config_applied_timestamp_seconds",
      help: "When the config being served was applied (a new generation moves it).",
      registers: [registry],
    }),
    configProblems: new Gauge({
      name: "kuberelay_gateway_config_problems",
      help: "Standalone mode: problems in the config directory now (kuberelay validate lists them), by object kind and reason; 0 series when all is well.",
      labelNames: ["kind", "reason"] as const,
      registers: [registry],
    }),
    ledgerRowsWritten: new Counter({
      name: "kuberelay_gateway_ledger_rows_written_total",
      help: "Usage ledger rows written to the database.",
      registers: [registry],
    }),
    ledgerRowsDropped: new Counter({
      name: "kuberelay_gateway_ledger_rows_dropped_total",
      help: "Usage ledger rows dropped because too many were waiting for an unreachable database.",
      registers: [registry],
    }),
    ledgerRowsSpooled: new Counter({
      name: "kuberelay_gateway_ledger_rows_spooled_total",
      help: "Usage ledger rows put in the spool directory to wait for the database (memory bound reached, or shutdown).",
      registers: [registry],
    }),
    guardrailHits: new Counter({
      name: "kuberelay_gateway_guardrail_hits_total",
      help: "Values the Policies' guardrails found in prompts, by kind (pii, secret, custom), type (a PII or secret type; every custom rule counts as custom) and action (redact, block). Never the value.",
      labelNames: ["kind", "type", "action"] as const,
      registers: [registry],
    }),
    contentNotCaptured: new Counter({
      name: "kuberelay_gateway_content_not_captured_total",
      help: "Requests whose Policy asks for content capture that this gateway could not keep: no_ledger (no database), no_content_key (KUBERELAY_CONTENT_KEY unset), plaintext_not_allowed (KUBERELAY_ALLOW_PLAINTEXT is not true).",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    ledgerWriteErrors: new Counter({
      name: "kuberelay_gateway_ledger_write_errors_total",
      help: "Failed ledger writes (the rows stay queued and are retried).",
      registers: [registry],
    }),
    ledgerPending: new Gauge({
      name: "kuberelay_gateway_ledger_pending_rows",
      help: "Usage ledger rows waiting to be written.",
      registers: [registry],
    }),
    configKeys: new Gauge({
      name: "kuberelay_gateway_config_keys",
      help: "Relay keys in the config being served.",
      registers: [registry],
    }),
  };
}
export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
