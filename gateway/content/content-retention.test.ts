import { describe, expect, it, vi } from "vitest";
import { databaseKinds, databasePerTest } from "../../common/db/testing/test-databases.js";
import { UsageLedger } from "../ledger/usage-ledger.js";
import type { UsageRow } from "../ledger/usage-row.js";
import { deleteExpiredContent } from "./content-retention.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const DAY = 86_400_000;
const now = Date.UTC(2026, 11, 20, 12);
const captured = (id: string, policy: string, daysAgo: number): UsageRow => ({
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
  content: {
    encoding: "plaintext",
    request: Buffer.from("q").toString("base64"),
    response: Buffer.from("a").toString("base64"),
    requestTruncated: false,
    responseTruncated: false,
  },
});

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
});
