import type { Sql } from "../../common/db/database.js";

/** What usage can be grouped by, each an expression over usage_events. */
export const USAGE_GROUPS = ["namespace", "key", "model", "day", "provider", "policy"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/**
 * The SQL for each group. Only these strings reach the statement's text; every value a caller
 * gives is a parameter. `day` is the UTC calendar day, whatever the session's time zone.
 */
const groupSql: Record<UsageGroup, string> = {
  namespace: "namespace",
  key: "relay_key",
  model: "model",
  day: "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
  provider: "provider",
  policy: "policy",
};

/** The filters a report can take, each an equality on one column. */
const filterSql = { namespace: "namespace", key: "relay_key", model: "model" } as const;
export type UsageFilter = keyof typeof filterSql;

export interface UsageQuery {
  /** First UTC day, `YYYY-MM-DD`, included. */
  from: string;
  /** Last UTC day, `YYYY-MM-DD`, included. */
  to: string;
  /** At least one; rows are ordered by these, in this order. */
  groupBy: readonly UsageGroup[];
  filters: Partial<Record<UsageFilter, string>>;
}

/**
 * One group's sums. A group's value is null where the ledger has none (a request refused before
 * a model or provider was known). Cost is a decimal string with the column's 9 places: summed as
 * numeric, it would lose digits as a JavaScript number past about $9,007,199.
 */
export type UsageLine = Partial<Record<UsageGroup, string | null>> & {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
};

export interface UsageReport {
  lines: UsageLine[];
  /** More groups matched than the report's row bound: the lines are the first ones, in order. */
  truncated: boolean;
}

const DAY_MS = 86_400_000;

/** Sums of requests, tokens and cost per group over whole UTC days, from the usage ledger. */
export async function usageReport(sql: Sql, query: UsageQuery, maxRows: number): Promise<UsageReport> {
  const from = new Date(`${query.from}T00:00:00Z`);
  const end = new Date(new Date(`${query.to}T00:00:00Z`).getTime() + DAY_MS);
  const params: unknown[] = [from.toISOString(), end.toISOString()];
  const where = ["occurred_at >= $1", "occurred_at < $2"];
  for (const [filter, value] of Object.entries(query.filters) as [UsageFilter, string | undefined][]) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${filterSql[filter]} = $${params.length}`);
  }
  params.push(maxRows + 1);
  const groups = query.groupBy.map((g, i) => `${groupSql[g]} AS g${i}`);
  const positions = query.groupBy.map((_, i) => String(i + 1)).join(", ");
  // Sums as text: pg returns numeric as a string anyway, and PGlite might not.
  const { rows } = await sql.query<Record<string, string | null>>(
    `SELECT ${groups.join(", ")}, count(*)::text AS requests,
            sum(input_tokens)::text AS input_tokens, sum(output_tokens)::text AS output_tokens,
            sum(cost_usd)::text AS cost_usd
       FROM usage_events
      WHERE ${where.join(" AND ")}
      GROUP BY ${positions}
      ORDER BY ${positions}
      LIMIT $${params.length}`,
    params,
  );
  const lines = rows.slice(0, maxRows).map((row) => {
    const line: UsageLine = {
      requests: Number(row.requests),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: row.cost_usd ?? "0.000000000",
    };
    query.groupBy.forEach((g, i) => {
      line[g] = row[`g${i}`] ?? null;
    });
    return line;
  });
  return { lines, truncated: rows.length > maxRows };
}
