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
  it("security: refuses control characters and dot segments in a model name, wherever it is sent", () => {
    for (const model of [
      "..",
      ".",
      "../../admin",
      "a/../b",
      "gpt\u0000",
      "gpt\r\nX: 1",
      "\u001b[31mgpt",
      "gpt\u007f",
      "gpt\u0085",
    ])
      expect(
        status(() => readModelName(model, "missing")),
        JSON.stringify(model),
      ).toBe(400);
    for (const model of [
      "gpt-4.1",
      "arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.claude",
      "a..b",
      ".hidden-ish",
    ])
      expect(readModelName(model, "missing")).toBe(model);
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
