import type { Database, Sql } from "./database.js";

export interface Migration {
  /** Applied in this order; never renumbered, never edited once released (forward-only). */
  version: number;
  name: string;
  sql: string;
}

/** The key of the session advisory lock every kuberelay process takes to migrate (any bigint). */
const MIGRATION_LOCK = 0x6b7265_6c6179n; // "krelay"

export interface MigrationReport {
  applied: number[];
  /** Versions the database has that this build does not know: a newer release migrated it. */
  unknown: number[];
}

/**
 * Brings the schema up to date. Many replicas may start at once: each waits for the advisory
 * lock, and the first applies what is pending while the rest find nothing left to do. Every
 * migration runs in its own transaction with its version row, so a failure leaves the database
 * at the last whole version.
 */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<MigrationReport> {
  assertOrdered(migrations);
  return db.withConnection(async (sql) => {
    await sql.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK.toString()]);
    try {
      // Under the lock: two replicas creating the schema at once collide even with IF NOT EXISTS.
      if (db.schema) await sql.exec(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
      await sql
        .exec(`CREATE TABLE IF NOT EXISTS kuberelay_schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`)
        .catch(explainMissingSchema);
      const done = new Set(
        (await sql.query<{ version: number }>("SELECT version FROM kuberelay_schema_migrations")).rows.map(
          (r) => r.version,
        ),
      );
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await applyOne(sql, m);
        applied.push(m.version);
      }
      const known = new Set(migrations.map((m) => m.version));
      return { applied, unknown: [...done].filter((v) => !known.has(v)).sort((a, b) => a - b) };
    } finally {
      await sql.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK.toString()]);
    }
  });
}

/** PostgreSQL's invalid_schema_name: the search_path names no schema that exists. */
const INVALID_SCHEMA_NAME = "3F000";

/**
 * The server's own words ("no schema has been selected to create in") do not say where the
 * schema was chosen: most often a search_path in the database URL's options.
 */
function explainMissingSchema(err: unknown): never {
  if ((err as { code?: unknown } | null)?.code === INVALID_SCHEMA_NAME) {
    throw new Error(
      "the database has no schema to create kuberelay's tables in: the search_path (often set by options=-c search_path=… in the database URL) names none that exists; create it (CREATE SCHEMA …) or leave search_path to the server's default",
      { cause: err },
    );
  }
  throw err;
}

async function applyOne(sql: Sql, m: Migration) {
  await sql.exec("BEGIN");
  try {
    await sql.exec(m.sql);
    await sql.query("INSERT INTO kuberelay_schema_migrations (version, name) VALUES ($1, $2)", [
      m.version,
      m.name,
    ]);
    await sql.exec("COMMIT");
  } catch (err) {
    await sql.exec("ROLLBACK").catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`database migration ${m.version} (${m.name}) failed: ${reason}`);
  }
}

function assertOrdered(migrations: readonly Migration[]) {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}
