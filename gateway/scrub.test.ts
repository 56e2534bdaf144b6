import { describe, expect, it } from "vitest";
import { scrubSecrets } from "./scrub.js";

describe("scrubSecrets", () => {
  it("redacts every occurrence of a provider key", () => {
    const out = scrubSecrets('{"error":"bad key sk-upstream-123 (sk-upstream-123)"}', ["sk-upstream-123"]);
    expect(out).not.toContain("sk-upstream-123");
    expect(out).toContain("[redacted]");
  });
  it("leaves text alone when there is nothing to redact", () => {
    expect(scrubSecrets("hello", [undefined, "abc"])).toBe("hello");
  });
});
