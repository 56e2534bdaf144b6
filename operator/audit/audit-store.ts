import type { Database } from "../../common/db/database.js";
import { WriteBackoff } from "../../common/db/write-backoff.js";
import type { AuditRecord } from "./audit-record.js";

export interface AuditStoreMetrics {
  rowsWritten: { inc(n: number): void };
  rowsDropped: { inc(n: number): void };
  writeErrors: { inc(): void };
  pending: { set(n: number): void };
}

export interface AuditStoreOptions {
  db: Database;
  /** Rows held while the database is away; past that, new rows are dropped and counted. */
  maxPending?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  /** The longest wait between attempts while the database fails (default 30 s). */
  maxRetryMs?: number;
  metrics?: AuditStoreMetrics;
  onError?: (err: unknown) => void;
  clock?: () => number;
}

const COLUMNS = 12;

function insertSql(rows: number): string {
  const tuples = Array.from({ length: rows }, (_, r) => {
    const p = (i: number) => `$${r * COLUMNS + i}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}, ${p(11)}, ${p(12)}::jsonb)`;
  });
  return `INSERT INTO audit_events (occurred_at, kind, namespace, name, uid, action, marker, actor,
      actor_operation, actor_time, actor_source, detail)
    VALUES ${tuples.join(", ")}
    ON CONFLICT (uid, action, marker) DO NOTHING`;
}

const values = (r: AuditRecord): unknown[] => [
  r.occurredAt,
  r.kind,
  r.namespace,
  r.name,
  r.uid,
  r.action,
  r.marker,
  r.actor?.manager ?? null,
  r.actor?.operation || null,
  r.actor?.time ?? null,
  r.actorSource,
  JSON.stringify(r.detail),
];

/** A row as the audit reads its own history back (history()). */
export interface AuditHistoryRow {
  kind: AuditRecord["kind"];
  namespace: string;
  name: string;
  uid: string;
  action: AuditRecord["action"];
  marker: string;
  detail: AuditRecord["detail"];
}

/**
 * The audit table's writer. `record` only queues: a reconcile never waits on the database. Rows
 * are written in order, a batch at a time; a failed batch stays queued and is retried with
 * back-off. The queue is bounded: while the database is away longer than it holds, new rows are
 * dropped and counted (kuberelay_operator_audit_rows_dropped_total); the Events still went out.
 * Writing a row twice adds nothing (ON CONFLICT on uid, action, marker).
 */
export class AuditStore {
  private pending: AuditRecord[] = [];
  private writing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly maxPending: number;
  private readonly batchSize: number;
  private readonly backoff: WriteBackoff;

  constructor(private readonly options: AuditStoreOptions) {
    this.maxPending = options.maxPending ?? 10_000;
    this.batchSize = options.batchSize ?? 200;
    this.backoff = new WriteBackoff(options.clock ?? Date.now, options.maxRetryMs);
    this.timer = setInterval(() => this.kick(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  record(row: AuditRecord): void {
    if (this.pending.length >= this.maxPending) {
      this.options.metrics?.rowsDropped.inc(1);
      return;
    }
    this.pending.push(row);
    this.options.metrics?.pending.set(this.pending.length);
    this.kick();
  }

  get backlog(): number {
    return this.pending.length;
  }

  /** Writes what is queued now, ignoring the back-off; resolves once done or a write failed. */
  async flush(): Promise<void> {
    await this.writing;
    this.backoff.skip();
    this.kick();
    await this.writing;
  }

  /** Stops the timer and writes what it can; resolves to the rows left unwritten. */
  async close(): Promise<number> {
    clearInterval(this.timer);
    await this.flush();
    return this.pending.length;
  }

  /**
   * Every row of objects whose deletion is not recorded, oldest first: the audit's memory after a
   * restart or a leader change (auditor.ts).
   */
  async history(): Promise<AuditHistoryRow[]> {
    const { rows } = await this.options.db.query<AuditHistoryRow>(
      `SELECT kind, namespace, name, uid, action, marker, detail FROM audit_events a
       WHERE NOT EXISTS (SELECT 1 FROM audit_events d WHERE d.uid = a.uid AND d.action = 'deleted')
       ORDER BY occurred_at, id`,
    );
    // pg parses jsonb; PGlite too. A text column from an older driver would arrive as a string.
    return rows.map((r) => ({
      ...r,
      detail: typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail,
    }));
  }

  private kick(): void {
    if (this.writing || this.pending.length === 0 || this.backoff.waiting) return;
    this.writing = this.writeQueued().finally(() => {
      this.writing = undefined;
    });
  }

  private async writeQueued(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, this.batchSize);
      try {
        await this.options.db.query(insertSql(batch.length), batch.flatMap(values));
      } catch (err) {
        this.backoff.failed();
        this.options.metrics?.writeErrors.inc();
        this.options.onError?.(err);
        return;
      }
      this.backoff.succeeded();
      this.pending.splice(0, batch.length);
      this.options.metrics?.rowsWritten.inc(batch.length);
      this.options.metrics?.pending.set(this.pending.length);
    }
  }
}
