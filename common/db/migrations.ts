import type { Migration } from "./migrate.js";

/**
 * The schema, version by version. Forward-only: a released migration is never edited; a change is
 * a new one. Every statement must also run on the embedded database (PGlite, PostgreSQL 17).
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "usage ledger",
    // Partitioned by month so that retention drops a whole partition instead of deleting rows.
    // The request id is unique with the time it began: a batch written twice adds nothing.
    sql: `
      CREATE TABLE usage_events (
        request_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        namespace text NOT NULL,
        relay_key text NOT NULL,
        policy text NOT NULL,
        surface text NOT NULL,
        operation text,
        model text,
        provider_key text,
        provider text,
        upstream_model text,
        status smallint NOT NULL,
        input_tokens bigint NOT NULL,
        output_tokens bigint NOT NULL,
        cost_usd numeric(18, 9) NOT NULL,
        duration_ms integer NOT NULL,
        first_byte_ms integer,
        streamed boolean NOT NULL,
        cancelled boolean NOT NULL,
        usage_estimated boolean NOT NULL,
        PRIMARY KEY (request_id, occurred_at)
      ) PARTITION BY RANGE (occurred_at);
      CREATE INDEX usage_events_namespace_time ON usage_events (namespace, occurred_at);
    `,
  },
  {
    version: 2,
    name: "captured content",
    // Only for Policies with content.mode encrypted (or plaintext where allowed): each direction
    // is nonce || ciphertext || tag under the key named by key_id, bound to its request id.
    sql: `
      CREATE TABLE usage_content (
        request_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        policy text NOT NULL,
        encoding text NOT NULL CHECK (encoding IN ('aes-256-gcm', 'plaintext')),
        key_id text,
        request bytea NOT NULL,
        response bytea NOT NULL,
        request_truncated boolean NOT NULL,
        response_truncated boolean NOT NULL,
        PRIMARY KEY (request_id, occurred_at)
      ) PARTITION BY RANGE (occurred_at);
      CREATE INDEX usage_content_policy_time ON usage_content (policy, occurred_at);
    `,
  },
  {
    version: 3,
    name: "audit trail",
    // Written by the leading operator: who created, rotated, disabled or deleted a RelayKey,
    // changed a ProviderKey's credential or a Policy's content mode. detail holds names and
    // modes, never a value. The operator lists everything again after a restart or a leader
    // change: (uid, action, marker) makes a change it records twice one row. The marker is what
    // tells one such change from the next: the generation that carried it, the Secret's
    // resourceVersion, the rotation time; '' for what happens once per object.
    sql: `
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL CHECK (kind IN ('RelayKey', 'ProviderKey', 'Policy')),
        namespace text NOT NULL,
        name text NOT NULL,
        uid text NOT NULL,
        action text NOT NULL CHECK (action IN ('created', 'rotated', 'disabled', 'enabled', 'deleted',
          'credential_changed', 'content_mode_changed')),
        marker text NOT NULL,
        actor text,
        actor_operation text,
        actor_time timestamptz,
        actor_source text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        UNIQUE (uid, action, marker)
      );
      CREATE INDEX audit_events_object_time ON audit_events (namespace, kind, name, occurred_at);
      CREATE INDEX audit_events_time ON audit_events (occurred_at);
    `,
  },
  {
    version: 4,
    name: "guardrail hits in the usage ledger",
    // Per request, what the Policy's guardrails found: {"pii:email:redact": 2, ...}. Types and
    // counts only, never a value. A column added to the partitioned parent reaches every month.
    sql: `ALTER TABLE usage_events ADD COLUMN guardrail_hits jsonb;`,
  },
  {
    version: 5,
    name: "captured content's expiry",
    // When a row's content goes, from its Policy's content.retentionDays at capture: kept with the
    // row, it still goes after the Policy is switched off or deleted. NULL (no retentionDays, or
    // captured before this version): it goes with its month's partition. Added to the partitioned
    // parent, column and index reach every month, today's and later ones. Partial: the hourly
    // delete finds expired rows without reading the others, and rows without one cost nothing.
    sql: `
      ALTER TABLE usage_content ADD COLUMN delete_after timestamptz;
      CREATE INDEX usage_content_delete_after ON usage_content (delete_after) WHERE delete_after IS NOT NULL;
    `,
  },
];
