/** Budgets run on UTC calendar days and months, the periods invoices use. */

const DAY_MS = 86_400_000;
// Every admission asks for today's key: worked out once a day, not with a Date per request.
let today = { from: 0, to: -1, key: "" };

/** `20261205` for any instant of that UTC day. */
export function utcDayKey(now: number): string {
  if (now >= today.from && now < today.to) return today.key;
  const from = Math.floor(now / DAY_MS) * DAY_MS;
  const key = new Date(now).toISOString().slice(0, 10).replaceAll("-", "");
  today = { from, to: from + DAY_MS, key };
  return key;
}

export const utcMonthKey = (now: number) => utcDayKey(now).slice(0, 6);

export function msUntilNextUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}

export function msUntilNextUtcMonth(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - now;
}
