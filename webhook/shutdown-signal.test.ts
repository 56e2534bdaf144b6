import { describe, expect, it } from "vitest";
import { waitForShutdown } from "./shutdown-signal.js";

describe("waitForShutdown", () => {
  it("resolves on abort and removes its signal listeners", async () => {
    const before = process.listenerCount("SIGTERM");
    const beforeInt = process.listenerCount("SIGINT");
    const controller = new AbortController();
    const waiting = waitForShutdown(controller.signal);
    expect(process.listenerCount("SIGTERM")).toBe(before + 1);
    controller.abort();
    await expect(waiting).resolves.toBe("aborted");
    expect(process.listenerCount("SIGTERM")).toBe(before);
    expect(process.listenerCount("SIGINT")).toBe(beforeInt);
  });

  it("resolves at once for an already aborted signal", async () => {
    await expect(waitForShutdown(AbortSignal.abort())).resolves.toBe("aborted");
  });
});
