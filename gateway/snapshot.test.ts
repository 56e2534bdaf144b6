import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CONFIG_VERSION, gatewayConfigSchema } from "../common/config/gateway-config.js";
import { localMasterKey } from "../common/crypto/envelope.js";
import { buildSnapshot } from "./snapshot.js";

describe("buildSnapshot", () => {
  it("security: carries allowPrivateNetwork from the compiled config, so connect-time checks know the key's policy", async () => {
    const config = gatewayConfigSchema.parse({
      version: CONFIG_VERSION,
      keys: [],
      policies: {},
      providers: {
        "ns/local": {
          provider: "openai-compatible",
          baseURL: "http://10.0.0.5/v1",
          allowPrivateNetwork: true,
        },
        "ns/public": { provider: "openai" },
      },
    });
    const s = await buildSnapshot(config, localMasterKey(randomBytes(32)), "1");
    expect(s.providers.get("ns/local")?.allowPrivateNetwork).toBe(true);
    expect(s.providers.get("ns/public")?.allowPrivateNetwork).toBeUndefined();
  });
});
