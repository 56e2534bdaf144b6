import type { Sql } from "../../common/db/database.js";

/** What one limiter scope has spent in the current UTC day and month, by the ledger. */
export interface ScopeSpend {
  /** The limiter's scope id: `key:<ns/name>`, `policy:<ns/name>`, `provider:<ns/name>:namespace:<ns>`. */
  scope: string;
  todayUsd: number;
  thisMonthUsd: number;
}

/**
 * Spend so far this UTC day and month for every scope a budget can be set on, summed from the
 * ledger: a gateway that counts budgets in memory resumes from these after a restart instead of
 * from zero. The ProviderKey scopes are per consuming namespace, the Policy's.
 */
export async function spendSoFar(sql: Sql, now: number): Promise<ScopeSpend[]> {
  const d = new Date(now);
  const dayStart = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString();
  const monthStart = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
  const { rows } = await sql.query<{ scope: string; today: string | null; month: string }>(
    `WITH spent AS (
       SELECT relay_key, policy, provider_key, cost_usd, occurred_at >= $1 AS today
       FROM usage_events WHERE occurred_at >= $2 AND cost_usd > 0
     )
     SELECT 'key:' || relay_key AS scope, sum(cost_usd) FILTER (WHERE today) AS today, sum(cost_usd) AS month
       FROM spent GROUP BY relay_key
     UNION ALL
     SELECT 'policy:' || policy, sum(cost_usd) FILTER (WHERE today), sum(cost_usd)
       FROM spent GROUP BY policy
     UNION ALL
     SELECT 'provider:' || provider_key || ':namespace:' || split_part(policy, '/', 1),
            sum(cost_usd) FILTER (WHERE today), sum(cost_usd)
       FROM spent WHERE provider_key IS NOT NULL GROUP BY provider_key, split_part(policy, '/', 1)`,
    [dayStart, monthStart],
  );
  return rows.map((r) => ({ scope: r.scope, todayUsd: Number(r.today ?? 0), thisMonthUsd: Number(r.month) }));
}
