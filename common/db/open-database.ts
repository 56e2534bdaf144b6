import type { Database } from "./database.js";
import { type MigrationReport, migrate } from "./migrate.js";
import { migrations } from "./migrations.js";

export type DatabaseTarget = { url: string; schema?: string } | { dataDir: string };

/**
 * Opens PostgreSQL (a URL) or the embedded database (a folder) and migrates it. The driver is
 * imported here, only when a database is configured.
 */
export async function openDatabase(
  target: DatabaseTarget,
): Promise<{ db: Database; migrated: MigrationReport }> {
  const db =
    "url" in target
      ? (await import("./postgres.js")).openPostgres(target)
      : await (await import("./embedded.js")).openEmbedded(target.dataDir);
  try {
    return { db, migrated: await migrate(db, migrations) };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
