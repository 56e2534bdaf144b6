import type { UsageGroup, UsageLine } from "../ledger/usage-report.js";
import { type CsvCell, toCsv } from "./csv.js";

/** A usage report as CSV: one column per group, then the sums; cost with its 9 decimal places. */
export function usageCsv(groupBy: readonly UsageGroup[], lines: readonly UsageLine[]): string {
  const header = [...groupBy, "requests", "input_tokens", "output_tokens", "cost_usd"];
  const rows = lines.map((line): CsvCell[] => [
    ...groupBy.map((g) => line[g] ?? null),
    line.requests,
    line.inputTokens,
    line.outputTokens,
    line.costUsd,
  ]);
  return toCsv(header, rows);
}
