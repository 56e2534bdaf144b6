import { describe, expect, it, vi } from "vitest";
import { databaseKinds, databasePerTest } from "../../common/db/testing/test-databases.js";
import { UsageLedger } from "./usage-ledger.js";
import { usageReport } from "./usage-report.js";
import type { UsageRow } from "./usage-row.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let n = 0;
const used = (at: number, o: Partial<UsageRow> = {}): UsageRow => ({
  requestId: `req_${n++}`,
  occurredAt: at,
  relayKey: "team-a/bot",
  policy: "team-a/default",
  surface: "openai",
  model: "gpt-4o-mini",
  providerKey: "platform/openai",
  provider: "openai",
  status: 200,
  inputTokens: 10,
  outputTokens: 5,
  costUsd: 0.000001234,
  durationMs: 1,
  streamed: false,
  cancelled: false,
  usageEstimated: false,
  ...o,
});

const dec1 = Date.UTC(2026, 11, 1);
const rows = [
  // 23:59 UTC on the 1st and 00:00 on the 2nd: two days, whatever the server's time zone.
  used(Date.UTC(2026, 11, 1, 23, 59, 59)),
  used(Date.UTC(2026, 11, 2, 0, 0, 0)),
  used(Date.UTC(2026, 11, 2, 12), { model: "=HYPERLINK(1)", inputTokens: 100, costUsd: 0.5 }),
  // Each exact to 9 places on its own; as doubles, 10,000,000 + 0.000000003 is 10000000.000000004.
  used(Date.UTC(2026, 11, 3), { relayKey: "team-b/bot", policy: "team-b/p", costUsd: 10_000_000 }),
  used(Date.UTC(2026, 11, 3, 1), { relayKey: "team-b/bot", policy: "team-b/p", costUsd: 0.000000003 }),
  used(Date.UTC(2026, 11, 3), { model: undefined, provider: undefined, providerKey: undefined, status: 401 }),
  used(Date.UTC(2026, 10, 30, 23, 59), { costUsd: 8 }), // the month before: outside the range
  used(Date.UTC(2026, 11, 4, 0, 0, 0), { costUsd: 8 }), // the day after `to`
];

describe.each(databaseKinds)("usage report, from the ledger on the $kind database", ({ open }) => {
  const fresh = databasePerTest(open);

  it("sums requests, tokens and cost per namespace, key, model and UTC day, cost to the ninth decimal", async () => {
    const t = await fresh();
    const ledger = new UsageLedger({ db: t.db, flushIntervalMs: 60_000 });
    for (const row of rows) ledger.record(row);
    expect(await ledger.close()).toBe(0);
    const range = { from: "2026-12-01", to: "2026-12-03", filters: {} };

    const byNamespace = await usageReport(t.db, { ...range, groupBy: ["namespace"] }, 100);
    expect(byNamespace).toEqual({
      truncated: false,
      lines: [
        { namespace: "team-a", requests: 4, inputTokens: 130, outputTokens: 20, costUsd: "0.500003702" },
        // numeric(18, 9) keeps every digit a double would have rounded away.
        {
          namespace: "team-b",
          requests: 2,
          inputTokens: 20,
          outputTokens: 10,
          costUsd: "10000000.000000003",
        },
      ],
    });

    // A session in a time zone 14 hours from UTC must not move a row to another day.
    const byDay = await t.db.withConnection(async (sql) => {
      await sql.exec("SET TIME ZONE 'Pacific/Kiritimati'");
      try {
        return await usageReport(sql, { ...range, groupBy: ["day"], filters: { namespace: "team-a" } }, 100);
      } finally {
        await sql.exec("RESET TIME ZONE");
      }
    });
    expect(byDay.lines.map((l) => [l.day, l.requests, l.costUsd])).toEqual([
      ["2026-12-01", 1, "0.000001234"],
      ["2026-12-02", 2, "0.500001234"],
      ["2026-12-03", 1, "0.000001234"],
    ]);

    const byKeyModel = await usageReport(t.db, { ...range, groupBy: ["key", "model"] }, 100);
    expect(byKeyModel.lines.map((l) => [l.key, l.model, l.requests])).toEqual([
      ["team-a/bot", "=HYPERLINK(1)", 1],
      ["team-a/bot", "gpt-4o-mini", 2],
      ["team-a/bot", null, 1],
      ["team-b/bot", "gpt-4o-mini", 2],
    ]);

    const byProviderPolicy = await usageReport(
      t.db,
      { ...range, groupBy: ["provider", "policy"], filters: { model: "gpt-4o-mini", key: "team-a/bot" } },
      100,
    );
    expect(byProviderPolicy.lines).toEqual([
      {
        provider: "openai",
        policy: "team-a/default",
        requests: 2,
        inputTokens: 20,
        outputTokens: 10,
        costUsd: "0.000002468",
      },
    ]);
  });

  it("returns at most maxRows groups, in order, and says it cut the rest; values are parameters", async () => {
    const t = await fresh();
    const ledger = new UsageLedger({ db: t.db, flushIntervalMs: 60_000 });
    for (let d = 0; d < 5; d++) ledger.record(used(dec1 + d * 86_400_000));
    expect(await ledger.close()).toBe(0);
    const query = { from: "2026-12-01", to: "2026-12-31", groupBy: ["day"] as const, filters: {} };
    const cut = await usageReport(t.db, query, 3);
    expect(cut.truncated).toBe(true);
    expect(cut.lines.map((l) => l.day)).toEqual(["2026-12-01", "2026-12-02", "2026-12-03"]);
    expect((await usageReport(t.db, query, 5)).truncated).toBe(false);
    // A filter value is data: it matches nothing, and the table is still there.
    const injected = await usageReport(
      t.db,
      { ...query, filters: { namespace: "x' OR '1'='1", model: "'; DROP TABLE usage_events; --" } },
      10,
    );
    expect(injected.lines).toEqual([]);
    expect((await usageReport(t.db, query, 10)).lines).toHaveLength(5);
  });
});
