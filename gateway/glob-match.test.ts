import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob } from "./glob-match.js";

/** The regular-expression reading of a glob: correct, but backtracking. */
function viaRegExp(glob: string, name: string): boolean {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s").test(name);
}

describe("compileGlob", () => {
  it("matches * as any run and ? as one character, everything else literally", () => {
    const cases: [string, string, boolean][] = [
      ["gpt-*", "gpt-4o", true],
      ["gpt-*", "gpt-", true],
      ["gpt-*", "gp", false],
      ["*-mini", "gpt-4o-mini", true],
      ["claude-?", "claude-3", true],
      ["claude-?", "claude-35", false],
      ["a.b", "aXb", false],
      ["a*b*c", "abc", true],
      ["a*b*c", "acb", false],
      ["*", "", true],
      ["**", "x", true],
      ["a*a", "a", false],
      ["a*a", "aa", true],
      ["?*?", "ab", true],
      ["exact", "exact", true],
      ["exact", "exactly", false],
    ];
    for (const [glob, name, want] of cases) expect(compileGlob(glob)(name), `${glob} ~ ${name}`).toBe(want);
  });

  it("agrees with the regular-expression reading on random globs and names", () => {
    const alphabet = fc.constantFrom("a", "b", "-", ".", "*", "?");
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 12 }),
        fc.string({ unit: fc.constantFrom("a", "b", "-", "."), maxLength: 16 }),
        (glob, name) => compileGlob(glob)(name) === viaRegExp(glob, name),
      ),
      { numRuns: 5000 },
    );
  });

  it("security: a tenant's many-star glob against a long model name does not backtrack (ReDoS)", () => {
    // As a regular expression, one such match took 6.3 s and froze every tenant's requests.
    const match = compileGlob("a*b*c*d*e*f*g*h*i*j*k*z");
    const name = "abcdefghijk".repeat(23); // 253 characters, no final z
    const started = performance.now();
    for (let i = 0; i < 1000; i++) expect(match(name)).toBe(false);
    // 1,000 hostile matches in well under a second on any machine; the regex took seconds for one.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
