import type { Sql } from "../../common/db/database.js";

/**
 * Deletes captured content older than each Policy's `content.retentionDays` (its usage rows stay:
 * they are metadata). Content of a Policy without one is kept until its month's partition is
 * dropped with the ledger's retention.
 */
export async function deleteExpiredContent(
  sql: Sql,
  now: number,
  retentionDays: ReadonlyMap<string, number>,
): Promise<number> {
  let deleted = 0;
  for (const [policy, days] of retentionDays) {
    const before = new Date(now - days * 86_400_000).toISOString();
    const result = await sql.query("DELETE FROM usage_content WHERE policy = $1 AND occurred_at < $2", [
      policy,
      before,
    ]);
    deleted += result.rowCount;
  }
  return deleted;
}
