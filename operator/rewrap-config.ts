import type { GatewayConfig } from "../common/config/gateway-config.js";
import type { KeyRing } from "../common/crypto/key-ring.js";
import { rewrap } from "../common/crypto/rewrap.js";

/** The KEK ids, other than the current one, that some envelope of `config` is wrapped under. */
export function staleKekIds(config: GatewayConfig, keys: KeyRing): string[] {
  const stale = new Set<string>();
  for (const p of Object.values(config.providers)) {
    if (p.credential && keys.isStale(p.credential.kek)) stale.add(p.credential.kek);
  }
  return [...stale];
}

/**
 * The same config with every envelope wrapped under the current KEK (master-key rotation, or a
 * move from the local key to KMS). Only data keys are re-wrapped; credentials stay as sealed.
 */
export async function rewrapConfig(config: GatewayConfig, keys: KeyRing): Promise<GatewayConfig> {
  const providers: GatewayConfig["providers"] = {};
  for (const [id, p] of Object.entries(config.providers)) {
    providers[id] = p.credential
      ? { ...p, credential: await rewrap(keys, p.credential, keys.current, id) }
      : p;
  }
  return { ...config, providers };
}
