import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
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
    const pgdata = join(dataDir, "pgdata");
    if (!existsSync(join(pgdata, "PG_VERSION"))) await initialise(pgdata);
    const { PGlite } = await import("@electric-sql/pglite");
    const pglite = await PGlite.create({
      dataDir: pgdata,
      // PostgreSQL's 128 MB default is memory this process holds for good; the ledger mostly
      // appends. Reopening a data directory: 324 MiB RSS with the default, 241 with this.
      postgresqlconf: ["shared_buffers = 16MB"],
    });
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

/** initdb in a process of its own (embedded-init.ts says why), next to this file as built. */
async function initialise(pgdata: string): Promise<void> {
  const script = new URL(
    `./embedded-init${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
    import.meta.url,
  );
  try {
    await promisify(execFile)(process.execPath, [fileURLToPath(script), pgdata], { timeout: 120_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`could not create the embedded database in ${pgdata}${stderr ? `: ${stderr}` : ""}`);
  }
}
