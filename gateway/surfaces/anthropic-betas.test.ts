import { describe, expect, it } from "vitest";
import { checkAnthropicBetas } from "./anthropic-betas.js";

describe("checkAnthropicBetas", () => {
  it("passes known betas on, trimmed", () => {
    expect(checkAnthropicBetas("prompt-caching-2024-07-31, token-counting-2024-11-01")).toBe(
      "prompt-caching-2024-07-31,token-counting-2024-11-01",
    );
    expect(checkAnthropicBetas(" ")).toBe("");
  });
  it("security: refuses betas that reach shared state or the network at the provider", () => {
    for (const beta of ["files-api-2025-04-14", "mcp-client-2025-04-04", "code-execution-2025-05-22"])
      expect(() => checkAnthropicBetas(`prompt-caching-2024-07-31,${beta}`)).toThrow(beta);
  });
  it("security: refuses an unknown beta and bounds how much of it the error echoes", () => {
    expect(() => checkAnthropicBetas("x".repeat(5000))).toThrow(/"x{64}…" is not enabled/);
  });
});
