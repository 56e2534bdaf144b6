import { describe, expect, it, vi } from "vitest";
import type { Database, QueryResult } from "../../common/db/database.js";
import { databaseKinds, databasePerTest } from "../../common/db/testing/test-databases.js";
import { droppedCounter } from "./testing/counting-metrics.js";
import { UsageLedger } from "./usage-ledger.js";
import { USAGE_COLUMNS, type UsageRow } from "./usage-row.js";

// The embedded database starts in 2-3 s alone, and slower beside a whole unit run.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const row = (n: number, at = Date.UTC(2026, 11, 6, 12)): UsageRow => ({
  requestId: `req_${n}`,
  occurredAt: at,
  relayKey: "team-a/ci-bot",
  policy: "team-a/default",
  surface: "openai",
  operation: "chat",
  model: "gpt-4o-mini",
  providerKey: "platform/openai",
  provider: "openai",
  upstreamModel: "gpt-4o-mini-2024-07-18",
  status: 200,
  inputTokens: 12,
  outputTokens: 30,
  costUsd: 0.0000198,
  durationMs: 41,
  firstByteMs: 40,
  streamed: false,
  cancelled: false,
  usageEstimated: false,
});

describe.each(databaseKinds)("the usage ledger on the $kind database", ({ open }) => {
  const fresh = databasePerTest(open);

  it("writes every recorded row in batches, across month partitions, exactly once", async () => {
    const t = await fresh();
    const ledger = new UsageLedger({ db: t.db, batchSize: 7, flushIntervalMs: 60_000 });
    const december = Date.UTC(2026, 11, 31, 23, 59);
    const january = Date.UTC(2027, 0, 1, 0, 1);
    for (let i = 0; i < 30; i++) ledger.record(row(i, i % 2 === 0 ? december : january));
    expect(await ledger.close()).toBe(0);
    const counts = await t.db.query<{ part: string; n: string }>(
      "SELECT tableoid::regclass::text AS part, count(*) AS n FROM usage_events GROUP BY 1 ORDER BY 1",
    );
    expect(counts.rows.map((r) => [r.part.replace(/^.*\./, ""), Number(r.n)])).toEqual([
      ["usage_events_2026_12", 15],
      ["usage_events_2027_01", 15],
    ]);
    const first = await t.db.query<Record<string, unknown>>(
      "SELECT namespace, relay_key, status, input_tokens, cost_usd::text AS cost, streamed, cancelled FROM usage_events WHERE request_id = 'req_0'",
    );
    expect(first.rows[0]).toMatchObject({
      namespace: "team-a",
      relay_key: "team-a/ci-bot",
      status: 200,
      cost: "0.000019800",
      streamed: false,
      cancelled: false,
    });
    expect(Number(first.rows[0]?.input_tokens)).toBe(12);
  });

  it("keeps what the guardrails found as counts by kind, type and action", async () => {
    const t = await fresh();
    const ledger = new UsageLedger({ db: t.db, flushIntervalMs: 60_000 });
    ledger.record({ ...row(1), guardrailHits: { "pii:email:redact": 2, "custom:ticket:redact": 1 } });
    ledger.record(row(2));
    expect(await ledger.close()).toBe(0);
    const hits = await t.db.query<{ request_id: string; hits: unknown }>(
      "SELECT request_id, guardrail_hits AS hits FROM usage_events ORDER BY 1",
    );
    expect(hits.rows).toEqual([
      { request_id: "req_1", hits: { "pii:email:redact": 2, "custom:ticket:redact": 1 } },
      { request_id: "req_2", hits: null },
    ]);
  });

  it("adds nothing when a batch is written again (a retry after a lost reply)", async () => {
    const t = await fresh();
    for (let round = 0; round < 2; round++) {
      const ledger = new UsageLedger({ db: t.db, flushIntervalMs: 60_000 });
      for (let i = 0; i < 5; i++) ledger.record(row(i));
      await ledger.close();
    }
    const n = await t.db.query<{ n: string }>("SELECT count(*) AS n FROM usage_events");
    expect(Number(n.rows[0]?.n)).toBe(5);
  });
});

/** A database that fails its first `failures` queries, then passes them to the real one. */
function flaky(real: Database, failures: number): Database & { calls: number } {
  let left = failures;
  const wrapped = {
    ...real,
    calls: 0,
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      wrapped.calls++;
      if (left-- > 0) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      return real.query<R>(text, params);
    },
  };
  return wrapped;
}

describe("the usage ledger while the database is down", () => {
  const fresh = databasePerTest(databaseKinds[0].open);

  it("keeps the rows, backs off, and writes them once the database answers", async () => {
    const t = await fresh();
    let now = 1_000_000;
    const errors: unknown[] = [];
    const db = flaky(t.db, 2);
    const ledger = new UsageLedger({
      db,
      flushIntervalMs: 60_000,
      clock: () => now,
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 3; i++) ledger.record(row(i));
    await ledger.flush();
    expect(ledger.backlog).toBe(3);
    expect(errors).toHaveLength(1);
    await ledger.flush(); // flush ignores the back-off: a second failure
    expect(ledger.backlog).toBe(3);
    now += 60_000;
    expect(await ledger.close()).toBe(0);
    const n = await t.db.query<{ n: string }>("SELECT count(*) AS n FROM usage_events");
    expect(Number(n.rows[0]?.n)).toBe(3);
  });

  it("holds at most maxPending rows and counts the ones it drops", async () => {
    const { metrics, dropped } = droppedCounter();
    const down: Database = {
      kind: "postgres",
      query: () => Promise.reject(new Error("down")),
      exec: () => Promise.reject(new Error("down")),
      withConnection: () => Promise.reject(new Error("down")),
      close: async () => undefined,
    };
    const ledger = new UsageLedger({
      db: down,
      maxPending: 4,
      flushIntervalMs: 60_000,
      metrics,
    });
    for (let i = 0; i < 6; i++) ledger.record(row(i));
    expect(ledger.backlog).toBe(4);
    expect(dropped).toEqual([1, 1]);
    expect(await ledger.close()).toBe(4);
  });
});

describe("the usage ledger while a write is in flight", () => {
  it("loses no row when the queue spills to the spool during a write", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { LedgerSpool } = await import("./spool.js");
    const dir = mkdtempSync(join(tmpdir(), "kuberelay-spill-"));
    const written: string[] = [];
    let release: () => void = () => undefined;
    const slow: Database = {
      kind: "postgres",
      async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
        if (text.startsWith("INSERT")) {
          await new Promise<void>((r) => {
            release = r;
          });
          for (let i = 0; i < (params?.length ?? 0); i += USAGE_COLUMNS.length)
            written.push(String(params?.[i]));
        }
        return { rows: [], rowCount: 0 };
      },
      exec: async () => undefined,
      withConnection: (fn) => fn(slow),
      close: async () => undefined,
    };
    try {
      const ledger = new UsageLedger({
        db: slow,
        spool: new LedgerSpool(dir),
        batchSize: 3,
        maxPending: 3,
        flushIntervalMs: 60_000,
      });
      for (let i = 0; i < 3; i++) ledger.record(row(i)); // a full batch: its write starts and waits
      await new Promise((r) => setTimeout(r, 10));
      for (let i = 3; i < 7; i++) ledger.record(row(i)); // the queue spills to disk meanwhile
      release();
      await new Promise((r) => setTimeout(r, 10));
      const closing = ledger.close();
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 10));
        release();
      }
      expect(await closing).toBe(0);
      expect([...new Set(written)].sort()).toEqual(Array.from({ length: 7 }, (_, i) => `req_${i}`).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
