import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BucketRing } from "./bucket-ring.js";
import { BUCKETS, DAY_WINDOW, MINUTE_WINDOW, type WindowSpec } from "./sliding-window.js";

const minuteStart = Date.UTC(2026, 0, 1, 12, 0, 0);

describe("BucketRing", () => {
  it("three in the first second, then room again exactly one minute after their bucket began", () => {
    const ring = new BucketRing(MINUTE_WINDOW);
    for (const at of [100, 400, 900]) ring.add(minuteStart + at, 1);
    expect(ring.read(minuteStart + 950, 3)).toEqual({ used: 3, msUntilRoom: 59_050, msUntilEmpty: 59_050 });
    expect(ring.read(minuteStart + 59_999, 3).used).toBe(3);
    expect(ring.read(minuteStart + 60_000, 3).used).toBe(0);
  });

  it("frees room bucket by bucket, oldest first, as far as the limit needs", () => {
    const ring = new BucketRing(MINUTE_WINDOW);
    ring.add(minuteStart + 1_000, 400); // bucket of second 1, counts until 61 s
    ring.add(minuteStart + 5_500, 500); // second 5, until 65 s
    ring.add(minuteStart + 9_000, 100); // second 9, until 69 s
    const now = minuteStart + 30_000;
    // 1000 used against 600: dropping 400 is not enough (600), dropping 500 more is (100).
    expect(ring.read(now, 600)).toEqual({ used: 1_000, msUntilRoom: 35_000, msUntilEmpty: 39_000 });
    expect(ring.read(now, 1_000).msUntilRoom).toBe(31_000);
    expect(ring.read(now, 1_001).msUntilRoom).toBe(0);
  });

  it("reuses a slot once its bucket has expired, and forgets what it held", () => {
    const ring = new BucketRing(MINUTE_WINDOW);
    ring.add(minuteStart, 7);
    ring.add(minuteStart + 60_000, 2); // the same slot, a minute on
    expect(ring.read(minuteStart + 60_000, 10).used).toBe(2);
    expect(ring.emptyAt(minuteStart + 120_000)).toBe(true);
  });

  it("counts a day in 24-minute buckets", () => {
    const ring = new BucketRing(DAY_WINDOW);
    const dayStart = Date.UTC(2026, 0, 2);
    ring.add(dayStart + 23 * 60_000, 1); // first bucket: [00:00, 00:24)
    ring.add(dayStart + 24 * 60_000, 1); // second bucket
    expect(ring.read(dayStart + 86_400_000 - 1, 2).used).toBe(2);
    expect(ring.read(dayStart + 86_400_000, 2)).toEqual({
      used: 1,
      msUntilRoom: 0,
      msUntilEmpty: 24 * 60_000,
    });
  });
});

/**
 * The promises of sliding-window.ts, checked against arbitrary traffic: admit while the count is
 * below the limit, as both stores do.
 */
describe.each([
  ["minute", MINUTE_WINDOW],
  ["day", DAY_WINDOW],
] as [string, WindowSpec][])("BucketRing over a %s (property)", (_, spec) => {
  const g = spec.bucketMs;
  const W = spec.lengthMs;
  const traffic = fc.record({
    limit: fc.integer({ min: 1, max: 6 }),
    start: fc.integer({ min: 0, max: 10 * W }),
    // Gaps mostly within a bucket, sometimes across several or a whole window.
    gaps: fc.array(fc.oneof(fc.integer({ min: 0, max: g }), fc.integer({ min: 0, max: 2 * W })), {
      minLength: 1,
      maxLength: 80,
    }),
    amounts: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 80, maxLength: 80 }),
  });

  it("never admits more than the limit in any span of W − g, and says exactly when room returns", () => {
    fc.assert(
      fc.property(traffic, ({ limit, start, gaps }) => {
        const ring = new BucketRing(spec);
        const admitted: number[] = [];
        let now = start;
        for (const gap of gaps) {
          now += gap;
          const window = ring.read(now, limit);
          if (window.used < limit) {
            ring.add(now, 1);
            admitted.push(now);
            continue;
          }
          // Refused: room returns exactly at msUntilRoom, and within W of the oldest request counted.
          const at = now + window.msUntilRoom;
          expect(window.msUntilRoom).toBeGreaterThan(0);
          expect(ring.read(at - 1, limit).used).toBeGreaterThanOrEqual(limit);
          expect(ring.read(at, limit).used).toBeLessThan(limit);
          const oldestCounted = admitted.find((a) => Math.floor(a / g) >= Math.floor(now / g) - BUCKETS + 1);
          expect(oldestCounted).toBeDefined();
          expect(at).toBeLessThanOrEqual((oldestCounted ?? 0) + W);
          // And the ring is empty when it says.
          expect(ring.read(now + window.msUntilEmpty, limit).used).toBe(0);
        }
        for (let i = 0; i + limit < admitted.length; i++) {
          expect((admitted[i + limit] ?? 0) - (admitted[i] ?? 0)).toBeGreaterThan(W - g);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("with amounts (tokens), room returns exactly when msUntilRoom says", () => {
    fc.assert(
      fc.property(traffic, ({ limit, start, gaps, amounts }) => {
        const ring = new BucketRing(spec);
        let now = start;
        gaps.forEach((gap, i) => {
          now += gap;
          const window = ring.read(now, limit * 3);
          if (window.used < limit * 3) {
            ring.add(now, amounts[i] ?? 1);
            return;
          }
          const at = now + window.msUntilRoom;
          expect(ring.read(at - 1, limit * 3).used).toBeGreaterThanOrEqual(limit * 3);
          expect(ring.read(at, limit * 3).used).toBeLessThan(limit * 3);
        });
      }),
      { numRuns: 300 },
    );
  });
});
