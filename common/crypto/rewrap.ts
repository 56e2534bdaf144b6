import { type Envelope, type KeyEncryptionKey, type KeySource, unwrapDataKey } from "./envelope.js";

/**
 * Moves an envelope to another KEK: the data key is unwrapped with the KEK the envelope names
 * and wrapped with `to`. The credential's ciphertext, IV and tag are kept byte for byte, so the
 * credential itself is never decrypted.
 */
export async function rewrap(
  keys: KeySource,
  envelope: Envelope,
  to: KeyEncryptionKey,
  context: string,
): Promise<Envelope> {
  if (envelope.kek === to.id) return envelope;
  const dataKey = await unwrapDataKey(keys, envelope, context);
  try {
    return { ...envelope, kek: to.id, wrappedKey: await to.wrap(dataKey, context) };
  } finally {
    dataKey.fill(0);
  }
}
