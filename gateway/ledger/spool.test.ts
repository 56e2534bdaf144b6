import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Database, QueryResult } from "../../common/db/database.js";
import { databasePerTest, testPostgres } from "../../common/db/testing/test-databases.js";
import { LedgerSpool } from "./spool.js";
import { droppedCounter } from "./testing/counting-metrics.js";
import { UsageLedger } from "./usage-ledger.js";
import type { UsageRow } from "./usage-row.js";

const row = (n: number): UsageRow => ({
  requestId: `req_${n}`,
  occurredAt: Date.UTC(2026, 11, 6, 12) + n,
  relayKey: "team-a/bot",
  policy: "team-a/default",
  surface: "openai",
  status: 200,
  inputTokens: 3,
  outputTokens: 4,
  costUsd: 0.001,
  durationMs: 2,
  streamed: false,
  cancelled: false,
  usageEstimated: false,
});

/** A database that answers only while `up.value` is true. */
function switchable(real: Database, up: { value: boolean }): Database {
  const gate = <T>(run: () => Promise<T>) =>
    up.value ? run() : Promise.reject(new Error("connect ECONNREFUSED"));
  return {
    ...real,
    query: <R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> =>
      gate(() => real.query<R>(text, params)),
    exec: (text) => gate(() => real.exec(text)),
  };
}

describe("the ledger's spool", () => {
  const dirs: string[] = [];
  const fresh = databasePerTest(testPostgres);
  const spoolDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "kuberelay-spool-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("keeps every row through an outage and a restart: none dropped, each written once", async () => {
    const t = await fresh();
    const up = { value: false };
    const dir = spoolDir();
    const { metrics, dropped } = droppedCounter();
    const down = new UsageLedger({
      db: switchable(t.db, up),
      spool: new LedgerSpool(dir),
      maxPending: 10,
      flushIntervalMs: 60_000,
      metrics,
    });
    // 25 rows against a memory bound of 10: two overflows go to disk, the rest at shutdown.
    for (let i = 0; i < 25; i++) down.record(row(i));
    expect(down.backlog).toBe(5);
    expect(await down.close()).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith(".ndjson"))).toHaveLength(3);
    expect(dropped).toEqual([]);

    up.value = true;
    const next = new UsageLedger({ db: t.db, spool: new LedgerSpool(dir), flushIntervalMs: 60_000 });
    next.record(row(100));
    expect(await next.close()).toBe(0);
    const n = await t.db.query<{ n: string }>("SELECT count(DISTINCT request_id) AS n FROM usage_events");
    expect(Number(n.rows[0]?.n)).toBe(26);
    expect(readdirSync(dir).filter((f) => f.endsWith(".ndjson"))).toEqual([]);
  });

  it("security: skips and counts lines that are not rows (a torn write, a hand edit), writes the rest", async () => {
    const t = await fresh();
    const dir = spoolDir();
    const spool = new LedgerSpool(dir);
    expect(spool.save([row(1), row(2)])).toBe(true);
    const [file] = spool.files();
    const path = join(dir, file ?? "");
    const hostile = [
      "{not json",
      JSON.stringify({ ...row(3), costUsd: -5 }),
      JSON.stringify({ ...row(4), status: "200; DROP TABLE usage_events" }),
      JSON.stringify({ ...row(5), relayKey: "x".repeat(10_000) }),
      '{"__proto__":{"polluted":true}}',
    ].join("\n");
    writeFileSync(path, `${readFileSync(path, "utf8")}${hostile}\n`);
    const { metrics, dropped } = droppedCounter();
    const ledger = new UsageLedger({ db: t.db, spool, flushIntervalMs: 60_000, metrics });
    expect(await ledger.close()).toBe(0);
    expect(dropped).toEqual([5]);
    const ids = await t.db.query<{ request_id: string }>("SELECT request_id FROM usage_events ORDER BY 1");
    expect(ids.rows.map((r) => r.request_id)).toEqual(["req_1", "req_2"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a save past its bound, and the ledger then drops and counts", async () => {
    const dir = spoolDir();
    const spool = new LedgerSpool(dir, 600);
    expect(spool.save([row(1)])).toBe(true);
    expect(spool.save([row(2), row(3)])).toBe(false);
    expect(spool.files()).toHaveLength(1);
  });
});
