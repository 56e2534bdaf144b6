import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { localMasterKey } from "../common/crypto/envelope.js";
import { KeyRing } from "../common/crypto/key-ring.js";
import { sealDraft, unsealConfig } from "./config-writer.js";
import { rewrapConfig, staleKekIds } from "./rewrap-config.js";

describe("rewrapConfig", () => {
  const oldKey = localMasterKey(randomBytes(32));
  const newKey = localMasterKey(randomBytes(32));
  const draft = {
    keys: [],
    policies: {},
    providers: {
      "team-a/openai": {
        provider: "openai" as const,
        baseURL: undefined,
        region: undefined,
        credential: "sk-a",
      },
      "team-b/openai": {
        provider: "openai" as const,
        baseURL: undefined,
        region: undefined,
        credential: "sk-b",
      },
      "team-c/bedrock": { provider: "bedrock" as const, baseURL: undefined, region: "us-east-1" },
    },
  };

  it("moves every envelope to the current key, same content, credentials not re-encrypted", async () => {
    const sealed = await sealDraft(draft, oldKey);
    const ring = new KeyRing(newKey, [oldKey]);
    expect(staleKekIds(sealed, ring)).toEqual([oldKey.id]);
    const moved = await rewrapConfig(sealed, ring);
    expect(staleKekIds(moved, ring)).toEqual([]);
    for (const [id, p] of Object.entries(moved.providers)) {
      const before = sealed.providers[id]?.credential;
      expect(p.credential?.ciphertext).toBe(before?.ciphertext);
      if (p.credential) expect(p.credential.kek).toBe(newKey.id);
    }
    expect(await unsealConfig(moved, newKey)).toEqual(await unsealConfig(sealed, oldKey));
  });
});
