import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";

/** The operator's own metrics, served on its ops port. No label carries a Pod's or a key's name. */
export function createOperatorMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    podsMissingInjection: new Gauge({
      name: "kuberelay_operator_pods_missing_injection",
      help: "Pods that asked for kuberelay injection but were admitted without it (e.g. during a webhook outage); delete them to have them injected.",
      registers: [registry],
    }),
    webhookCertificateExpiry: new Gauge({
      name: "kuberelay_operator_webhook_certificate_expiry_timestamp_seconds",
      help: "When the webhook's serving certificate and the CA that signs it expire (Unix seconds); alert well before. Set by the leader with --webhook-tls-secret.",
      labelNames: ["certificate"] as const,
      registers: [registry],
    }),
    webhookTlsActions: new Counter({
      name: "kuberelay_operator_webhook_tls_actions_total",
      help: "Webhook TLS steps taken by this replica: ca-created, ca-retired, ca-bundle-published, serving-cert-issued.",
      labelNames: ["action"] as const,
      registers: [registry],
    }),
    configEnvelopes: new Gauge({
      name: "kuberelay_operator_config_envelopes",
      help: "Provider credentials in the written gateway config, by the key-encryption key id that seals them (local:<fingerprint> or kms:<key>): after a key rotation, wait for the old id to reach 0.",
      labelNames: ["kek"] as const,
      registers: [registry],
    }),
    auditChanges: new Counter({
      name: "kuberelay_operator_audit_changes_total",
      help: "Audited changes recorded by the leader (as Events, and rows with a database), by action: created, rotated, disabled, enabled, deleted, credential_changed, content_mode_changed.",
      labelNames: ["action"] as const,
      registers: [registry],
    }),
    auditRowsWritten: new Counter({
      name: "kuberelay_operator_audit_rows_written_total",
      help: "Audit rows written to the database (a row written again after a retry counts, and adds nothing).",
      registers: [registry],
    }),
    auditRowsDropped: new Counter({
      name: "kuberelay_operator_audit_rows_dropped_total",
      help: "Audit rows dropped because the database was away longer than the queue holds (10,000 rows); their Events still went out.",
      registers: [registry],
    }),
    auditWriteErrors: new Counter({
      name: "kuberelay_operator_audit_write_errors_total",
      help: "Failed writes of audit rows; the rows stay queued and are retried with back-off.",
      registers: [registry],
    }),
    auditRowsPending: new Gauge({
      name: "kuberelay_operator_audit_rows_pending",
      help: "Audit rows waiting to be written.",
      registers: [registry],
    }),
    leader: new Gauge({
      name: "kuberelay_operator_leader",
      help: "1 while this replica holds the leader Lease and writes, 0 while it stands by.",
      registers: [registry],
    }),
  };
}

export type OperatorMetrics = ReturnType<typeof createOperatorMetrics>;
