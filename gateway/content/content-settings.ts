import { contentKeysFromEnv } from "../../common/crypto/content-key.js";
import type { Logger } from "../../common/log.js";
import type { Snapshot, SnapshotHolder } from "../snapshot.js";
import type { ContentSettings } from "./capture.js";

/** Per direction: a request or answer past this is kept cut, and the record says so. */
export const MAX_CAPTURED_BYTES = 1024 * 1024;

/** What this gateway can do with Policy content capture, from its environment. */
export function contentSettings(ledger: boolean, log: Logger, env = process.env): ContentSettings {
  const { current } = contentKeysFromEnv(env);
  const allowPlaintext = env.KUBERELAY_ALLOW_PLAINTEXT === "true";
  // The key's id (a hash), never the key: it shows which key new content is sealed with.
  log.info("content capture", { contentKey: current?.id ?? "none", allowPlaintext, ledger });
  return { key: current, allowPlaintext, ledger, maxBytes: MAX_CAPTURED_BYTES };
}

const retentionBySnapshot = new WeakMap<Snapshot, ReadonlyMap<string, number>>();
const NONE: ReadonlyMap<string, number> = new Map();

/**
 * Each Policy's content.retentionDays in the config serving now. Worked out once per config
 * generation: the ledger asks for every row with content.
 */
export function contentRetentionOf(snapshots: SnapshotHolder): ReadonlyMap<string, number> {
  const snapshot = snapshots.current;
  if (!snapshot) return NONE;
  let days = retentionBySnapshot.get(snapshot);
  if (!days) {
    const found = new Map<string, number>();
    for (const [id, policy] of snapshot.policies) {
      if (policy.content?.retentionDays !== undefined) found.set(id, policy.content.retentionDays);
    }
    days = found;
    retentionBySnapshot.set(snapshot, days);
  }
  return days;
}
