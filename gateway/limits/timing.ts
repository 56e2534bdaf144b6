import { msUntilNextUtcDay, msUntilNextUtcMonth, utcDayKey, utcMonthKey } from "./calendar.js";
import { DAY_MS, MINUTE_MS, type WindowPosition, windowPosition } from "./sliding-window.js";

/** Everything time-dependent about one admission or one finish, computed once so all scopes agree. */
export interface Timing {
  now: number;
  minute: WindowPosition;
  day: WindowPosition;
  /** UTC `YYYYMMDD` and `YYYYMM`, naming the budget periods. */
  dayKey: string;
  monthKey: string;
  msToNextDay: number;
  msToNextMonth: number;
}

export function timingAt(now: number): Timing {
  return {
    now,
    minute: windowPosition(now, MINUTE_MS),
    day: windowPosition(now, DAY_MS),
    dayKey: utcDayKey(now),
    monthKey: utcMonthKey(now),
    msToNextDay: msUntilNextUtcDay(now),
    msToNextMonth: msUntilNextUtcMonth(now),
  };
}
