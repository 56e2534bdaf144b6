import { describe, expect, it } from "vitest";
import { createLogger } from "./log.js";

function captured() {
  const lines: string[] = [];
  const log = createLogger("test", { level: "debug", sink: (line) => lines.push(line) });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("createLogger", () => {
  it("writes one JSON object per event with the component, level and fields", () => {
    const { log, parsed } = captured();
    log.info("request", { status: 200, model: "gpt-4o" });
    expect(parsed()).toEqual([
      expect.objectContaining({
        level: "info",
        msg: "request",
        component: "test",
        status: 200,
        model: "gpt-4o",
      }),
    ]);
  });

  it("keeps an Error's name and message only, not its stack, and leaves the caller's fields as they were", () => {
    const { log, parsed, lines } = captured();
    const err = new TypeError("bad thing");
    const fields = { error: err, requestId: "req_1" };
    log.error("failed", fields);
    expect(parsed()[0]).toMatchObject({
      error: { name: "TypeError", message: "bad thing" },
      requestId: "req_1",
    });
    expect(lines[0]).not.toContain("at ");
    expect(fields.error).toBe(err);
  });

  it("drops events below its level", () => {
    const lines: string[] = [];
    const log = createLogger("test", { level: "warn", sink: (line) => lines.push(line) });
    log.info("quiet");
    log.warn("loud");
    expect(lines).toHaveLength(1);
  });
});
