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
});
