import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./json-depth.js";

const nested = (depth: number) => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`) as unknown;

describe("nestsDeeperThan", () => {
  it("accepts a realistic chat body and exactly the limit", () => {
    const body = {
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      tools: [
        {
          type: "function",
          function: { parameters: { type: "object", properties: { a: { type: "string" } } } },
        },
      ],
    };
    expect(nestsDeeperThan(body, MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan("text", 1)).toBe(false);
  });
  it("security: finds a 100,000-deep array or object without overflowing the stack", () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(nested(100_000), MAX_JSON_DEPTH)).toBe(true);
    const deepObject = JSON.parse(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`) as unknown;
    expect(nestsDeeperThan(deepObject, MAX_JSON_DEPTH)).toBe(true);
  });
});
