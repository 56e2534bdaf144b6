import type { Database } from "../../common/db/database.js";
import { WriteBackoff } from "../../common/db/write-backoff.js";
import { contentExpiry } from "../content/capture.js";
import { ensureMonthPartition, monthPartition } from "./month-partitions.js";
import type { LedgerSpool } from "./spool.js";
import { insertContent, insertUsageSql, type UsageRow, usageValues } from "./usage-row.js";

export interface LedgerMetrics {
  rowsWritten: { inc(n: number): void };
  rowsDropped: { inc(n: number): void };
  writeErrors: { inc(): void };
  pending: { set(n: number): void };
  rowsSpooled?: { inc(n: number): void };
}

export interface LedgerOptions {
  db: Database;
  /** Rows per INSERT (default 500). */
  batchSize?: number;
  /** Rows wait at most this long before they are written (default 1 s). */
  flushIntervalMs?: number;
  /**
   * Rows held in memory while the database is unreachable; past that they go to the spool, or,
   * without one (or with it full), new rows are dropped and counted.
   */
  maxPending?: number;
  /** Where rows wait on disk: when too many wait in memory, and at shutdown. */
  spool?: LedgerSpool;
  /**
   * A Policy's content.retentionDays in the config serving now: content recorded without an
   * expiry gets one from it, kept with the row (spooled too), so it holds after the Policy goes.
   */
  contentRetention?: (policy: string) => number | undefined;
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
  private inFlight = 0;
  /** The spool may hold files (from this process or one before it). */
  private spooled: boolean;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly backoff: WriteBackoff;

  constructor(private readonly options: LedgerOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.maxPending = options.maxPending ?? 100_000;
    this.backoff = new WriteBackoff(options.clock ?? Date.now, options.maxRetryMs);
    this.spooled = (options.spool?.files().length ?? 0) > 0;
    this.timer = setInterval(() => this.kick(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  record(row: UsageRow): void {
    if (this.pending.length >= this.maxPending && !this.spoolPending()) {
      this.options.metrics?.rowsDropped.inc(1);
      return;
    }
    this.pending.push(this.withExpiry(row));
    this.options.metrics?.pending.set(this.pending.length);
    if (this.pending.length >= this.batchSize) this.kick();
  }

  /** Rows recorded and not yet written. */
  get backlog(): number {
    return this.pending.length + this.inFlight;
  }

  /**
   * Writes everything queued now, ignoring the back-off; resolves once the queue is empty or a
   * write failed (the rows stay queued).
   */
  async flush(): Promise<void> {
    await this.writing;
    this.backoff.skip();
    this.kick();
    await this.writing;
  }

  /**
   * Stops the timer and writes what is queued, or spools it; resolves to the rows neither written
   * nor spooled.
   */
  async close(): Promise<number> {
    clearInterval(this.timer);
    await this.flush();
    this.spoolPending();
    return this.pending.length;
  }

  /** The row, its content stamped with its Policy's retention as the request ends. */
  private withExpiry(row: UsageRow): UsageRow {
    const { content } = row;
    if (!content || content.deleteAfter !== undefined || !this.options.contentRetention) return row;
    const deleteAfter = contentExpiry(row.occurredAt, this.options.contentRetention(row.policy));
    return deleteAfter === undefined ? row : { ...row, content: { ...content, deleteAfter } };
  }

  /** Moves every row waiting in memory to the spool; false when there is none or it is full. */
  private spoolPending(): boolean {
    const { spool } = this.options;
    if (!spool || this.pending.length === 0 || !spool.save(this.pending)) return false;
    this.options.metrics?.rowsSpooled?.inc(this.pending.length);
    this.pending = [];
    this.options.metrics?.pending.set(0);
    this.spooled = true;
    return true;
  }

  private kick(): void {
    if (this.writing || (this.pending.length === 0 && !this.spooled) || this.backoff.waiting) return;
    this.writing = this.writeQueued().finally(() => {
      this.writing = undefined;
    });
  }

  private async writeQueued(): Promise<void> {
    while (this.pending.length > 0) {
      // Out of the queue while in flight: a spill to the spool meanwhile must not take it along.
      const batch = this.pending.splice(0, this.batchSize);
      this.inFlight = batch.length;
      const written = await this.attempt(batch);
      this.inFlight = 0;
      if (!written) {
        this.pending.unshift(...batch);
        return;
      }
      this.options.metrics?.pending.set(this.pending.length);
    }
    if (this.spooled) await this.drainSpool();
  }

  /** Writes the spool back, oldest file first; a file goes once all its rows are in. */
  private async drainSpool(): Promise<void> {
    const { spool } = this.options;
    if (!spool) return;
    for (const file of spool.files()) {
      const { rows, skipped } = spool.read(file);
      if (skipped > 0) this.options.metrics?.rowsDropped.inc(skipped);
      for (let i = 0; i < rows.length; i += this.batchSize) {
        if (!(await this.attempt(rows.slice(i, i + this.batchSize)))) return;
      }
      spool.remove(file);
    }
    this.spooled = false;
  }

  /** One batch; on failure, backs off and reports, and answers false. */
  private async attempt(batch: UsageRow[]): Promise<boolean> {
    try {
      await this.write(batch);
    } catch (err) {
      this.backoff.failed();
      this.options.metrics?.writeErrors.inc();
      this.options.onError?.(err);
      return false;
    }
    this.backoff.succeeded();
    this.options.metrics?.rowsWritten.inc(batch.length);
    return true;
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
    // After the usage rows: a retry after a failure here writes both again, and both skip duplicates.
    const content = insertContent(batch);
    if (content) await db.query(content.sql, content.params);
  }
}
