import { describe, expect, it } from "vitest";
import type { DraftConfig } from "../../operator/compile.js";
import { draftGeneration, snapshotFromDraft } from "./draft-snapshot.js";

const draft: DraftConfig = {
  keys: [{ hash: "a".repeat(64), id: "ns/app", policy: "ns/default" }],
  policies: {
    "ns/default": { routes: [{ model: "gpt-*", targets: [{ provider: "ns/openai", weight: 1 }] }] },
  },
  providers: { "ns/openai": { provider: "openai", credential: "sk-upstream" } },
};

describe("snapshotFromDraft", () => {
  it("builds the gateway's runtime view, keys by hash, credential in memory", () => {
    const s = snapshotFromDraft(draft);
    expect(s.keys.get("a".repeat(64))?.id).toBe("ns/app");
    expect(s.policies.get("ns/default")?.routes).toHaveLength(1);
    expect(s.providers.get("ns/openai")).toEqual({
      id: "ns/openai",
      provider: "openai",
      baseURL: undefined,
      region: undefined,
      credential: "sk-upstream",
    });
  });

  it("has a generation that follows the content and reveals none of it", () => {
    const same = structuredClone(draft);
    const other: DraftConfig = {
      ...draft,
      providers: { "ns/openai": { provider: "openai", credential: "sk-other" } },
    };
    expect(draftGeneration(same)).toBe(draftGeneration(draft));
    expect(draftGeneration(other)).not.toBe(draftGeneration(draft));
    expect(draftGeneration(draft)).toMatch(/^[0-9a-f]{16}$/);
  });
});
