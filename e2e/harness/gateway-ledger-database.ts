/**
 * A ledger database of either kind for one gateway process under test: a schema of its own on the
 * machine's PostgreSQL, or an embedded data directory of its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { Database } from "../../common/db/database.js";
import { openEmbedded } from "../../common/db/embedded.js";
import { openPostgres } from "../../common/db/postgres.js";
import { TEST_DATABASE_URL } from "../../common/db/testing/test-databases.js";

export type LedgerKind = "postgres" | "embedded";

export interface GatewayLedgerDatabase {
  readonly kind: LedgerKind;
  /** The flags that give a gateway (or `kuberelay decrypt`) this database. */
  readonly args: readonly string[];
  /**
   * Reads the database as anyone with access to it would. The embedded one is held by its gateway
   * while that runs (one process per directory): read it after the gateway has stopped.
   */
  read<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

const asAdmin = async (sql: string) => {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
};

async function postgresLedger(label: string): Promise<GatewayLedgerDatabase> {
  const schema = `kr_e2e_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  // The gateway finds its tables through the search_path its URL sets, as a deployment may.
  await asAdmin(`CREATE SCHEMA "${schema}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const reader: Database = openPostgres({ url: TEST_DATABASE_URL, schema });
  return {
    kind: "postgres",
    args: ["--database-url", url.href],
    read: async <R>(sql: string, params: readonly unknown[] = []) =>
      (await reader.query<R>(sql, params)).rows,
    async drop() {
      await reader.close().catch(() => undefined);
      await asAdmin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}

function embeddedLedger(parent: string, label: string): GatewayLedgerDatabase {
  const dataDir = mkdtempSync(join(parent, `${label}-data-`));
  return {
    kind: "embedded",
    args: ["--data-dir", dataDir],
    async read<R>(sql: string, params: readonly unknown[] = []) {
      const db = await openEmbedded(dataDir);
      try {
        return (await db.query<R>(sql, params)).rows;
      } finally {
        await db.close();
      }
    },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh database of `kind`; `parent` holds an embedded one's directory. */
export function gatewayLedgerDatabase(
  kind: LedgerKind,
  parent: string,
  label: string,
): Promise<GatewayLedgerDatabase> {
  return kind === "postgres" ? postgresLedger(label) : Promise.resolve(embeddedLedger(parent, label));
}
