import { describe, expect, it, vi } from "vitest";
import { type Migration, migrate } from "./migrate.js";
import { migrations } from "./migrations.js";
import { databaseKinds, databasePerTest, type TestDatabase, testPostgres } from "./testing/test-databases.js";

// The embedded database starts in 2-3 s alone, and slower beside a whole unit run.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const versions = async (t: TestDatabase) =>
  (
    await t.db.query<{ version: number }>("SELECT version FROM kuberelay_schema_migrations ORDER BY version")
  ).rows.map((r) => r.version);

describe.each(databaseKinds)("migrations on the $kind database", ({ open }) => {
  const fresh = databasePerTest(open, { migrated: false });

  it("applies every migration once; a second start finds nothing to do", async () => {
    const t = await fresh();
    const first = await migrate(t.db, migrations);
    expect(first).toEqual({ applied: migrations.map((m) => m.version), unknown: [] });
    expect(await migrate(t.db, migrations)).toEqual({ applied: [], unknown: [] });
    expect(await versions(t)).toEqual(migrations.map((m) => m.version));
    // Resolved through the search path: other tests' schemas hold tables of the same name.
    const ledger = await t.db.query<{ relkind: string }>(
      "SELECT relkind FROM pg_class WHERE oid = to_regclass('usage_events')",
    );
    expect(ledger.rows).toEqual([{ relkind: "p" }]);
  });

  it("stops at the last whole version when a migration fails, and says which one", async () => {
    const t = await fresh();
    const broken: Migration[] = [
      { version: 1, name: "one", sql: "CREATE TABLE one (id int)" },
      { version: 2, name: "two", sql: "CREATE TABLE two (id int); SELECT no_such_function()" },
    ];
    await expect(migrate(t.db, broken)).rejects.toThrow(/migration 2 \(two\) failed/);
    expect(await versions(t)).toEqual([1]);
    // The failed migration's first statement was rolled back with it.
    const two = await t.db.query<{ found: string | null }>("SELECT to_regclass('two')::text AS found");
    expect(two.rows).toEqual([{ found: null }]);
  });

  it("reports versions a newer release applied, and refuses migrations out of order", async () => {
    const t = await fresh();
    await migrate(t.db, [
      { version: 1, name: "one", sql: "SELECT 1" },
      { version: 2, name: "two", sql: "SELECT 1" },
    ]);
    expect(await migrate(t.db, [{ version: 1, name: "one", sql: "SELECT 1" }])).toEqual({
      applied: [],
      unknown: [2],
    });
    await expect(migrate(t.db, [{ version: 2, name: "gap", sql: "SELECT 1" }])).rejects.toThrow(/expected 1/);
  });
});

describe("many replicas starting at once", () => {
  it("apply each migration exactly once between them", async () => {
    const t = await testPostgres();
    try {
      const replicas = await Promise.all(Array.from({ length: 6 }, () => t.another()));
      const reports = await Promise.all(replicas.map((db) => migrate(db, migrations)));
      const applied = reports.flatMap((r) => r.applied).sort((a, b) => a - b);
      expect(applied).toEqual(migrations.map((m) => m.version));
      expect(await versions(t)).toEqual(migrations.map((m) => m.version));
    } finally {
      await t.drop();
    }
  });
});
