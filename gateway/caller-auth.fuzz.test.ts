import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callerKey } from "./caller-auth.js";

/** Header text as a hostile client could send it once a proxy or test harness lets it through. */
const headerText = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: "grapheme", maxLength: 32 }),
  fc.string({
    unit: fc.constantFrom(" ", "\t", "\r", "\n", "\0", "\u00a0", "\ufeff", "a", "B", ":"),
    maxLength: 32,
  }),
  fc.string({ unit: "binary", maxLength: 32 }),
  fc.constant("x".repeat(8 * 1024)),
);
/** Credentials in the schemes callers use, with their casing and spacing varied. */
const credential = fc.oneof(
  headerText,
  fc
    .tuple(
      fc.constantFrom(
        "Bearer",
        "bearer",
        "BEARER",
        "bEaReR",
        "Basic",
        "Token",
        "Bearer\t",
        "Bearer  ",
        "Bearerxyz",
        "",
      ),
      headerText,
    )
    .map(([scheme, rest]) => `${scheme} ${rest}`),
  fc
    .array(headerText, { minLength: 1, maxLength: 3 })
    .map((parts) => `Basic abc, Bearer ${parts.join(", ")}`),
);
const headerValue = fc.oneof(credential, fc.array(credential, { maxLength: 3 }), fc.constant(undefined));
const headerMap = fc.dictionary(
  fc.oneof(fc.constantFrom("authorization", "x-api-key", "api-key"), fc.string({ maxLength: 12 })),
  headerValue,
  { maxKeys: 6 },
);

/** Every text a header holds, an array's items included. */
const texts = (headers: Record<string, string | string[] | undefined>) =>
  Object.values(headers).flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

describe("callerKey (fuzz)", () => {
  it("never throws, and returns only trimmed, non-empty text taken from a credential header", () => {
    fc.assert(
      fc.property(headerMap, (headers) => {
        const key = callerKey(headers);
        if (key === undefined) return;
        expect(key).not.toBe("");
        expect(key).toBe(key.trim());
        const { authorization, "x-api-key": xApiKey, "api-key": apiKey } = headers;
        expect(
          texts({ authorization, "x-api-key": xApiKey, "api-key": apiKey }).some((t) => t.includes(key)),
        ).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("issue 10: reads a Bearer credential first, the scheme in any case and then one or more spaces", () => {
    fc.assert(
      fc.property(headerMap, (headers) => {
        const key = callerKey(headers);
        const auth = headers.authorization;
        // The oracle spells the grammar without a regular expression: the scheme's six letters
        // in any case, then SP or the end; after the SP run the token, with no other whitespace.
        if (
          typeof auth === "string" &&
          auth.slice(0, 6).toLowerCase() === "bearer" &&
          (auth.length === 6 || auth[6] === " ")
        ) {
          const afterSpaces = auth.slice(6).replace(/^ */, "");
          expect(key).toBe(
            afterSpaces === afterSpaces.trimStart() ? afterSpaces.trimEnd() || undefined : undefined,
          );
          return;
        }
        // Anything else in authorization (another scheme, `Bearer\t`, `Bearerxyz`, a list) is not a relay key.
        const fallback = [headers["x-api-key"], headers["api-key"]].find(
          (v): v is string => typeof v === "string" && v.trim() !== "",
        );
        expect(key).toBe(fallback?.trim());
      }),
      { numRuns: 1000 },
    );
  });

  it("reads a header of any size in linear time", () => {
    // Timed, because String#trim holds nothing to count; the bound is generous (a linear
    // scan of 2 MiB takes well under a millisecond, a quadratic one minutes).
    const padding = " ".repeat(1024 * 1024);
    const started = performance.now();
    expect(callerKey({ authorization: `Bearer ${padding}krk_key${padding}` })).toBe("krk_key");
    expect(callerKey({ "x-api-key": `${padding}krk_key${padding}` })).toBe("krk_key");
    expect(callerKey({ authorization: `Bearer ${padding}` })).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(500);
  });
});
