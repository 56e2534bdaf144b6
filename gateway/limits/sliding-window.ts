/**
 * Per-minute and per-day limits use the sliding-window approximation: two fixed windows, the
 * previous one weighted by how much of it still overlaps the sliding window. Unlike plain fixed
 * windows it does not let a caller spend a whole limit at the end of one window and again at the
 * start of the next (2× the limit within seconds), and unlike a log of timestamps it costs two
 * counters per limit — two integer keys in Redis that every replica can update atomically. Within a
 * fresh window it admits exactly the limit; across a boundary it assumes the previous window's
 * requests were spread evenly, so it can be off by a fraction of a request, never by a window.
 */

export interface WindowCounts {
  previous: number;
  current: number;
}

export interface WindowPosition {
  /** Which fixed window `now` falls in (epoch ms / length). */
  index: number;
  elapsedMs: number;
  lengthMs: number;
}

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export function windowPosition(now: number, lengthMs: number): WindowPosition {
  const index = Math.floor(now / lengthMs);
  return { index, elapsedMs: now - index * lengthMs, lengthMs };
}

/** Weight of the previous window now; the Redis script receives this number rather than recomputing it. */
export const previousWeight = (pos: WindowPosition) => 1 - pos.elapsedMs / pos.lengthMs;

export const slidingCount = (counts: WindowCounts, pos: WindowPosition) =>
  counts.previous * previousWeight(pos) + counts.current;

/** Milliseconds until the sliding count drops to `headroom` or below (0 if it already has). */
export function msUntilAtMost(counts: WindowCounts, pos: WindowPosition, headroom: number): number {
  const rest = pos.lengthMs - pos.elapsedMs;
  if (counts.current > headroom) {
    // Only the next window helps: there this window's count decays linearly from full weight.
    return rest + pos.lengthMs * (1 - Math.max(0, headroom) / counts.current);
  }
  if (counts.previous <= 0) return 0;
  const fraction = 1 - (headroom - counts.current) / counts.previous;
  return Math.max(0, fraction * pos.lengthMs - pos.elapsedMs);
}

/** Milliseconds until the count is back to zero, which is what OpenAI's `x-ratelimit-reset-*` report. */
export function msUntilDrained(counts: WindowCounts, pos: WindowPosition): number {
  const rest = pos.lengthMs - pos.elapsedMs;
  if (counts.current > 0) return rest + pos.lengthMs;
  return counts.previous > 0 ? rest : 0;
}
