import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors.js";
import { checkChoiceCounts, MAX_MODEL_NAME, readModelName, readStreamFlag } from "./request-fields.js";

const status = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof GatewayError ? e.status : "not a GatewayError";
  }
  return "no error";
};

describe("readModelName", () => {
  it("accepts a model name up to the routes' own bound", () => {
    expect(readModelName("gpt-4o", "missing")).toBe("gpt-4o");
    expect(readModelName("m".repeat(MAX_MODEL_NAME), "missing")).toHaveLength(MAX_MODEL_NAME);
  });
  it("security: refuses a missing, non-string or over-long model name with 400", () => {
    expect(status(() => readModelName(undefined, "missing"))).toBe(400);
    expect(status(() => readModelName({ $ne: "" }, "missing"))).toBe(400);
    expect(status(() => readModelName(["gpt-4o"], "missing"))).toBe(400);
    expect(status(() => readModelName("m".repeat(1200), "missing"))).toBe(400);
  });
});

describe("readStreamFlag", () => {
  it("reads a boolean and treats a missing or null flag as false", () => {
    expect(readStreamFlag({ stream: true })).toBe(true);
    expect(readStreamFlag({ stream: false })).toBe(false);
    expect(readStreamFlag({})).toBe(false);
    expect(readStreamFlag({ stream: null })).toBe(false);
  });
  it("security: refuses a non-boolean stream flag that would desynchronise the gateway and the upstream", () => {
    for (const stream of ["true", 1, {}, []]) expect(status(() => readStreamFlag({ stream }))).toBe(400);
  });
});

describe("checkChoiceCounts", () => {
  it("accepts OpenAI's ranges", () => {
    expect(() => checkChoiceCounts({ n: 128, best_of: 20 })).not.toThrow();
    expect(() => checkChoiceCounts({})).not.toThrow();
  });
  it("security: refuses absurd or non-integer n and best_of", () => {
    for (const body of [{ n: 1e9 }, { n: 0 }, { n: 1.5 }, { n: "2" }, { best_of: 21 }, { n: -1 }])
      expect(status(() => checkChoiceCounts(body))).toBe(400);
  });
});
