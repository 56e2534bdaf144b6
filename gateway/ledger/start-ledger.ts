import { join } from "node:path";
import type { Logger } from "../../common/log.js";
import type { GatewayMetrics } from "../metrics.js";
import type { ScopeSpend } from "./spend-so-far.js";
import type { UsageQuery, UsageReport } from "./usage-report.js";
import type { UsageRow } from "./usage-row.js";

export interface LedgerSettings {
  /** PostgreSQL, by URL; else the embedded database in `dataDir`; neither: no ledger. */
  url?: string | undefined;
  dataDir?: string | undefined;
  /** The current month and this many before it are kept. */
  retentionMonths: number;
  /** Where rows wait on disk; default `<dataDir>/spool`, none without a data directory. */
  spoolDir?: string | undefined;
  /**
   * Each Policy's content.retentionDays, as the config serving now has them: read as each row is
   * recorded (its content's expiry) and by the hourly deletion.
   */
  contentRetention: () => ReadonlyMap<string, number>;
}

export interface RunningLedger {
  record(row: UsageRow): void;
  spendSoFar(): Promise<ScopeSpend[]>;
  /** Sums per group for the admin API, on this ledger's connections. */
  usage(query: UsageQuery, maxRows: number): Promise<UsageReport>;
  close(): Promise<void>;
}

/**
 * The usage ledger, when a database is configured: migrated before the port opens (a replica
 * never writes to an older schema), old months dropped now and daily, rows written in batches.
 * Its modules load only here, so a gateway without a ledger never loads a database driver.
 */
export async function startLedger(
  settings: LedgerSettings,
  metrics: GatewayMetrics,
  log: Logger,
): Promise<RunningLedger | undefined> {
  const { url, dataDir, retentionMonths } = settings;
  if (url === undefined && dataDir === undefined) return undefined;
  const [
    { openDatabase },
    { UsageLedger },
    { spendSoFar },
    { dropExpiredMonths },
    { LedgerSpool },
    content,
    { usageReport },
  ] = await Promise.all([
    import("../../common/db/open-database.js"),
    import("./usage-ledger.js"),
    import("./spend-so-far.js"),
    import("./retention.js"),
    import("./spool.js"),
    import("../content/content-retention.js"),
    import("./usage-report.js"),
  ]);
  const { db, migrated } = await openDatabase(url !== undefined ? { url } : { dataDir: dataDir ?? "" });
  // The URL may hold a password: only the kind of database is logged.
  log.info("usage ledger ready", { database: db.kind, migrationsApplied: migrated.applied });
  if (migrated.unknown.length > 0) {
    log.warn("the database has migrations this version does not know (a newer release ran)", {
      versions: migrated.unknown,
    });
  }
  const expire = async () => {
    try {
      const dropped = await dropExpiredMonths(db, Date.now(), retentionMonths);
      if (dropped.length > 0) log.info("usage ledger months dropped", { partitions: dropped });
      const deleted = await content.deleteExpiredContent(db, Date.now(), settings.contentRetention());
      if (deleted > 0) log.info("captured content past its retention deleted", { rows: deleted });
    } catch (err) {
      log.warn("usage ledger retention failed; retried in an hour", { error: err });
    }
  };
  await expire();
  // Hourly: retentionDays is counted in days, and a day-old row should not wait another day.
  const daily = setInterval(expire, 3_600_000);
  daily.unref();
  const spoolDir = settings.spoolDir ?? (dataDir === undefined ? undefined : join(dataDir, "spool"));
  let lastWarning = 0;
  const ledger = new UsageLedger({
    db,
    ...(spoolDir ? { spool: new LedgerSpool(spoolDir) } : {}),
    contentRetention: (policy) => settings.contentRetention().get(policy),
    metrics: {
      rowsWritten: { inc: (n) => metrics.ledgerRowsWritten.inc(n) },
      rowsDropped: { inc: (n) => metrics.ledgerRowsDropped.inc(n) },
      writeErrors: metrics.ledgerWriteErrors,
      pending: metrics.ledgerPending,
      rowsSpooled: { inc: (n) => metrics.ledgerRowsSpooled.inc(n) },
    },
    onError: (err) => {
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      log.warn("usage ledger write failed; rows stay queued", { error: err, pending: ledger.backlog });
    },
  });
  return {
    record: (row) => ledger.record(row),
    spendSoFar: () => spendSoFar(db, Date.now()),
    usage: (query, maxRows) => usageReport(db, query, maxRows),
    async close() {
      clearInterval(daily);
      const unwritten = await ledger.close();
      if (unwritten > 0)
        log.error("usage ledger rows neither written nor spooled at shutdown", { rows: unwritten });
      await db.close();
    },
  };
}
