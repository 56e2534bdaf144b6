import { describe, expect, it, vi } from "vitest";
import { databaseKinds, databasePerTest } from "../../common/db/testing/test-databases.js";
import { spendSoFar } from "./spend-so-far.js";
import { UsageLedger } from "./usage-ledger.js";
import type { UsageRow } from "./usage-row.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const now = Date.UTC(2026, 11, 6, 12);
let n = 0;
const spent = (at: number, costUsd: number, o: Partial<UsageRow> = {}): UsageRow => ({
  requestId: `req_${n++}`,
  occurredAt: at,
  relayKey: "team-a/bot",
  policy: "team-a/default",
  surface: "openai",
  providerKey: "platform/openai",
  provider: "openai",
  status: 200,
  inputTokens: 1,
  outputTokens: 1,
  costUsd,
  durationMs: 1,
  streamed: false,
  cancelled: false,
  usageEstimated: false,
  ...o,
});

describe.each(databaseKinds)("spend so far, from the ledger on the $kind database", ({ open }) => {
  const fresh = databasePerTest(open);

  it("sums this UTC day and month per key, Policy and ProviderKey per namespace", async () => {
    const t = await fresh();
    const ledger = new UsageLedger({ db: t.db, flushIntervalMs: 60_000 });
    for (const row of [
      spent(now - 3_600_000, 0.25),
      spent(now, 0.5),
      spent(Date.UTC(2026, 11, 1), 1, { relayKey: "team-a/other" }),
      spent(Date.UTC(2026, 10, 30, 23, 59), 8), // last month: not counted
      spent(now, 0, { providerKey: undefined }), // nothing spent: no row needed
      spent(now, 2, { relayKey: "team-b/bot", policy: "team-b/p", providerKey: "platform/openai" }),
    ]) {
      ledger.record(row);
    }
    expect(await ledger.close()).toBe(0);
    const byScope = Object.fromEntries(
      (await spendSoFar(t.db, now)).map((s) => [s.scope, [s.todayUsd, s.thisMonthUsd]]),
    );
    expect(byScope).toEqual({
      "key:team-a/bot": [0.75, 0.75],
      "key:team-a/other": [0, 1],
      "key:team-b/bot": [2, 2],
      "policy:team-a/default": [0.75, 1.75],
      "policy:team-b/p": [2, 2],
      "provider:platform/openai:namespace:team-a": [0.75, 1.75],
      "provider:platform/openai:namespace:team-b": [2, 2],
    });
  });
});
