import { createHmac, randomBytes } from "node:crypto";
import { stableStringify } from "../../common/stable-json.js";
import type { DraftConfig } from "../../operator/compile.js";
import type { RuntimeProvider, Snapshot } from "../snapshot.js";

/**
 * The draft holds plaintext credentials and the generation is logged, so the content hash is
 * keyed with a per-process secret: stable across reloads of this process, and no help to
 * anyone guessing a credential from the logs.
 */
const generationKey = randomBytes(32);

/** A content hash of the draft: equal drafts, equal generations. */
export function draftGeneration(draft: DraftConfig): string {
  return createHmac("sha256", generationKey).update(stableStringify(draft)).digest("hex").slice(0, 16);
}

/**
 * The same runtime view the cluster path builds from a sealed config (gateway/snapshot.ts),
 * here straight from the draft: in standalone mode nothing is written anywhere, so there is
 * nothing to seal.
 */
export function snapshotFromDraft(draft: DraftConfig): Snapshot {
  const providers = new Map<string, RuntimeProvider>();
  for (const [id, p] of Object.entries(draft.providers)) {
    providers.set(id, { ...p, id, baseURL: p.baseURL, region: p.region, credential: p.credential });
  }
  return {
    generation: draftGeneration(draft),
    keys: new Map(draft.keys.map((k) => [k.hash, k])),
    policies: new Map(Object.entries(draft.policies)),
    providers,
  };
}
