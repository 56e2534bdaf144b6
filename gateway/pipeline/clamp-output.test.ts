import { describe, expect, it } from "vitest";
import { clampOutputTokens } from "./clamp-output.js";
import type { InboundRequest } from "./types.js";

const req = (operation: InboundRequest["operation"], body: Record<string, unknown>): InboundRequest => ({
  surface: "openai",
  operation,
  model: "m",
  stream: false,
  body,
  passHeaders: {},
});

describe("clampOutputTokens", () => {
  it("lowers a larger cap and sets a missing one", () => {
    expect(clampOutputTokens(req("chat", { max_tokens: 5000 }), 100)).toEqual({
      body: { max_tokens: 100 },
      clamped: true,
      added: false,
    });
    expect(clampOutputTokens(req("chat", {}), 100).body).toEqual({ max_completion_tokens: 100 });
    expect(clampOutputTokens(req("converse", { inferenceConfig: { temperature: 0 } }), 64).body).toEqual({
      inferenceConfig: { temperature: 0, maxTokens: 64 },
    });
  });
  it("issue 10: says when it added a cap the caller did not name, so a translator can pick the field", () => {
    expect(clampOutputTokens(req("chat", {}), 100)).toEqual({
      body: { max_completion_tokens: 100 },
      clamped: true,
      added: true,
    });
    expect(clampOutputTokens(req("chat", { max_tokens: 50 }), 100).added).toBe(false);
  });
  it("leaves a smaller cap, and operations without one, alone", () => {
    expect(clampOutputTokens(req("messages", { max_tokens: 10 }), 100)).toEqual({
      body: { max_tokens: 10 },
      clamped: false,
      added: false,
    });
    expect(clampOutputTokens(req("embeddings", { input: "x" }), 100).clamped).toBe(false);
    expect(clampOutputTokens(req("chat", { max_tokens: 5000 }), undefined).clamped).toBe(false);
  });
});

describe("clampOutputTokens with several completions", () => {
  it("security: n choices share the request's output-token limit instead of each getting all of it", () => {
    expect(clampOutputTokens(req("chat", { n: 4, max_tokens: 5000 }), 1000).body).toEqual({
      n: 4,
      max_tokens: 250,
    });
    expect(clampOutputTokens(req("completions", { best_of: 5, n: 2 }), 100).body).toEqual({
      best_of: 5,
      n: 2,
      max_tokens: 20,
    });
  });
  it("security: more completions than the limit has tokens is refused, not rounded up", () => {
    expect(() => clampOutputTokens(req("chat", { n: 128 }), 100)).toThrow(/at most 100 output tokens/);
  });
  it("counts n = 1 and a missing n as one completion", () => {
    expect(clampOutputTokens(req("chat", { n: 1, max_tokens: 500 }), 100).body).toEqual({
      n: 1,
      max_tokens: 100,
    });
  });
});
