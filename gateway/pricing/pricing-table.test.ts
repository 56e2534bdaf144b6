import { describe, expect, it } from "vitest";
import { costUsd, findPrice, pricesAsOf, shippedPrices } from "./pricing-table.js";

describe("shipped prices", () => {
  it("validate and say when they were taken", () => {
    expect(() => shippedPrices()).not.toThrow();
    expect(pricesAsOf()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it.each([
    ["openai", "gpt-4o"],
    ["openai", "gpt-4o-mini"],
    ["openai", "gpt-4.1"],
    ["openai", "gpt-4.1-mini"],
    ["openai", "o3"],
    ["openai", "o4-mini"],
    ["openai", "text-embedding-3-small"],
    ["openai", "text-embedding-3-large"],
    ["azure-openai", "gpt-4o"],
    ["anthropic", "claude-3-5-haiku-20241022"],
    ["anthropic", "claude-sonnet-4-20250514"],
    ["anthropic", "claude-opus-4-20250514"],
    ["bedrock", "anthropic.claude-sonnet-4-20250514-v1:0"],
    ["bedrock", "anthropic.claude-opus-4-20250514-v1:0"],
    ["vertex", "claude-sonnet-4@20250514"],
    ["vertex", "gemini-2.5-pro"],
    ["vertex", "gemini-2.5-flash"],
  ] as const)("price %s %s", (provider, model) => {
    expect(findPrice(provider, model, undefined)).toBeDefined();
  });
});

describe("costUsd", () => {
  it("prices input and output per million tokens, tolerating a dated suffix", () => {
    // gpt-4o: $2.50 in, $10 out.
    const cost = costUsd({
      provider: "openai",
      model: "gpt-4o-2024-08-06",
      inputTokens: 1000,
      outputTokens: 500,
    });
    expect(cost).toBeCloseTo(0.0025 + 0.005, 12);
  });

  it("takes the longest matching entry: gpt-4o-mini is not gpt-4o", () => {
    const cost = costUsd({
      provider: "openai",
      model: "gpt-4o-mini-2024-07-18",
      inputTokens: 1e6,
      outputTokens: 0,
    });
    expect(cost).toBeCloseTo(0.15, 12);
  });

  it("bills cached input at the cached rate", () => {
    const cost = costUsd({
      provider: "openai",
      model: "gpt-4.1",
      inputTokens: 1e6,
      cachedInputTokens: 600_000,
      outputTokens: 0,
    });
    expect(cost).toBeCloseTo(0.4 * 2 + 0.6 * 0.5, 12);
  });

  it("bills the whole request at the long-context rate above the threshold", () => {
    const short = costUsd({
      provider: "vertex",
      model: "gemini-2.5-pro",
      inputTokens: 200_000,
      outputTokens: 1e6,
    });
    const long = costUsd({
      provider: "vertex",
      model: "gemini-2.5-pro",
      inputTokens: 200_001,
      outputTokens: 1e6,
    });
    expect(short).toBeCloseTo(0.2 * 1.25 + 10, 9);
    expect(long).toBeCloseTo(0.200001 * 2.5 + 15, 9);
  });

  it("lets overrides win, matched with the same suffix tolerance and case-insensitively", () => {
    const overrides = { "GPT-4o": { inputPerMillionTokens: 1, outputPerMillionTokens: 2 } };
    const cost = costUsd({
      provider: "openai",
      model: "gpt-4o-2024-11-20",
      inputTokens: 1e6,
      cachedInputTokens: 1e6,
      outputTokens: 1e6,
      overrides,
    });
    // No cached rate in an override: cached tokens bill at the full input rate.
    expect(cost).toBeCloseTo(3, 12);
  });

  it("prices a model only the overrides know, even for openai-compatible", () => {
    const overrides = { "llama-3.3-70b": { inputPerMillionTokens: 0.5, outputPerMillionTokens: 0.5 } };
    const query = {
      provider: "openai-compatible",
      model: "llama-3.3-70b",
      inputTokens: 1e6,
      outputTokens: 1e6,
    } as const;
    expect(costUsd({ ...query, overrides })).toBeCloseTo(1, 12);
    expect(costUsd(query)).toBeUndefined();
  });

  it("returns undefined for an unknown model or a suffix that names another model", () => {
    expect(
      costUsd({ provider: "openai", model: "no-such-model", inputTokens: 1, outputTokens: 1 }),
    ).toBeUndefined();
    expect(
      costUsd({ provider: "anthropic", model: "claude-opus-4-7", inputTokens: 1, outputTokens: 1 }),
    ).toBeUndefined();
  });

  it("does not turn a bad token count into NaN", () => {
    const cost = costUsd({ provider: "openai", model: "gpt-4o", inputTokens: Number.NaN, outputTokens: -5 });
    expect(cost).toBe(0);
  });

  it("keeps providers apart: Bedrock ids are not OpenAI models", () => {
    expect(findPrice("openai", "anthropic.claude-sonnet-4-20250514-v1:0", undefined)).toBeUndefined();
    expect(findPrice("vertex", "claude-3-5-haiku@20241022", undefined)?.input).toBe(0.8);
  });
});
