import { describe, expect, it } from "vitest";
import type { Target } from "../pipeline/types.js";
import { vertexModelCall, vertexModelURL } from "./anthropic-vertex.js";
import { HOSTILE_SEGMENTS, ORDINARY_SEGMENTS } from "./testing/hostile-segments.js";

const target = (model: string, region = "us-east5"): Target => ({
  provider: { id: "ns/vertex", provider: "vertex", baseURL: undefined, region, credential: undefined },
  model,
  timeoutMs: 1000,
});

describe("vertexModelURL", () => {
  it.each(HOSTILE_SEGMENTS)("security: refuses model %j (%s) with a 400 on model", (model) => {
    expect(() => vertexModelURL(target(model), "proj", "anthropic", "rawPredict")).toThrow(
      expect.objectContaining({ status: 400, details: { param: "model" } }),
    );
  });

  it.each(HOSTILE_SEGMENTS)("security: refuses project id %j (%s) as a config error", (project) => {
    expect(() => vertexModelURL(target("claude"), project, "anthropic", "rawPredict")).toThrow(
      expect.objectContaining({ status: 500 }),
    );
  });

  it.each(["..", "a/b", "x@127.0.0.1", ""])("security: refuses region %j as a config error", (region) => {
    expect(() => vertexModelURL(target("claude", region), "proj", "anthropic", "rawPredict")).toThrow(
      expect.objectContaining({ status: 500 }),
    );
  });

  it.each(ORDINARY_SEGMENTS)("puts model %s in its own path segment", (model) => {
    const url = vertexModelURL(target(model), "my-proj", "anthropic", "rawPredict");
    expect(new URL(url).pathname).toBe(
      `/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/${encodeURIComponent(model)}:rawPredict`,
    );
    expect(new URL(url).host).toBe("us-east5-aiplatform.googleapis.com");
  });

  it("security: a '..' model is refused before a token is minted", async () => {
    await expect(vertexModelCall(target(".."), "anthropic", "rawPredict", {}, false)).rejects.toMatchObject({
      status: 400,
    });
  });
});
