import { describe, expect, it } from "vitest";
import { anthropicModelName } from "./bedrock-anthropic.js";

describe("anthropicModelName", () => {
  it("reduces every Bedrock spelling of a Claude model to Anthropic's name", () => {
    expect(anthropicModelName("anthropic.claude-3-5-haiku-20241022-v1:0")).toBe("claude-3-5-haiku-20241022");
    expect(anthropicModelName("us.anthropic.claude-3-5-sonnet-20241022-v2:0")).toBe(
      "claude-3-5-sonnet-20241022",
    );
    expect(anthropicModelName("anthropic.claude-instant-v1")).toBe("claude-instant-v1");
    expect(
      anthropicModelName(
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
      ),
    ).toBe("claude-3-haiku-20240307");
  });
});
