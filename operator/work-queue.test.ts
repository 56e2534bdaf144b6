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
});
