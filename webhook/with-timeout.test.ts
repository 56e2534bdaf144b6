import { describe, expect, it } from "vitest";
import { withTimeout } from "./with-timeout.js";

describe("withTimeout", () => {
  it("passes a prompt result through", async () => {
    await expect(withTimeout(Promise.resolve(7), 50, () => new Error("late"))).resolves.toBe(7);
  });

  it("rejects with the given error when the promise is slow", async () => {
    const never = new Promise<number>(() => {});
    await expect(withTimeout(never, 10, () => new Error("late"))).rejects.toThrow("late");
  });
});
