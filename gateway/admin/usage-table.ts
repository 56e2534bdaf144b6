import { z } from "zod";

/** The admin API's JSON answer, as the CLI trusts it: checked, since it comes over the network. */
export const usageAnswer = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.array(z.string()),
  truncated: z.boolean(),
  rows: z.array(
    z.looseObject({
      requests: z.number(),
      inputTokens: z.number(),
      outputTokens: z.number(),
      costUsd: z.string().regex(/^\d+(\.\d+)?$/),
    }),
  ),
});
export type UsageAnswer = z.infer<typeof usageAnswer>;

const NANO = 1_000_000_000n;

/** A decimal string ("0.000123450") in billionths of a dollar, exactly. */
export function nanos(decimal: string): bigint {
  const [whole = "0", fraction = ""] = decimal.split(".");
  return BigInt(whole) * NANO + BigInt(fraction.padEnd(9, "0").slice(0, 9));
}

/** Billionths of a dollar as dollars with `places` decimals, rounded half up. */
export function dollars(n: bigint, places = 6): string {
  const step = 10n ** BigInt(9 - places);
  const rounded = (n + step / 2n) / step;
  const unit = 10n ** BigInt(places);
  return `${rounded / unit}.${String(rounded % unit).padStart(places, "0")}`;
}

// Names in the ledger come from callers (model names): a terminal must not act on them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
export const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");

const thousands = (n: number) => n.toLocaleString("en-US");

/**
 * A usage answer as an aligned text table: one column per group, then the sums, and a total
 * (summed exactly from the decimal strings). Cost is shown to the millionth of a dollar; the JSON
 * and CSV formats keep all nine places.
 */
export function usageTable(answer: UsageAnswer): string {
  const header = [...answer.groupBy, "requests", "input tokens", "output tokens", "cost usd"];
  const total = { requests: 0, input: 0, output: 0, cost: 0n };
  const body = answer.rows.map((row) => {
    total.requests += row.requests;
    total.input += row.inputTokens;
    total.output += row.outputTokens;
    total.cost += nanos(row.costUsd);
    return [
      ...answer.groupBy.map((g) => {
        const value = row[g];
        return typeof value === "string" ? printable(value) : "-";
      }),
      thousands(row.requests),
      thousands(row.inputTokens),
      thousands(row.outputTokens),
      dollars(nanos(row.costUsd)),
    ];
  });
  const totalRow = [
    ...answer.groupBy.map((_, i) => (i === 0 ? "total" : "")),
    thousands(total.requests),
    thousands(total.input),
    thousands(total.output),
    dollars(total.cost),
  ];
  const rows = [header, ...body, totalRow];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const numeric = (c: number) => c >= answer.groupBy.length;
  const line = (r: string[]) =>
    r
      .map((cell, c) => (numeric(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [
    `usage ${answer.from} to ${answer.to} (UTC days, both included)`,
    line(header),
    rule,
    ...body.map(line),
    rule,
    line(totalRow),
  ].join("\n");
}
