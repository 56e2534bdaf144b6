/**
 * The SQL the ledger and the audit trail need, over either PostgreSQL (`pg`, many connections)
 * or the embedded one (PGlite, one connection in this process). Both speak the same SQL.
 */
export interface QueryResult<R> {
  rows: R[];
  /** Rows inserted, updated or deleted (0 for a SELECT on the embedded database). */
  rowCount: number;
}

export interface Sql {
  /** One statement, with $1… parameters. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Several statements, no parameters (a migration). */
  exec(text: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: "postgres" | "embedded";
  /** The quoted schema every table lives in, when not the server's default. */
  readonly schema?: string | undefined;
  /** Holds one connection for `fn`: what a session advisory lock or a transaction needs. */
  withConnection<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Runs `fn` in a transaction on one connection: committed if it resolves, rolled back if it throws. */
export async function inTransaction<T>(db: Database, fn: (sql: Sql) => Promise<T>): Promise<T> {
  return db.withConnection(async (sql) => {
    await sql.exec("BEGIN");
    try {
      const result = await fn(sql);
      await sql.exec("COMMIT");
      return result;
    } catch (err) {
      await sql.exec("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
}
