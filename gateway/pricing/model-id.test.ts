import { describe, expect, it } from "vitest";
import { priceKeyCandidates } from "./model-id.js";

describe("priceKeyCandidates", () => {
  it.each([
    ["gpt-4o-2024-08-06", "openai", "gpt-4o"],
    ["gpt-4-0613", "openai", "gpt-4"],
    ["claude-sonnet-4-20250514", "anthropic", "claude-sonnet-4"],
    ["claude-sonnet-4-0", "anthropic", "claude-sonnet-4"],
    ["claude-3-5-haiku-latest", "anthropic", "claude-3-5-haiku"],
    ["claude-sonnet-4@20250514", "vertex", "claude-sonnet-4"],
    ["claude-3-5-sonnet-v2@20241022", "vertex", "claude-3-5-sonnet"],
    ["gemini-2.5-flash-preview-09-2025", "vertex", "gemini-2.5-flash"],
    ["anthropic.claude-sonnet-4-20250514-v1:0", "bedrock", "anthropic.claude-sonnet-4"],
    ["us.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock", "anthropic.claude-sonnet-4"],
    ["global.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock", "anthropic.claude-haiku-4-5"],
    [
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.anthropic.claude-3-5-haiku-20241022-v1:0",
      "bedrock",
      "anthropic.claude-3-5-haiku",
    ],
    ["amazon.titan-embed-text-v2:0", "bedrock", "amazon.titan-embed-text-v2"],
    ["GPT-4o-Mini", "openai", "gpt-4o-mini"],
  ])("%s (%s) may be priced as %s", (model, provider, key) => {
    expect(priceKeyCandidates(model, provider)).toContain(key);
  });

  it("puts the exact id first and shorter prefixes after", () => {
    expect(priceKeyCandidates("claude-opus-4-1-20250805", "anthropic")).toEqual([
      "claude-opus-4-1-20250805",
      "claude-opus-4-1",
    ]);
  });

  it.each([
    ["claude-opus-4-7", "claude-opus-4"],
    ["gpt-4o-audio-preview", "gpt-4o"],
    ["o3-pro", "o3"],
    ["gpt-4-32k", "gpt-4"],
    ["gemini-2.5-flash-image", "gemini-2.5-flash"],
  ])("does not price %s as %s: the suffix names another model", (model, key) => {
    expect(priceKeyCandidates(model, "openai")).not.toContain(key);
  });

  it("strips region prefixes only for Bedrock", () => {
    expect(priceKeyCandidates("us.anthropic.claude-3-haiku", "openai")).toEqual([
      "us.anthropic.claude-3-haiku",
    ]);
  });
});
