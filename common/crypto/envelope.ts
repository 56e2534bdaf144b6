import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { z } from "zod";

/**
 * Envelope encryption of provider credentials: a fresh data key per secret encrypts the
 * value (AES-256-GCM); the key-encryption key (KEK) wraps the data key. `context` (the
 * provider's namespace/name) is bound as additional data, so a sealed value cannot be
 * moved to another provider's entry.
 */
export const envelopeSchema = z.object({
  v: z.literal(1),
  kek: z.string().min(1),
  wrappedKey: z.string().min(1),
  iv: z.string().min(1),
  ciphertext: z.string(),
  tag: z.string().min(1),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** Wraps and unwraps data keys: a local master key now, a KMS key later. */
export interface KeyEncryptionKey {
  readonly id: string;
  wrap(dataKey: Buffer, context: string): Promise<string>;
  unwrap(wrapped: string, context: string): Promise<Buffer>;
}

function gcmSeal(
  key: Buffer,
  plaintext: Buffer,
  aad: string,
): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function gcmOpen(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** A KEK held in memory: a 32-byte AES key (KUBERELAY_MASTER_KEY, base64). */
export function localMasterKey(masterKey: Buffer, id = "local"): KeyEncryptionKey {
  if (masterKey.length !== 32) throw new Error("the master key must be 32 bytes (AES-256)");
  return {
    id,
    async wrap(dataKey, context) {
      const { iv, ciphertext, tag } = gcmSeal(masterKey, dataKey, `kek:${context}`);
      return Buffer.concat([iv, tag, ciphertext]).toString("base64");
    },
    async unwrap(wrapped, context) {
      const raw = Buffer.from(wrapped, "base64");
      return gcmOpen(
        masterKey,
        raw.subarray(0, 12),
        raw.subarray(28),
        raw.subarray(12, 28),
        `kek:${context}`,
      );
    },
  };
}

export function parseMasterKey(value: string | undefined): Buffer {
  if (!value) throw new Error("KUBERELAY_MASTER_KEY is not set (32 random bytes, base64)");
  const key = Buffer.from(value, "base64");
  if (key.length !== 32)
    throw new Error("KUBERELAY_MASTER_KEY must decode to 32 bytes (base64 of an AES-256 key)");
  return key;
}

export async function seal(kek: KeyEncryptionKey, plaintext: string, context: string): Promise<Envelope> {
  const dataKey = randomBytes(32);
  const { iv, ciphertext, tag } = gcmSeal(dataKey, Buffer.from(plaintext, "utf8"), context);
  return {
    v: 1,
    kek: kek.id,
    wrappedKey: await kek.wrap(dataKey, context),
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    tag: tag.toString("base64"),
  };
}

export async function open(kek: KeyEncryptionKey, envelope: Envelope, context: string): Promise<string> {
  if (envelope.kek !== kek.id)
    throw new Error(`sealed with key-encryption key "${envelope.kek}", not "${kek.id}"`);
  const dataKey = await kek.unwrap(envelope.wrappedKey, context);
  const b64 = (s: string) => Buffer.from(s, "base64");
  return gcmOpen(dataKey, b64(envelope.iv), b64(envelope.ciphertext), b64(envelope.tag), context).toString(
    "utf8",
  );
}
