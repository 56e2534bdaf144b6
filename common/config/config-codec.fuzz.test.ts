import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { providerNames } from "../schemas/provider-key.js";
import { ConfigDecodeError, decodeConfig, encodeConfig } from "./config-codec.js";
import { type GatewayConfig, gatewayConfigSchema } from "./gateway-config.js";

/** What decodeConfig did: a config that passes the schema, or its own error; nothing else. */
function outcome(bytes: Buffer): GatewayConfig | ConfigDecodeError {
  try {
    const config = decodeConfig(bytes);
    expect(gatewayConfigSchema.safeParse(config).success).toBe(true);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigDecodeError)) throw error;
    expect(error.message).toMatch(/^config (is not gzip-compressed JSON|is invalid at ".*": |inflates to)/);
    return error;
  }
}

const id = fc.string({ maxLength: 12 }).filter((s) => s !== "__proto__");
const positiveInt = fc.integer({ min: 1, max: 1_000_000 });
const limits = fc.record(
  { requestsPerMinute: positiveInt, tokensPerMinute: positiveInt, maxConcurrentRequests: positiveInt },
  { requiredKeys: [] },
);
const validConfig: fc.Arbitrary<GatewayConfig> = fc.record({
  version: fc.constant(1 as const),
  keys: fc.array(
    fc.record(
      {
        hash: fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }),
        id,
        policy: id,
        expiresAt: fc
          .date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) })
          .map((d) => d.toISOString()),
        disabled: fc.boolean(),
        limits,
      },
      { requiredKeys: ["hash", "id", "policy"] },
    ),
    { maxLength: 4 },
  ),
  policies: fc.dictionary(
    id,
    fc.record(
      {
        routes: fc.array(
          fc.record({
            model: fc.string({ maxLength: 12 }),
            targets: fc.array(
              fc.record(
                { provider: id, model: fc.string({ maxLength: 8 }), weight: positiveInt },
                { requiredKeys: ["provider", "weight"] },
              ),
              { minLength: 1, maxLength: 3 },
            ),
          }),
          { maxLength: 3 },
        ),
        limits,
        failOpen: fc.boolean(),
      },
      { requiredKeys: ["routes"] },
    ),
    { maxKeys: 3 },
  ),
  providers: fc.dictionary(
    id,
    fc.record(
      {
        provider: fc.constantFrom(...providerNames),
        baseURL: fc.webUrl(),
        region: fc.string({ maxLength: 8 }),
      },
      { requiredKeys: ["provider"] },
    ),
    { maxKeys: 3 },
  ),
});

/** Every path to a value inside a JSON document. */
function paths(value: unknown, at: string[] = []): string[][] {
  if (typeof value !== "object" || value === null) return [at];
  return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
}

/** A copy of `doc` with the value at `path` replaced. */
function replaced(doc: unknown, path: string[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const at = (k: string, v: unknown) => (k === head ? replaced(v, rest, value) : v);
  if (Array.isArray(doc)) return doc.map((v, i) => at(String(i), v));
  if (typeof doc !== "object" || doc === null) return doc;
  return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, at(k, v)]));
}

const gzipJson = (value: unknown) => gzipSync(Buffer.from(JSON.stringify(value)));

describe("decodeConfig (fuzz)", () => {
  it("round-trips any valid config", () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        expect(decodeConfig(encodeConfig(config))).toEqual(config);
      }),
      { numRuns: 100 },
    );
  });

  it("throws only ConfigDecodeError on random bytes, gzip or not", () => {
    fc.assert(
      fc.property(
        fc
          .uint8Array({ maxLength: 512, size: "max" })
          .chain((bytes) =>
            fc.constantFrom(Buffer.from(bytes), gzipSync(bytes), gzipSync(bytes).subarray(0, bytes.length)),
          ),
        (bytes) => {
          expect(outcome(bytes)).toBeInstanceOf(ConfigDecodeError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives a valid config or ConfigDecodeError for gzip of any JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        outcome(gzipJson(value));
      }),
      { numRuns: 300 },
    );
  });

  it("gives a valid config or ConfigDecodeError naming a path when any field of a valid one is mutated", () => {
    fc.assert(
      fc.property(validConfig, fc.nat(), fc.jsonValue({ maxDepth: 3 }), (config, pick, value) => {
        const all = paths(config);
        const path = all[pick % all.length] ?? [];
        outcome(gzipJson(replaced(config, path, value)));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses deep nesting promptly, wherever it sits", () => {
    for (const depth of [1_000, 100_000]) {
      const deep = `${"[".repeat(depth)}${"]".repeat(depth)}`;
      for (const doc of [
        deep,
        `{"version":1,"keys":${deep},"policies":{},"providers":{}}`,
        `{"version":1,"keys":[],"policies":{"p":{"routes":${deep}}},"providers":{}}`,
      ]) {
        expect(outcome(gzipSync(doc))).toBeInstanceOf(ConfigDecodeError);
      }
    }
    // Nesting in a field the schema does not know is dropped, not walked.
    const ignored = `{"version":1,"keys":[],"policies":{},"providers":{},"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect(outcome(gzipSync(ignored))).toEqual({ version: 1, keys: [], policies: {}, providers: {} });
  });

  it("takes a huge string in its stride", () => {
    const huge = "k".repeat(4 * 1024 * 1024);
    const config: GatewayConfig = { version: 1, keys: [], policies: {}, providers: {} };
    const withKey = { ...config, keys: [{ hash: "a".repeat(64), id: huge, policy: huge }] };
    expect(outcome(gzipJson(withKey))).toEqual(withKey);
    expect(outcome(gzipJson({ ...config, version: huge }))).toBeInstanceOf(ConfigDecodeError);
  });

  it("decodes ten times the keys in about ten times the time", () => {
    // Timed, because gunzip, JSON.parse and zod hold nothing to count. The bound is generous
    // (a quadratic step would be ~100×) and each side takes the best of five runs (three once
    // gave 49× on a machine running a second test suite beside it); it catches a decoder that
    // goes superlinear, not a slow one.
    const bytesFor = (n: number) =>
      encodeConfig({
        version: 1,
        keys: Array.from({ length: n }, (_, i) => ({
          hash: i.toString(16).padStart(64, "0"),
          id: `ns/key-${i}`,
          policy: "ns/p",
        })),
        policies: { "ns/p": { routes: [{ model: "*", targets: [{ provider: "ns/o", weight: 1 }] }] } },
        providers: { "ns/o": { provider: "openai" } },
      });
    const best = (bytes: Buffer) =>
      Math.min(
        ...[0, 1, 2, 3, 4].map(() => {
          const started = performance.now();
          decodeConfig(bytes);
          return performance.now() - started;
        }),
      );
    const small = bytesFor(2_000);
    const large = bytesFor(20_000);
    best(small); // warm up the JIT before timing
    expect(best(large) / best(small)).toBeLessThan(50);
  });
});
