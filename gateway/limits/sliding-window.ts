/**
 * Per-minute and per-day limits (of requests and of tokens) count in a sliding window made of
 * BUCKETS buckets, each 1/60 of the window — 1 s of a minute, 24 min of a day — aligned to the
 * epoch. A request (or a finished request's tokens) is added to the bucket of the instant it is
 * recorded, and that bucket stops counting exactly one window length after the bucket began. A
 * request is admitted while the window's count is below the limit. For a limit L over a window W
 * with buckets of g = W/60, that promises:
 *
 *  - Admitted again within W: whatever is counted stops counting at most W after it was recorded
 *    (and at least W − g after), so a caller at the limit is admitted again no later than W after
 *    the oldest request still counted — for a minute, within 60 s.
 *  - Never more than L admitted requests within any span of W − g (59 s of a minute, 23 h 36 min
 *    of a day): within such a span every earlier request is still counted when a later one is
 *    checked. That is the granularity: across a span a little longer, the requests of one bucket's
 *    last moments and those admitted just after it expires can both fall inside.
 *  - Tokens are only known once a request ends, so a request is admitted while the recorded
 *    tokens are below L, and the count can pass L by what the requests in flight then use.
 *  - `retry-after-ms` is the instant the refused request would be admitted (1 ms earlier is still
 *    refused), `retry-after` the same rounded up to whole seconds, and `x-ratelimit-reset-*` the
 *    instant nothing now counted is counted any more — provided nothing else is admitted meanwhile.
 *
 * The cost is a bounded one: at most 60 counters per limit and scope, a hash of at most 60 fields
 * in Redis that one Lua script reads and updates atomically for every replica, or a ring of 60
 * slots in memory. redis-scripts.ts mirrors bucket-ring.ts.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const BUCKETS = 60;

export interface WindowSpec {
  lengthMs: number;
  bucketMs: number;
}

export const MINUTE_WINDOW: WindowSpec = { lengthMs: MINUTE_MS, bucketMs: MINUTE_MS / BUCKETS };
export const DAY_WINDOW: WindowSpec = { lengthMs: DAY_MS, bucketMs: DAY_MS / BUCKETS };

/** What a store reads from one window at one instant. */
export interface WindowUsage {
  /** Counted now. */
  used: number;
  /** Milliseconds until the count is below the limit again (0 if it already is). */
  msUntilRoom: number;
  /** Milliseconds until nothing counted now is counted any more (0 if nothing is). */
  msUntilEmpty: number;
}

export const emptyWindow = (): WindowUsage => ({ used: 0, msUntilRoom: 0, msUntilEmpty: 0 });

/** The bucket that the instant `now` (epoch ms) falls in. */
export const bucketIndex = (now: number, spec: WindowSpec) => Math.floor(now / spec.bucketMs);

/** The oldest bucket still counted at `now`: buckets before it have expired. */
export const oldestLiveBucket = (now: number, spec: WindowSpec) => bucketIndex(now, spec) - BUCKETS + 1;

/** The instant (epoch ms) bucket `index` stops counting: one window after it began. */
export const bucketExpiry = (index: number, spec: WindowSpec) => index * spec.bucketMs + spec.lengthMs;
