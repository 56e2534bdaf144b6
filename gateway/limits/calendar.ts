/** Budgets run on UTC calendar days and months, the periods invoices use. */

const DAY_MS = 86_400_000;

interface Day {
  from: number;
  to: number;
  key: string;
  monthKey: string;
  /** The first instant of the next UTC month. */
  nextMonth: number;
}

// Every admission asks about today: worked out once a day, not with a Date per request.
let today: Day = { from: 0, to: -1, key: "", monthKey: "", nextMonth: 0 };

function dayOf(now: number): Day {
  if (now >= today.from && now < today.to) return today;
  const from = Math.floor(now / DAY_MS) * DAY_MS;
  const d = new Date(from);
  const key = d.toISOString().slice(0, 10).replaceAll("-", "");
  const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  today = { from, to: from + DAY_MS, key, monthKey: key.slice(0, 6), nextMonth };
  return today;
}

/** `20261205` for any instant of that UTC day. */
export const utcDayKey = (now: number): string => dayOf(now).key;

export const utcMonthKey = (now: number): string => dayOf(now).monthKey;

/** UTC days have no leap seconds in epoch time: every one is DAY_MS long. */
export const msUntilNextUtcDay = (now: number): number => dayOf(now).to - now;

export const msUntilNextUtcMonth = (now: number): number => dayOf(now).nextMonth - now;
