import type { ContentRecord } from "../content/capture.js";

/**
 * One request in the usage ledger: metadata, never a credential; its content only where its
 * Policy captures it (stored apart, in usage_content).
 */
export interface UsageRow {
  requestId: string;
  /** When the request arrived (epoch ms). */
  occurredAt: number;
  /** The RelayKey, `namespace/name`; its namespace is the tenant's. */
  relayKey: string;
  policy: string;
  surface: string;
  operation?: string | undefined;
  model?: string | undefined;
  /** The ProviderKey that answered, `namespace/name`, and its provider type. */
  providerKey?: string | undefined;
  provider?: string | undefined;
  upstreamModel?: string | undefined;
  status: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  durationMs: number;
  firstByteMs?: number | undefined;
  streamed: boolean;
  /** The caller left before the response ended. */
  cancelled: boolean;
  /** Tokens counted by the gateway because the upstream reported none. */
  usageEstimated: boolean;
  /** What the Policy's guardrails found, `kind:type:action` → count; never a value. */
  guardrailHits?: Record<string, number> | undefined;
  content?: ContentRecord | undefined;
}

export const USAGE_COLUMNS = [
  "request_id",
  "occurred_at",
  "namespace",
  "relay_key",
  "policy",
  "surface",
  "operation",
  "model",
  "provider_key",
  "provider",
  "upstream_model",
  "status",
  "input_tokens",
  "output_tokens",
  "cost_usd",
  "duration_ms",
  "first_byte_ms",
  "streamed",
  "cancelled",
  "usage_estimated",
  "guardrail_hits",
] as const;

/** The row's values in USAGE_COLUMNS order, as query parameters. */
export function usageValues(row: UsageRow): unknown[] {
  return [
    row.requestId,
    new Date(row.occurredAt).toISOString(),
    row.relayKey.slice(0, Math.max(0, row.relayKey.indexOf("/"))),
    row.relayKey,
    row.policy,
    row.surface,
    row.operation ?? null,
    row.model ?? null,
    row.providerKey ?? null,
    row.provider ?? null,
    row.upstreamModel ?? null,
    row.status,
    row.inputTokens,
    row.outputTokens,
    row.costUsd.toFixed(9),
    row.durationMs,
    row.firstByteMs ?? null,
    row.streamed,
    row.cancelled,
    row.usageEstimated,
    row.guardrailHits ? JSON.stringify(row.guardrailHits) : null,
  ];
}

/** One INSERT for `count` rows; rows already written (same request id and time) are skipped. */
export function insertUsageSql(count: number): string {
  const width = USAGE_COLUMNS.length;
  const tuples = Array.from(
    { length: count },
    (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(", ")})`,
  );
  return `INSERT INTO usage_events (${USAGE_COLUMNS.join(", ")}) VALUES ${tuples.join(", ")} ON CONFLICT DO NOTHING`;
}

export const CONTENT_COLUMNS = [
  "request_id",
  "occurred_at",
  "policy",
  "encoding",
  "key_id",
  "request",
  "response",
  "request_truncated",
  "response_truncated",
  "delete_after",
] as const;

/** The content rows of a batch, as one INSERT and its parameters; undefined when none has content. */
export function insertContent(rows: readonly UsageRow[]): { sql: string; params: unknown[] } | undefined {
  const withContent = rows.filter((r) => r.content !== undefined);
  if (withContent.length === 0) return undefined;
  const width = CONTENT_COLUMNS.length;
  const tuples = withContent.map(
    (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(", ")})`,
  );
  const params = withContent.flatMap((row) => {
    const c = row.content as NonNullable<UsageRow["content"]>;
    return [
      row.requestId,
      new Date(row.occurredAt).toISOString(),
      row.policy,
      c.encoding,
      c.keyId ?? null,
      Buffer.from(c.request, "base64"),
      Buffer.from(c.response, "base64"),
      c.requestTruncated,
      c.responseTruncated,
      c.deleteAfter === undefined ? null : new Date(c.deleteAfter).toISOString(),
    ];
  });
  return {
    sql: `INSERT INTO usage_content (${CONTENT_COLUMNS.join(", ")}) VALUES ${tuples.join(", ")} ON CONFLICT DO NOTHING`,
    params,
  };
}
