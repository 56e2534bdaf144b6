import { DataKeyCache } from "./data-key-cache.js";
import type { KeyRing } from "./key-ring.js";
import { type KeyEnv, keyRingFromEnv } from "./keys-from-env.js";
import type { KmsCallObserver } from "./kms-key.js";

/**
 * The key ring a long-running process uses: from the environment, with unwrapped data keys
 * cached, so re-reading a config whose envelopes did not change costs no KMS call.
 */
export function processKeyRing(
  env: KeyEnv,
  options: { observeKms?: KmsCallObserver; cache?: DataKeyCache } = {},
): KeyRing {
  const cache = options.cache ?? new DataKeyCache();
  return keyRingFromEnv(env, undefined, options.observeKms).map((kek) => cache.around(kek));
}
