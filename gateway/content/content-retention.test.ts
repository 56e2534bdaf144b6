import { describe, expect, it, vi } from "vitest";
import type { CompiledPolicy } from "../../common/config/gateway-config.js";
import type { Database } from "../../common/db/database.js";
import { databaseKinds, databasePerTest } from "../../common/db/testing/test-databases.js";
import { plainContent } from "../ledger/testing/plain-content.js";
import { UsageLedger } from "../ledger/usage-ledger.js";
import type { UsageRow } from "../ledger/usage-row.js";
import { SnapshotHolder } from "../snapshot.js";
import { deleteExpiredContent } from "./content-retention.js";
import { contentRetentionOf } from "./content-settings.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const DAY = 86_400_000;
const now = Date.UTC(2026, 11, 20, 12);
const captured = (id: string, policy: string, daysAgo: number, deleteAfter?: number): UsageRow => ({
  requestId: id,
  occurredAt: now - daysAgo * DAY,
  relayKey: `${policy.split("/")[0]}/key`,
  policy,
  surface: "openai",
  status: 200,
  inputTokens: 1,
  outputTokens: 1,
  costUsd: 0,
  durationMs: 1,
  streamed: false,
  cancelled: false,
  usageEstimated: false,
  content: plainContent(deleteAfter),
});

const lowered = { mode: "plaintext", retentionDays: 7 } as const;

/** The gateway's config as far as content goes: Policy id → its content (none: off). */
function configWith(policies: Record<string, CompiledPolicy["content"]>): SnapshotHolder {
  const holder = new SnapshotHolder();
  swapTo(holder, policies);
  return holder;
}
function swapTo(holder: SnapshotHolder, policies: Record<string, CompiledPolicy["content"]>): void {
  const compiled = Object.entries(policies).map(([id, content]): [string, CompiledPolicy] => [
    id,
    { routes: [], ...(content ? { content } : {}) },
  ]);
  holder.swap({ generation: "g", keys: new Map(), policies: new Map(compiled), providers: new Map() });
}

const contentLeft = async (db: Database) =>
  (await db.query<{ request_id: string }>("SELECT request_id FROM usage_content ORDER BY 1")).rows.map(
    (r) => r.request_id,
  );

describe.each(databaseKinds)("content retention on the $kind database", ({ open }) => {
  const fresh = databasePerTest(open);

  it("deletes content older than its Policy's retentionDays, keeps the rest and every usage row", async () => {
    const t = await fresh();
    const ledger = new UsageLedger({ db: t.db, flushIntervalMs: 60_000 });
    for (const row of [
      captured("old-a", "team-a/p", 8),
      captured("new-a", "team-a/p", 6),
      captured("old-b", "team-b/p", 8),
    ]) {
      ledger.record(row);
    }
    expect(await ledger.close()).toBe(0);
    expect(await deleteExpiredContent(t.db, now, new Map([["team-a/p", 7]]))).toBe(1);
    const left = await t.db.query<{ request_id: string }>("SELECT request_id FROM usage_content ORDER BY 1");
    expect(left.rows.map((r) => r.request_id)).toEqual(["new-a", "old-b"]);
    const usage = await t.db.query<{ n: string }>("SELECT count(*) AS n FROM usage_events");
    expect(Number(usage.rows[0]?.n)).toBe(3);
  });

  it.each([
    ["deleted", { "team-c/p": lowered }],
    ["switched off", { "team-a/p": undefined, "team-c/p": lowered }],
  ] as const)(
    "deletes content past the expiry it was captured with after its Policy is %s",
    async (_, after) => {
      const t = await fresh();
      const config = configWith({
        "team-a/p": { mode: "plaintext", retentionDays: 1 },
        "team-b/p": { mode: "plaintext" },
        "team-c/p": { mode: "plaintext", retentionDays: 30 },
      });
      const ledger = new UsageLedger({
        db: t.db,
        flushIntervalMs: 60_000,
        contentRetention: (policy) => contentRetentionOf(config).get(policy),
      });
      for (const row of [
        captured("old-a", "team-a/p", 2),
        captured("new-a", "team-a/p", 0.5),
        captured("old-b", "team-b/p", 30),
        captured("old-c", "team-c/p", 10),
      ]) {
        ledger.record(row);
      }
      expect(await ledger.close()).toBe(0);
      const stamped = await t.db.query<{ request_id: string; delete_after: Date | null }>(
        "SELECT request_id, delete_after FROM usage_content ORDER BY 1",
      );
      expect(stamped.rows.map((r) => [r.request_id, r.delete_after?.getTime() ?? null])).toEqual([
        ["new-a", now + 0.5 * DAY],
        ["old-a", now - DAY],
        ["old-b", null],
        ["old-c", now + 20 * DAY],
      ]);

      swapTo(config, after);
      expect([...contentRetentionOf(config).keys()]).toEqual(["team-c/p"]);
      // team-c/p's retention lowered to 7 days reaches content it captured under 30: both
      // conditions hold, the expiry kept with each row and each Policy's retentionDays now.
      expect(await deleteExpiredContent(t.db, now, contentRetentionOf(config))).toBe(2);
      expect(await contentLeft(t.db)).toEqual(["new-a", "old-b"]);
      // A day on, the newer one is past its expiry too; content captured without one stays.
      expect(await deleteExpiredContent(t.db, now + DAY, contentRetentionOf(config))).toBe(1);
      expect(await contentLeft(t.db)).toEqual(["old-b"]);
      const usage = await t.db.query<{ n: string }>("SELECT count(*) AS n FROM usage_events");
      expect(Number(usage.rows[0]?.n)).toBe(4);
    },
  );

  it("deletes in bounded batches, leaving what is past the bound to the next run", async () => {
    const t = await fresh();
    const ledger = new UsageLedger({ db: t.db, flushIntervalMs: 60_000 });
    for (let i = 0; i < 7; i++) ledger.record(captured(`old-${i}`, "team-a/p", 3, now - DAY - i));
    ledger.record(captured("new", "team-a/p", 0.5, now + 0.5 * DAY));
    expect(await ledger.close()).toBe(0);
    const seen: string[] = [];
    const counting: Database = {
      ...t.db,
      query: (text, params) => {
        if (text.includes("DELETE")) seen.push(String(params?.at(-1)));
        return t.db.query(text, params);
      },
    };
    expect(await deleteExpiredContent(counting, now, new Map(), { batchSize: 2, maxBatches: 3 })).toBe(6);
    expect(seen).toEqual(["2", "2", "2"]);
    expect(await deleteExpiredContent(counting, now, new Map(), { batchSize: 2, maxBatches: 3 })).toBe(1);
    expect(await contentLeft(t.db)).toEqual(["new"]);
  });
});
