import type { Database } from "../../common/db/database.js";
import { ensureMonthPartition, monthPartition } from "./month-partitions.js";
import { insertUsageSql, type UsageRow, usageValues } from "./usage-row.js";

export interface LedgerMetrics {
  rowsWritten: { inc(n: number): void };
  rowsDropped: { inc(n: number): void };
  writeErrors: { inc(): void };
  pending: { set(n: number): void };
}

export interface LedgerOptions {
  db: Database;
  /** Rows per INSERT (default 500). */
  batchSize?: number;
  /** Rows wait at most this long before they are written (default 1 s). */
  flushIntervalMs?: number;
  /** Rows held while the database is unreachable; past that, new rows are dropped and counted. */
  maxPending?: number;
  /** The longest wait between attempts while the database fails (default 30 s). */
  maxRetryMs?: number;
  onError?: (err: unknown) => void;
  metrics?: LedgerMetrics;
  clock?: () => number;
}

/**
 * The usage ledger's writer: `record` only queues (the request path never waits on the
 * database); rows are written in batches, at most one INSERT at a time, and a failed batch is
 * retried with back-off until the database answers again.
 */
export class UsageLedger {
  private pending: UsageRow[] = [];
  private writing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly partitions = new Set<string>();
  private failures = 0;
  private retryAt = 0;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly clock: () => number;

  constructor(private readonly options: LedgerOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.maxPending = options.maxPending ?? 100_000;
    this.clock = options.clock ?? Date.now;
    this.timer = setInterval(() => this.kick(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  record(row: UsageRow): void {
    if (this.pending.length >= this.maxPending) {
      this.options.metrics?.rowsDropped.inc(1);
      return;
    }
    this.pending.push(row);
    this.options.metrics?.pending.set(this.pending.length);
    if (this.pending.length >= this.batchSize) this.kick();
  }

  /** Rows recorded and not yet written. */
  get backlog(): number {
    return this.pending.length;
  }

  /**
   * Writes everything queued now, ignoring the back-off; resolves once the queue is empty or a
   * write failed (the rows stay queued).
   */
  async flush(): Promise<void> {
    await this.writing;
    this.retryAt = 0;
    this.kick();
    await this.writing;
  }

  /** Stops the timer and writes what is queued; resolves to the rows that could not be written. */
  async close(): Promise<number> {
    clearInterval(this.timer);
    await this.flush();
    return this.pending.length;
  }

  private kick(): void {
    if (this.writing || this.pending.length === 0 || this.clock() < this.retryAt) return;
    this.writing = this.writeQueued().finally(() => {
      this.writing = undefined;
    });
  }

  private async writeQueued(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, this.batchSize);
      try {
        await this.write(batch);
      } catch (err) {
        this.failures++;
        this.retryAt = this.clock() + Math.min(this.options.maxRetryMs ?? 30_000, 500 * 2 ** this.failures);
        this.options.metrics?.writeErrors.inc();
        this.options.onError?.(err);
        return;
      }
      this.failures = 0;
      this.pending.splice(0, batch.length);
      this.options.metrics?.rowsWritten.inc(batch.length);
      this.options.metrics?.pending.set(this.pending.length);
    }
  }

  private async write(batch: UsageRow[]): Promise<void> {
    const { db } = this.options;
    for (const row of batch) {
      const month = monthPartition(row.occurredAt).name;
      if (this.partitions.has(month)) continue;
      await ensureMonthPartition(db, row.occurredAt);
      this.partitions.add(month);
    }
    await db.query(insertUsageSql(batch.length), batch.flatMap(usageValues));
  }
}
