import { CONFIG_VERSION, type GatewayConfig } from "../common/config/gateway-config.js";
import { type KeyEncryptionKey, seal } from "../common/crypto/envelope.js";
import type { DraftConfig } from "./compile.js";

/** A config as written: sealed, and the draft it was sealed from. */
export interface SealedConfig {
  sealed: GatewayConfig;
  draft: DraftConfig;
}

/**
 * Seals a draft, keeping the envelope of every credential that did not change and is already
 * under `kek`. Envelopes stay byte-identical across unrelated config changes (a new RelayKey),
 * so gateways answer them from their data-key cache instead of calling KMS again, and the
 * operator makes no GenerateDataKey call for them either.
 */
export async function sealDraftKeeping(
  draft: DraftConfig,
  kek: KeyEncryptionKey,
  previous: SealedConfig | undefined,
): Promise<GatewayConfig> {
  const providers: GatewayConfig["providers"] = {};
  for (const [id, p] of Object.entries(draft.providers)) {
    const { credential, ...rest } = p;
    if (credential === undefined) {
      providers[id] = rest;
      continue;
    }
    const kept = previous?.sealed.providers[id]?.credential;
    const same = kept?.kek === kek.id && previous?.draft.providers[id]?.credential === credential;
    providers[id] = { ...rest, credential: same && kept ? kept : await seal(kek, credential, id) };
  }
  return { version: CONFIG_VERSION, keys: draft.keys, policies: draft.policies, providers };
}
