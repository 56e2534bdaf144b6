import { describe, expect, it } from "vitest";
import { parsePositiveInt } from "./parse-flag.js";

describe("parsePositiveInt", () => {
  it("reads whole numbers of at least 1", () => {
    expect(parsePositiveInt("n", "524288")).toBe(524288);
    expect(parsePositiveInt("n", "1")).toBe(1);
  });

  it.each(["0", "-3", "1.5", "12kb", "", "1e3"])("refuses %j with the flag's name", (v) => {
    expect(() => parsePositiveInt("config-shard-bytes", v)).toThrow(/--config-shard-bytes: expected/);
  });
});
