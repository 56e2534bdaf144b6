import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ConfigDecodeError, decodeConfig, encodeConfig } from "./config-codec.js";
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
});
