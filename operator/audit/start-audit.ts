import type { Database } from "../../common/db/database.js";
import type { Logger } from "../../common/log.js";
import type { EventSink } from "../events.js";
import type { OperatorMetrics } from "../metrics.js";
import { AuditStore } from "./audit-store.js";
import { Auditor } from "./auditor.js";

export interface AuditSettings {
  /** PostgreSQL (--database-url, DATABASE_URL): the same database the gateways' ledger uses. */
  url?: string | undefined;
  events: { sink: EventSink; instance: string };
}

export interface RunningAudit {
  auditor: Auditor;
  close(): Promise<void>;
}

const MIGRATE_RETRY_MS = 5_000;

/**
 * The audit trail: Events always, rows when a database is configured. The operator must keep
 * publishing config while the database is away, so nothing here waits for it: migrations are
 * retried in the background, rows queue until they can be written.
 */
export async function startAudit(
  settings: AuditSettings,
  metrics: OperatorMetrics,
  log: Logger,
): Promise<RunningAudit> {
  if (settings.url === undefined) {
    log.info(
      "audit table off (no --database-url or DATABASE_URL): audited changes go to Events and this log only",
    );
    return {
      auditor: new Auditor({ log, events: settings.events, metrics: { changes: metrics.auditChanges } }),
      close: async () => {},
    };
  }
  const [{ openPostgres }, { migrate }, { migrations }] = await Promise.all([
    import("../../common/db/postgres.js"),
    import("../../common/db/migrate.js"),
    import("../../common/db/migrations.js"),
  ]);
  const db: Database = openPostgres({ url: settings.url, maxConnections: 2 });
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve) => {
    const attempt = async () => {
      try {
        const report = await migrate(db, migrations);
        // The URL may hold a password: only what happened is logged.
        log.info("audit table ready", { migrationsApplied: report.applied });
        resolve();
      } catch (err) {
        if (stopped) return;
        log.warn("audit table not ready; rows wait in memory", { error: err, retryInMs: MIGRATE_RETRY_MS });
        retry = setTimeout(attempt, MIGRATE_RETRY_MS);
        retry.unref();
      }
    };
    void attempt();
  });
  let lastWarning = 0;
  const store = new AuditStore({
    db,
    metrics: {
      rowsWritten: { inc: (n) => metrics.auditRowsWritten.inc(n) },
      rowsDropped: { inc: (n) => metrics.auditRowsDropped.inc(n) },
      writeErrors: metrics.auditWriteErrors,
      pending: metrics.auditRowsPending,
    },
    onError: (err) => {
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      log.warn("audit rows not written; they stay queued", { error: err, pending: store.backlog });
    },
  });
  const auditor = new Auditor({
    log,
    events: settings.events,
    store,
    storeReady: ready,
    metrics: { changes: metrics.auditChanges },
  });
  return {
    auditor,
    async close() {
      stopped = true;
      clearTimeout(retry);
      await auditor.idle().catch(() => undefined);
      const unwritten = await store.close();
      if (unwritten > 0) log.error("audit rows not written at shutdown", { rows: unwritten });
      await db.close();
    },
  };
}
