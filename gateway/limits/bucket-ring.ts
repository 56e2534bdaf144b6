import {
  BUCKETS,
  bucketExpiry,
  bucketIndex,
  oldestLiveBucket,
  type WindowSpec,
  type WindowUsage,
} from "./sliding-window.js";

/**
 * One window's buckets in memory (sliding-window.ts says what they promise): slot = bucket index
 * mod BUCKETS, and each slot remembers which bucket it holds, so an expired bucket is simply one
 * whose index is too old — nothing has to be cleared as time passes. redis-scripts.ts reads its
 * Redis hash the same way.
 */
export class BucketRing {
  private readonly indices = new Float64Array(BUCKETS).fill(Number.NEGATIVE_INFINITY);
  private readonly counts = new Float64Array(BUCKETS);

  constructor(private readonly spec: WindowSpec) {}

  add(now: number, amount: number) {
    const index = bucketIndex(now, this.spec);
    const slot = ((index % BUCKETS) + BUCKETS) % BUCKETS;
    // A slot holding an older bucket is reused; one holding a newer bucket (the clock stepped
    // back) keeps it and takes the amount too, which counts it a little longer rather than losing it.
    if ((this.indices[slot] ?? 0) < index) {
      this.indices[slot] = index;
      this.counts[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + amount;
  }

  read(now: number, limit: number): WindowUsage {
    const oldest = oldestLiveBucket(now, this.spec);
    let used = 0;
    let newest = Number.NEGATIVE_INFINITY;
    for (let slot = 0; slot < BUCKETS; slot++) {
      const index = this.indices[slot] ?? Number.NEGATIVE_INFINITY;
      const count = this.counts[slot] ?? 0;
      if (index < oldest || count <= 0) continue;
      used += count;
      if (index > newest) newest = index;
    }
    return {
      used,
      msUntilRoom: used < limit ? 0 : this.msUntilBelow(now, oldest, used, limit),
      msUntilEmpty: used > 0 ? bucketExpiry(newest, this.spec) - now : 0,
    };
  }

  /** True when nothing is counted at `now`. */
  emptyAt(now: number): boolean {
    return this.read(now, Number.POSITIVE_INFINITY).used === 0;
  }

  /** Expires live buckets oldest first until the count is below `limit`: that bucket's expiry. */
  private msUntilBelow(now: number, oldest: number, used: number, limit: number): number {
    const live: { index: number; count: number }[] = [];
    for (let slot = 0; slot < BUCKETS; slot++) {
      const index = this.indices[slot] ?? Number.NEGATIVE_INFINITY;
      const count = this.counts[slot] ?? 0;
      if (index >= oldest && count > 0) live.push({ index, count });
    }
    live.sort((a, b) => a.index - b.index);
    let left = used;
    for (const bucket of live) {
      left -= bucket.count;
      if (left < limit) return bucketExpiry(bucket.index, this.spec) - now;
    }
    return 0;
  }
}
