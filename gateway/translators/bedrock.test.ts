import { describe, expect, it } from "vitest";
import type { Target } from "../pipeline/types.js";
import { bedrockURL, signedBedrockCall } from "./bedrock.js";
import { HOSTILE_SEGMENTS, ORDINARY_SEGMENTS } from "./testing/hostile-segments.js";

const target = (model: string, region = "us-east-1"): Target => ({
  provider: {
    id: "ns/bedrock",
    provider: "bedrock",
    baseURL: undefined,
    region,
    credential: JSON.stringify({ accessKeyId: "AKIAEXAMPLEEXAMPLE12", secretAccessKey: "s".repeat(40) }),
  },
  model,
  timeoutMs: 1000,
});

describe("bedrockURL", () => {
  it.each(HOSTILE_SEGMENTS)("security: refuses model %j (%s) with a 400 on model", (model) => {
    expect(() => bedrockURL(target(model), "invoke")).toThrow(
      expect.objectContaining({ status: 400, details: { param: "model" } }),
    );
  });

  it.each([
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/..",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/../../x",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile//x",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/%2e%2e",
  ])("security: refuses an ARN with a hostile part: %s", (model) => {
    expect(() => bedrockURL(target(model), "invoke")).toThrow(expect.objectContaining({ status: 400 }));
  });

  it.each(ORDINARY_SEGMENTS)("puts model %s in its own path segment", (model) => {
    const url = bedrockURL(target(model), "converse");
    expect(new URL(url).pathname).toBe(`/model/${encodeURIComponent(model)}/converse`);
  });

  it("takes an inference-profile ARN, its slash encoded", () => {
    const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
    expect(bedrockURL(target(arn), "invoke")).toBe(
      `https://bedrock-runtime.us-east-1.amazonaws.com/model/${encodeURIComponent(arn)}/invoke`,
    );
  });

  it("security: a region that is not a host label cannot choose the host", () => {
    expect(() => bedrockURL(target("m", "x@127.0.0.1/"), "invoke")).toThrow(
      expect.objectContaining({ status: 500 }),
    );
  });

  it("security: a '..' model is refused before anything is signed", async () => {
    await expect(signedBedrockCall(target(".."), "invoke", "{}", false)).rejects.toMatchObject({
      status: 400,
    });
  });
});
