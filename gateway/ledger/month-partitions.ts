import type { Sql } from "../../common/db/database.js";

/** The UTC month an instant falls in, as the name and bounds of its usage_events partition. */
export function monthPartition(at: number): { name: string; from: string; to: string } {
  const d = new Date(at);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const from = new Date(Date.UTC(year, month, 1)).toISOString();
  const to = new Date(Date.UTC(year, month + 1, 1)).toISOString();
  return { name: `usage_events_${year}_${String(month + 1).padStart(2, "0")}`, from, to };
}

/** Creates the month's partition unless it exists; replicas may race here, and both succeed. */
export async function ensureMonthPartition(sql: Sql, at: number): Promise<void> {
  const p = monthPartition(at);
  try {
    await sql.exec(
      `CREATE TABLE IF NOT EXISTS ${p.name} PARTITION OF usage_events FOR VALUES FROM ('${p.from}') TO ('${p.to}')`,
    );
  } catch (err) {
    // Two replicas creating the same partition at once: the loser sees a duplicate.
    const code = (err as { code?: string }).code;
    if (code !== "42P07" && code !== "23505") throw err;
  }
}
