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
    });
    expect(clampOutputTokens(req("chat", {}), 100).body).toEqual({ max_completion_tokens: 100 });
    expect(clampOutputTokens(req("converse", { inferenceConfig: { temperature: 0 } }), 64).body).toEqual({
      inferenceConfig: { temperature: 0, maxTokens: 64 },
    });
  });
  it("leaves a smaller cap, and operations without one, alone", () => {
    expect(clampOutputTokens(req("messages", { max_tokens: 10 }), 100)).toEqual({
      body: { max_tokens: 10 },
      clamped: false,
    });
    expect(clampOutputTokens(req("embeddings", { input: "x" }), 100).clamped).toBe(false);
    expect(clampOutputTokens(req("chat", { max_tokens: 5000 }), undefined).clamped).toBe(false);
  });
});
