import pg, { type PoolClient } from "pg";
import type { Database, QueryResult, Sql } from "./database.js";

export interface PostgresOptions {
  /** A libpq URL: postgres://user:password@host:port/db?sslmode=… */
  url: string;
  /** Schema for every table (migrations create it); default: the server's search_path. */
  schema?: string;
  maxConnections?: number;
  /** The server cancels a statement that runs longer (ms). */
  statementTimeoutMs?: number;
  /** How long to wait for a connection before failing (ms). */
  connectTimeoutMs?: number;
}

type Queryable = Pick<PoolClient, "query">;

const sqlOn = (client: Queryable): Sql => ({
  async query<R>(text: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const result = await client.query(text, [...params]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  },
  async exec(text: string): Promise<void> {
    await client.query(text);
  },
});

/** A schema name goes into SQL as an identifier: letters, digits and underscores only. */
export function quoteSchema(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`database schema "${name}" must be lower-case letters, digits and underscores`);
  }
  return `"${name}"`;
}

/** A pool of connections to a PostgreSQL server; it connects on first use. */
export function openPostgres(options: PostgresOptions): Database {
  const schema = options.schema === undefined ? undefined : quoteSchema(options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    // An idle connection the server or a proxy dropped must not take the process down.
    idleTimeoutMillis: 30_000,
    application_name: "kuberelay",
    // A startup parameter: every connection has it before its first query.
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // Errors on idle clients (the server restarted) are reported on the next query instead.
  pool.on("error", () => undefined);
  return {
    kind: "postgres",
    schema,
    ...sqlOn(pool),
    async withConnection(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await fn(sqlOn(client));
      } catch (err) {
        broken = err instanceof Error ? err : new Error(String(err));
        throw err;
      } finally {
        // A connection that failed mid-transaction or holds a session lock is not handed out again.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
