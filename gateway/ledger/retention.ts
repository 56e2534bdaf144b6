import type { Sql } from "../../common/db/database.js";

const PARTITION = /^usage_(?:events|content)_(\d{4})_(\d{2})$/;

/**
 * Drops the usage_events and usage_content partitions of months that ended more than `keepMonths` whole months
 * before the current one: retention is a DROP of a month's table, not a DELETE of its rows.
 * Replicas may run it at once; a partition another one dropped first is skipped.
 */
export async function dropExpiredMonths(sql: Sql, now: number, keepMonths: number): Promise<string[]> {
  const d = new Date(now);
  // The oldest month kept: the current one and the keepMonths before it.
  const oldestKept = d.getUTCFullYear() * 12 + d.getUTCMonth() - keepMonths;
  const { rows } = await sql.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent IN (to_regclass('usage_events'), to_regclass('usage_content'))`,
  );
  const dropped: string[] = [];
  for (const { name } of rows) {
    const m = PARTITION.exec(name);
    if (!m) continue;
    if (Number(m[1]) * 12 + Number(m[2]) - 1 >= oldestKept) continue;
    await sql.exec(`DROP TABLE IF EXISTS ${name}`);
    dropped.push(name);
  }
  return dropped.sort();
}
