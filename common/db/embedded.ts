import type { PGlite } from "@electric-sql/pglite";
import type { Database, QueryResult, Sql } from "./database.js";
import { lockDataDir } from "./dir-lock.js";

/** A FIFO lock: one holder of the embedded database's single connection at a time. */
class Turns {
  private tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const sqlOn = (pglite: PGlite): Sql => ({
  async query<R>(text: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const result = await pglite.query<R>(text, [...params]);
    return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
  },
  async exec(text: string): Promise<void> {
    await pglite.exec(text);
  },
});

/**
 * PostgreSQL compiled to WebAssembly, in this process, its files in `dataDir`: the ledger of a
 * gateway with no database server. Loaded only when used (it is tens of MiB).
 */
export async function openEmbedded(dataDir: string): Promise<Database> {
  const lock = lockDataDir(dataDir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const pglite = await PGlite.create({ dataDir: `${dataDir}/pgdata` });
    const turns = new Turns();
    const direct = sqlOn(pglite);
    return {
      kind: "embedded",
      query: (text, params) => turns.run(() => direct.query(text, params)),
      exec: (text) => turns.run(() => direct.exec(text)),
      withConnection: (fn) => turns.run(() => fn(direct)),
      async close() {
        await turns.run(() => pglite.close());
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
