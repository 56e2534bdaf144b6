/** Budgets run on UTC calendar days and months, the periods invoices use. */

export const utcDayKey = (now: number) => new Date(now).toISOString().slice(0, 10).replaceAll("-", "");

export const utcMonthKey = (now: number) => utcDayKey(now).slice(0, 6);

export function msUntilNextUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}

export function msUntilNextUtcMonth(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - now;
}
