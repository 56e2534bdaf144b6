import { describe, expect, it, vi } from "vitest";
import { databaseKinds, databasePerTest } from "../../common/db/testing/test-databases.js";
import { ensureMonthPartition } from "./month-partitions.js";
import { dropExpiredMonths } from "./retention.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

describe.each(databaseKinds)("ledger retention on the $kind database", ({ open }) => {
  const fresh = databasePerTest(open);

  it("drops whole months older than the months kept, and nothing else", async () => {
    const t = await fresh();
    for (const month of [0, 1, 2, 10, 11]) await ensureMonthPartition(t.db, Date.UTC(2026, month, 15));
    await ensureMonthPartition(t.db, Date.UTC(2025, 11, 31));
    // Not ours, though it looks close: left alone.
    await t.db.exec("CREATE TABLE usage_events_notes (id int)");
    const now = Date.UTC(2026, 11, 6);
    // Keep December and the 11 months before it: January 2026 onwards.
    expect(await dropExpiredMonths(t.db, now, 11)).toEqual(["usage_content_2025_12", "usage_events_2025_12"]);
    expect(await dropExpiredMonths(t.db, now, 10)).toEqual(["usage_content_2026_01", "usage_events_2026_01"]);
    expect(await dropExpiredMonths(t.db, now, 10)).toEqual([]);
    const left = await t.db.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('usage_events') ORDER BY 1",
    );
    expect(left.rows.map((r) => r.name)).toEqual([
      "usage_events_2026_02",
      "usage_events_2026_03",
      "usage_events_2026_11",
      "usage_events_2026_12",
    ]);
    expect((await t.db.query("SELECT to_regclass('usage_events_notes')::text AS n")).rows).toEqual([
      { n: "usage_events_notes" },
    ]);
  });
});
