import { describe, expect, it } from "vitest";
import { MemoryStore } from "./memory-store.js";
import { timingAt } from "./timing.js";

describe("MemoryStore", () => {
  it("forgets scopes with nothing left to count, so memory does not grow with every key ever seen", async () => {
    const store = new MemoryStore(600_000);
    const start = Date.UTC(2026, 10, 25, 10, 0, 0);
    for (let i = 0; i < 100; i++) {
      await store.admit(
        [{ id: `key:ns/k${i}`, limits: { requestsPerMinute: 10 } }],
        timingAt(start),
        `lease-${i}`,
      );
    }
    expect(store.size).toBe(100);
    await store.admit(
      [{ id: "key:ns/late", limits: { requestsPerMinute: 10 } }],
      timingAt(start + 3 * 60_000),
      "x",
    );
    expect(store.size).toBe(1);
  });

  it("keeps a scope while its month budget has spend", async () => {
    const store = new MemoryStore(600_000);
    const scope = { id: "policy:ns/p", budget: { usdPerMonth: 100 } };
    const start = Date.UTC(2026, 10, 2);
    await store.admit([scope], timingAt(start), "a");
    await store.finish([scope], timingAt(start), "a", { inputTokens: 1, outputTokens: 1, costUsd: 5 });
    await store.admit(
      [{ id: "key:other", limits: { requestsPerMinute: 1 } }],
      timingAt(start + 10 * 86_400_000),
      "b",
    );
    const verdict = await store.admit([scope], timingAt(start + 10 * 86_400_000), "c");
    expect(verdict.usages[0]?.spentThisMonthUsd).toBe(5);
  });
});
