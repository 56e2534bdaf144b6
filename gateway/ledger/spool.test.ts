import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Database, QueryResult } from "../../common/db/database.js";
import {
  databaseKinds,
  databasePerTest,
  type TestDatabase,
  testPostgres,
} from "../../common/db/testing/test-databases.js";
import { LedgerSpool } from "./spool.js";
import { droppedCounter } from "./testing/counting-metrics.js";
import { plainContent } from "./testing/plain-content.js";
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

const DAY = 86_400_000;

/** A row with captured content, as a gateway before content expiries spooled it (none). */
const withContent = (n: number, deleteAfter?: unknown): UsageRow => ({
  ...row(n),
  content: plainContent(deleteAfter),
});

/** Spooled lines as a gateway finds them at start: written by a ledger that drains the spool. */
async function drainSpooled(t: TestDatabase, dir: string, lines: readonly string[]): Promise<number[]> {
  writeFileSync(join(dir, "spool-1-1-0.ndjson"), `${lines.join("\n")}\n`);
  const { metrics, dropped } = droppedCounter();
  const ledger = new UsageLedger({ db: t.db, spool: new LedgerSpool(dir), flushIntervalMs: 60_000, metrics });
  expect(await ledger.close()).toBe(0);
  return dropped;
}

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

describe.each(databaseKinds)("captured content's expiry in the spool, on the $kind database", ({ open }) => {
  vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
  const dirs: string[] = [];
  const fresh = databasePerTest(open);
  const spoolDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "kuberelay-spool-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const expiries = async (t: { db: Database }) =>
    (
      await t.db.query<{ request_id: string; delete_after: Date | null }>(
        "SELECT request_id, delete_after FROM usage_content ORDER BY 1",
      )
    ).rows.map((r) => [r.request_id, r.delete_after?.getTime() ?? null]);

  it("keeps the expiry a row was recorded with through the spool, after its Policy is gone", async () => {
    const t = await fresh();
    const dir = spoolDir();
    const up = { value: false };
    const down = new UsageLedger({
      db: switchable(t.db, up),
      spool: new LedgerSpool(dir),
      flushIntervalMs: 60_000,
      contentRetention: (policy) => (policy === "team-a/default" ? 1 : undefined),
    });
    down.record(withContent(1));
    expect(await down.close()).toBe(0);
    up.value = true;
    // The Policy is gone from the config the next gateway serves: the expiry came with the row.
    const next = new UsageLedger({ db: t.db, spool: new LedgerSpool(dir), flushIntervalMs: 60_000 });
    expect(await next.close()).toBe(0);
    expect(await expiries(t)).toEqual([["req_1", row(1).occurredAt + DAY]]);
  });

  it("writes a line spooled before there were expiries, its content without one", async () => {
    const t = await fresh();
    const line = JSON.stringify(withContent(1));
    expect(line).not.toContain("deleteAfter");
    expect(await drainSpooled(t, spoolDir(), [line])).toEqual([]);
    expect(await expiries(t)).toEqual([["req_1", null]]);
  });

  it("security: refuses a line whose content expiry no Policy could have given, writes the rest", async () => {
    const t = await fresh();
    const at = row(0).occurredAt;
    const hostile = [
      "tomorrow",
      "2027-01-01T00:00:00Z",
      String(at + DAY),
      at + DAY + 0.5,
      -1,
      1e300,
      at, // sooner than any retentionDays
      at + 3651 * DAY, // past the longest
      Date.UTC(99999, 0, 1),
      {},
      { $gt: 0 },
      [at + DAY],
      null,
      true,
    ];
    const lines = [
      JSON.stringify(withContent(1, at + 1 + DAY)),
      JSON.stringify(withContent(2, at + 2 + 3650 * DAY)),
      JSON.stringify(withContent(3)),
      ...hostile.map((deleteAfter, i) => JSON.stringify(withContent(10 + i, deleteAfter))),
    ];
    expect(await drainSpooled(t, spoolDir(), lines)).toEqual([hostile.length]);
    expect(await expiries(t)).toEqual([
      ["req_1", at + 1 + DAY],
      ["req_2", at + 2 + 3650 * DAY],
      ["req_3", null],
    ]);
    const usage = await t.db.query<{ n: string }>("SELECT count(*) AS n FROM usage_events");
    expect(Number(usage.rows[0]?.n)).toBe(3);
  });
});
