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
  KUBERELAY_KMS_KEY_ID_PREVIOUS?: string | undefined;
}

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");

/**
 * The key ring from the environment. The current (sealing) key is the KMS key when
 * KUBERELAY_KMS_KEY_ID is set, else KUBERELAY_MASTER_KEY; every other configured key only
 * unwraps: KUBERELAY_MASTER_KEY_PREVIOUS and KUBERELAY_KMS_KEY_ID_PREVIOUS during a rotation,
 * KUBERELAY_MASTER_KEY when moving to KMS.
 */
export function keyRingFromEnv(env: KeyEnv, kmsClient?: KmsSend, observeKms?: KmsCallObserver): KeyRing {
  const kmsKeyId = env.KUBERELAY_KMS_KEY_ID?.trim();
  const previousKms = list(env.KUBERELAY_KMS_KEY_ID_PREVIOUS);
  const previousLocal = list(env.KUBERELAY_MASTER_KEY_PREVIOUS);
  let client: KmsSend | undefined;
  const kms = (keyId: string) => {
    client ??= kmsClient ?? kmsClientFromEnv(env);
    return kmsKey(observeKms ? observedKms(client, observeKms) : client, keyId);
  };
  const keys: KeyEncryptionKey[] = [];
  if (kmsKeyId) keys.push(kms(kmsKeyId));
  if (env.KUBERELAY_MASTER_KEY) keys.push(localMasterKey(parseMasterKey(env.KUBERELAY_MASTER_KEY)));
  if (keys.length === 0 && (previousLocal.length > 0 || previousKms.length > 0)) {
    throw new Error(
      "KUBERELAY_MASTER_KEY_PREVIOUS and KUBERELAY_KMS_KEY_ID_PREVIOUS only unwrap: set the new key in KUBERELAY_MASTER_KEY or KUBERELAY_KMS_KEY_ID",
    );
  }
  previousLocal.forEach((value, i) => {
    keys.push(localMasterKey(parseMasterKey(value, `KUBERELAY_MASTER_KEY_PREVIOUS entry ${i + 1}`)));
  });
  for (const keyId of previousKms) if (keyId !== kmsKeyId) keys.push(kms(keyId));
  const [current, ...rest] = keys;
  if (!current) {
    throw new Error(
      "no key-encryption key: set KUBERELAY_MASTER_KEY (32 random bytes, base64) or KUBERELAY_KMS_KEY_ID",
    );
  }
  return new KeyRing(current, rest);
}
