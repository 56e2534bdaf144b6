import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ConfigDecodeError, decodeConfig, encodeConfig, MAX_CONFIG_JSON_BYTES } from "./config-codec.js";
import type { GatewayConfig } from "./gateway-config.js";

const config: GatewayConfig = {
  version: 1,
  keys: [{ hash: "a".repeat(64), id: "team-a/app", policy: "team-a/default" }],
  policies: {
    "team-a/default": { routes: [{ model: "gpt-*", targets: [{ provider: "team-a/openai", weight: 1 }] }] },
  },
  providers: { "team-a/openai": { provider: "openai" } },
};

describe("config codec", () => {
  it("round-trips", () => {
    expect(decodeConfig(encodeConfig(config))).toEqual(config);
  });

  it("refuses bytes that are not gzip JSON", () => {
    expect(() => decodeConfig(Buffer.from("nope"))).toThrow(ConfigDecodeError);
  });

  it("names the field at fault", () => {
    const bad = { ...config, keys: [{ hash: "short", id: "x", policy: "y" }] };
    expect(() => decodeConfig(gzipSync(JSON.stringify(bad)))).toThrow(/keys\.0\.hash/);
  });

  it("security: a gzip bomb is refused once it inflates past the limit, not inflated in full", () => {
    // Leading whitespace is valid JSON: without a limit this 65 MiB document decoded fine
    // from ~70 KiB of gzip, and a bigger one would exhaust the gateway's memory.
    const mebibyteOfSpaces = gzipSync(Buffer.alloc(1024 * 1024, " "));
    const members = MAX_CONFIG_JSON_BYTES / (1024 * 1024) + 1;
    const bomb = Buffer.concat([...Array(members).fill(mebibyteOfSpaces), encodeConfig(config)]);
    expect(bomb.length).toBeLessThan(128 * 1024);
    let refused: unknown;
    try {
      decodeConfig(bomb);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ConfigDecodeError);
    expect(String(refused)).toMatch(/inflates to more than 67108864 bytes/);
  });

  it("accepts whitespace padding within the limit", () => {
    const padded = Buffer.concat([gzipSync(Buffer.alloc(1024 * 1024, " ")), encodeConfig(config)]);
    expect(decodeConfig(padded)).toEqual(config);
  });

  describe("a Policy with fields this gateway does not know (a newer operator wrote it)", () => {
    const withPolicy = (policy: Record<string, unknown>) =>
      gzipSync(
        JSON.stringify({
          ...config,
          policies: { ...config.policies, "team-b/new": { routes: [], ...policy } },
        }),
      );

    it("security: is kept as unreadable, naming the fields, instead of served without them", () => {
      const decoded = decodeConfig(
        withPolicy({ guardrails: { pii: { email: "block" }, images: "block" }, watermark: true }),
      );
      const policy = decoded.policies["team-b/new"];
      expect(policy?.routes).toEqual([]);
      expect(policy?.guardrails).toBeUndefined();
      expect(policy?.unreadable?.message).toContain("guardrails.images, watermark");
      // The other Policies read as before.
      expect(decoded.policies["team-a/default"]).toEqual(config.policies["team-a/default"]);
    });

    it("a known field of the wrong type still fails the whole document, naming it", () => {
      expect(() => decodeConfig(withPolicy({ failOpen: "yes" }))).toThrow(/policies\.team-b\/new\.failOpen/);
      expect(() => decodeConfig(withPolicy({ failOpen: "yes", extra: 1 }))).toThrow(ConfigDecodeError);
    });
  });
});
