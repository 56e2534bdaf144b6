import { type KeyEncryptionKey, localMasterKey, parseMasterKey } from "./envelope.js";
import { KeyRing } from "./key-ring.js";
import {
  type KmsCallObserver,
  type KmsClientEnv,
  type KmsSend,
  kmsClientFromEnv,
  kmsKey,
  observedKms,
} from "./kms-key.js";

export interface KeyEnv extends KmsClientEnv {
  KUBERELAY_MASTER_KEY?: string | undefined;
  KUBERELAY_MASTER_KEY_PREVIOUS?: string | undefined;
  KUBERELAY_KMS_KEY_ID?: string | undefined;
}

export const keyEnvUsage = `KUBERELAY_MASTER_KEY (base64, 32 bytes) and/or KUBERELAY_KMS_KEY_ID (+ AWS_REGION, optional KUBERELAY_KMS_ENDPOINT);
     KUBERELAY_MASTER_KEY_PREVIOUS (comma-separated) during a master-key rotation`;

/**
 * The key ring from the environment. The current (sealing) key is the KMS key when
 * KUBERELAY_KMS_KEY_ID is set, else KUBERELAY_MASTER_KEY; every other configured key only
 * unwraps: KUBERELAY_MASTER_KEY_PREVIOUS during a rotation, KUBERELAY_MASTER_KEY when moving to KMS.
 */
export function keyRingFromEnv(env: KeyEnv, kmsClient?: KmsSend, observeKms?: KmsCallObserver): KeyRing {
  const keys: KeyEncryptionKey[] = [];
  const kmsKeyId = env.KUBERELAY_KMS_KEY_ID?.trim();
  if (kmsKeyId) {
    const client = kmsClient ?? kmsClientFromEnv(env);
    keys.push(kmsKey(observeKms ? observedKms(client, observeKms) : client, kmsKeyId));
  }
  if (env.KUBERELAY_MASTER_KEY) keys.push(localMasterKey(parseMasterKey(env.KUBERELAY_MASTER_KEY)));
  if (keys.length === 0 && env.KUBERELAY_MASTER_KEY_PREVIOUS?.trim()) {
    throw new Error(
      "KUBERELAY_MASTER_KEY_PREVIOUS only unwraps: set the new key in KUBERELAY_MASTER_KEY or KUBERELAY_KMS_KEY_ID",
    );
  }
  const previous = (env.KUBERELAY_MASTER_KEY_PREVIOUS ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
  previous.forEach((value, i) => {
    keys.push(localMasterKey(parseMasterKey(value, `KUBERELAY_MASTER_KEY_PREVIOUS entry ${i + 1}`)));
  });
  const [current, ...rest] = keys;
  if (!current) {
    throw new Error(
      "no key-encryption key: set KUBERELAY_MASTER_KEY (32 random bytes, base64) or KUBERELAY_KMS_KEY_ID",
    );
  }
  return new KeyRing(current, rest);
}
