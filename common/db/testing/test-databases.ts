import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach } from "vitest";
import type { Database } from "../database.js";
import { openEmbedded } from "../embedded.js";
import { migrate } from "../migrate.js";
import { migrations } from "../migrations.js";
import { openPostgres } from "../postgres.js";

/** The machine's PostgreSQL (CI has it too); each test gets a schema of its own. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  db: Database;
  /** Opens another handle on the same database, as a second replica would. */
  another(): Promise<Database>;
  /** Closes every handle and removes what the test made. */
  drop(): Promise<void>;
}

export async function testPostgres(): Promise<TestDatabase> {
  const schema = `kr_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const handles: Database[] = [];
  const open = async () => {
    const db = openPostgres({ url: TEST_DATABASE_URL, schema });
    handles.push(db);
    return db;
  };
  return {
    db: await open(),
    another: open,
    async drop() {
      await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}

export async function testEmbedded(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "kuberelay-embedded-"));
  const db = await openEmbedded(dir);
  return {
    db,
    another: () => Promise.reject(new Error("the embedded database has one handle per data directory")),
    async drop() {
      await db.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Both kinds, for `describe.each`: every ledger behaviour holds on either. */
export const databaseKinds = [
  { kind: "postgres", open: testPostgres },
  { kind: "embedded", open: testEmbedded },
] as const;

/**
 * Call inside a describe: gives each test a database of its own (migrated to the current schema
 * unless `migrated` is false) and drops it after the test, pass or fail.
 */
export function databasePerTest(
  open: () => Promise<TestDatabase>,
  { migrated = true }: { migrated?: boolean } = {},
): () => Promise<TestDatabase> {
  const opened: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((t) => t.drop()));
  });
  return async () => {
    const t = await open();
    opened.push(t);
    if (migrated) await migrate(t.db, migrations);
    return t;
  };
}
