import type { Sql } from "../../common/db/database.js";

/** The ledger's tables partitioned by month. */
export const MONTHLY_TABLES = ["usage_events", "usage_content"] as const;
export type MonthlyTable = (typeof MONTHLY_TABLES)[number];

/** The UTC month an instant falls in, as the name and bounds of a table's partition. */
export function monthPartition(
  at: number,
  table: MonthlyTable = "usage_events",
): { name: string; from: string; to: string } {
  const d = new Date(at);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const from = new Date(Date.UTC(year, month, 1)).toISOString();
  const to = new Date(Date.UTC(year, month + 1, 1)).toISOString();
  return { name: `${table}_${year}_${String(month + 1).padStart(2, "0")}`, from, to };
}

/** Creates the month's partitions unless they exist; replicas may race here, and both succeed. */
export async function ensureMonthPartition(sql: Sql, at: number): Promise<void> {
  for (const table of MONTHLY_TABLES) await ensurePartition(sql, table, at);
}

async function ensurePartition(sql: Sql, table: MonthlyTable, at: number): Promise<void> {
  const p = monthPartition(at, table);
  try {
    await sql.exec(
      `CREATE TABLE IF NOT EXISTS ${p.name} PARTITION OF ${table} FOR VALUES FROM ('${p.from}') TO ('${p.to}')`,
    );
  } catch (err) {
    // Two replicas creating the same partition at once: the loser sees a duplicate.
    const code = (err as { code?: string }).code;
    if (code !== "42P07" && code !== "23505") throw err;
  }
}
