import type { Sql } from "../../common/db/database.js";

export interface ContentDeletion {
  /** Rows per DELETE (default 5,000): each is one short statement, its row locks soon released. */
  batchSize?: number;
  /** DELETEs per condition and run (default 200); what is left goes on the next hour's run. */
  maxBatches?: number;
}

/**
 * Deletes captured content whose retention has passed (its usage rows stay: they are metadata).
 * Two conditions, both needed:
 * - each row's own expiry (delete_after, from its Policy's `content.retentionDays` at capture):
 *   it still holds after the Policy is switched off or deleted, when the gateway's config no
 *   longer names it;
 * - each Policy's retentionDays in the config serving now: lowering it (or adding one) reaches
 *   content captured before, and content without an expiry (captured before there was one).
 * Content that has neither goes with its month's partition, dropped by the ledger's retention.
 */
export async function deleteExpiredContent(
  sql: Sql,
  now: number,
  retentionDays: ReadonlyMap<string, number>,
  options: ContentDeletion = {},
): Promise<number> {
  let deleted = await deleteInBatches(sql, "delete_after <= $1", [new Date(now).toISOString()], options);
  for (const [policy, days] of retentionDays) {
    const before = new Date(now - days * 86_400_000);
    // Before the earliest date there is: nothing is that old.
    if (Number.isNaN(before.getTime())) continue;
    deleted += await deleteInBatches(
      sql,
      "policy = $1 AND occurred_at < $2",
      [policy, before.toISOString()],
      options,
    );
  }
  return deleted;
}

/**
 * Deletes the rows matching `where` a batch at a time. The batch's keys are picked through an
 * index (delete_after's, or policy and time), then deleted by key with `where` checked again;
 * a plain `IN (SELECT ... LIMIT n)` would be planned as a join reading every month whole.
 */
async function deleteInBatches(
  sql: Sql,
  where: string,
  params: readonly unknown[],
  { batchSize = 5_000, maxBatches = 200 }: ContentDeletion,
): Promise<number> {
  const limit = `$${params.length + 1}`;
  const statement = `
    WITH batch AS MATERIALIZED (SELECT request_id, occurred_at FROM usage_content WHERE ${where} LIMIT ${limit})
    DELETE FROM usage_content
    WHERE request_id = ANY(ARRAY(SELECT request_id FROM batch))
      AND occurred_at = ANY(ARRAY(SELECT occurred_at FROM batch))
      AND ${where}`;
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const result = await sql.query(statement, [...params, batchSize]);
    deleted += result.rowCount;
    if (result.rowCount < batchSize) break;
  }
  return deleted;
}
