import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { localMasterKey, open } from "../common/crypto/envelope.js";
import type { DraftConfig } from "./compile.js";
import { sealDraftKeeping } from "./seal-keeping.js";

const provider = (credential: string) => ({
  provider: "openai" as const,
  baseURL: undefined,
  region: undefined,
  credential,
});

describe("sealDraftKeeping", () => {
  const kek = localMasterKey(randomBytes(32));
  const draft: DraftConfig = {
    keys: [],
    policies: {},
    providers: { "ns/a": provider("sk-a"), "ns/b": provider("sk-b") },
  };

  it("keeps unchanged credentials' envelopes byte for byte and seals changed ones anew", async () => {
    const first = await sealDraftKeeping(draft, kek, undefined);
    const next: DraftConfig = { ...draft, providers: { ...draft.providers, "ns/b": provider("sk-b2") } };
    const second = await sealDraftKeeping(next, kek, { sealed: first, draft });
    expect(second.providers["ns/a"]?.credential).toBe(first.providers["ns/a"]?.credential);
    expect(second.providers["ns/b"]?.credential).not.toEqual(first.providers["ns/b"]?.credential);
    const b = second.providers["ns/b"]?.credential;
    expect(b && (await open(kek, b, "ns/b"))).toBe("sk-b2");
  });

  it("seals anew when the kept envelope is under another key", async () => {
    const old = localMasterKey(randomBytes(32));
    const first = await sealDraftKeeping(draft, old, undefined);
    const second = await sealDraftKeeping(draft, kek, { sealed: first, draft });
    expect(second.providers["ns/a"]?.credential?.kek).toBe(kek.id);
  });
});
