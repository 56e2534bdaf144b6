import { describe, expect, it } from "vitest";
import { createLogger } from "../common/log.js";
import { WorkQueue } from "./work-queue.js";

const log = createLogger("test", { sink: () => {} });

describe("WorkQueue", () => {
  it("coalesces a key added several times while pending", async () => {
    const seen: string[] = [];
    const q = new WorkQueue(async (k) => {
      seen.push(k);
    }, log);
    q.add("a");
    q.add("a");
    q.add("b");
    void q.run();
    await q.idle();
    q.stop();
    expect(seen).toEqual(["a", "b"]);
  });

  it("runs a key again when it was added while running", async () => {
    let runs = 0;
    let q: WorkQueue | undefined;
    q = new WorkQueue(async () => {
      runs++;
      if (runs === 1) q?.add("a");
    }, log);
    q.add("a");
    void q.run();
    await new Promise((r) => setTimeout(r, 20));
    await q.idle();
    q.stop();
    expect(runs).toBe(2);
  });

  it("retries a failing key with backoff until it succeeds", async () => {
    let attempts = 0;
    const q = new WorkQueue(
      async () => {
        attempts++;
        if (attempts < 3) throw new Error("conflict");
      },
      log,
      5,
    );
    q.add("a");
    void q.run();
    await new Promise((r) => setTimeout(r, 100));
    q.stop();
    expect(attempts).toBe(3);
  });

  it("runs different keys side by side with several workers, never one key twice at once", async () => {
    const active = new Set<string>();
    let overlapped = false;
    let peak = 0;
    let q: WorkQueue | undefined;
    const runs = new Map<string, number>();
    q = new WorkQueue(async (k) => {
      if (active.has(k)) overlapped = true;
      active.add(k);
      peak = Math.max(peak, active.size);
      runs.set(k, (runs.get(k) ?? 0) + 1);
      // "a" is added again while it runs: it must run again afterwards, not alongside.
      if (k === "a" && runs.get(k) === 1) q?.add("a");
      await new Promise((r) => setTimeout(r, 20));
      active.delete(k);
    }, log);
    for (const k of ["a", "b", "c", "d"]) q.add(k);
    void q.run(3);
    await new Promise((r) => setTimeout(r, 5));
    await q.idle();
    await q.stop();
    expect(overlapped).toBe(false);
    expect(peak).toBe(3);
    expect(runs.get("a")).toBe(2);
    expect([...runs.keys()].sort()).toEqual(["a", "b", "c", "d"]);
  });
});
