import { msUntilNextUtcDay, msUntilNextUtcMonth, utcDayKey, utcMonthKey } from "./calendar.js";

/** Everything time-dependent about one admission or one finish, computed once so all scopes agree. */
export interface Timing {
  now: number;
  /** UTC `YYYYMMDD` and `YYYYMM`, naming the budget periods. */
  dayKey: string;
  monthKey: string;
  msToNextDay: number;
  msToNextMonth: number;
}

export function timingAt(now: number): Timing {
  return {
    now,
    dayKey: utcDayKey(now),
    monthKey: utcMonthKey(now),
    msToNextDay: msUntilNextUtcDay(now),
    msToNextMonth: msUntilNextUtcMonth(now),
  };
}
