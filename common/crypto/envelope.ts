import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
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

/** A fresh data key, in the clear and wrapped by a KEK. */
export interface GeneratedDataKey {
  plaintext: Buffer;
  wrapped: string;
}

/**
 * Wraps and unwraps data keys: a local master key or an AWS KMS key. `id` is what an
 * envelope records in `kek`, so a reader can pick the right key from a ring.
 */
export interface KeyEncryptionKey {
  readonly id: string;
  wrap(dataKey: Buffer, context: string): Promise<string>;
  unwrap(wrapped: string, context: string): Promise<Buffer>;
  /** Makes and wraps a data key in one step (KMS GenerateDataKey); otherwise seal wraps a random one. */
  generateDataKey?(context: string): Promise<GeneratedDataKey>;
}

/** Anything that can hand out the KEK an envelope names: one key, or a key ring. */
export interface KeySource {
  keyFor(kekId: string): KeyEncryptionKey | undefined;
  /** The ids held, for error messages (ids are fingerprints, never key material). */
  readonly ids: readonly string[];
}

/** The id envelopes carried before ids named a key; it means "the local master key". */
export const LEGACY_LOCAL_KEK_ID = "local";

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

/**
 * `local:` and 16 hex digits of a hash of the key: names the key in envelopes so that a ring
 * of old and new master keys can tell them apart. Domain-separated, and 64 bits of a hash of a
 * 256-bit random key reveal nothing useful about it.
 */
export function localKeyId(masterKey: Buffer): string {
  const digest = createHash("sha256").update("kuberelay-kek-id\0").update(masterKey).digest("hex");
  return `local:${digest.slice(0, 16)}`;
}

/** A KEK held in memory: a 32-byte AES key (KUBERELAY_MASTER_KEY, base64). */
export function localMasterKey(masterKey: Buffer, id = localKeyId(masterKey)): KeyEncryptionKey {
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

export function parseMasterKey(value: string | undefined, name = "KUBERELAY_MASTER_KEY"): Buffer {
  if (!value) throw new Error(`${name} is not set (32 random bytes, base64)`);
  const key = Buffer.from(value.trim(), "base64");
  if (key.length !== 32) throw new Error(`${name} must decode to 32 bytes (base64 of an AES-256 key)`);
  return key;
}

export async function seal(kek: KeyEncryptionKey, plaintext: string, context: string): Promise<Envelope> {
  const { plaintext: dataKey, wrapped } = kek.generateDataKey
    ? await kek.generateDataKey(context)
    : await wrapFresh(kek, context);
  const { iv, ciphertext, tag } = gcmSeal(dataKey, Buffer.from(plaintext, "utf8"), context);
  dataKey.fill(0);
  return {
    v: 1,
    kek: kek.id,
    wrappedKey: wrapped,
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    tag: tag.toString("base64"),
  };
}

async function wrapFresh(kek: KeyEncryptionKey, context: string): Promise<GeneratedDataKey> {
  const plaintext = randomBytes(32);
  return { plaintext, wrapped: await kek.wrap(plaintext, context) };
}

function isKeySource(keys: KeyEncryptionKey | KeySource): keys is KeySource {
  return "keyFor" in keys;
}

/** The KEK that wrapped `envelope`'s data key, or a clear error naming the ids on both sides. */
export function kekFor(keys: KeyEncryptionKey | KeySource, envelope: Envelope): KeyEncryptionKey {
  const kek = isKeySource(keys) ? keys.keyFor(envelope.kek) : keys.id === envelope.kek ? keys : undefined;
  if (kek) return kek;
  const held = isKeySource(keys) ? keys.ids : [keys.id];
  throw new Error(
    `sealed with key-encryption key "${envelope.kek}", which this process does not hold (it holds: ${held.join(", ") || "none"})`,
  );
}

/** Unwraps the data key of an envelope with whichever held KEK it names. */
export async function unwrapDataKey(
  keys: KeyEncryptionKey | KeySource,
  envelope: Envelope,
  context: string,
): Promise<Buffer> {
  return kekFor(keys, envelope).unwrap(envelope.wrappedKey, context);
}

export async function open(
  keys: KeyEncryptionKey | KeySource,
  envelope: Envelope,
  context: string,
): Promise<string> {
  const dataKey = await unwrapDataKey(keys, envelope, context);
  const b64 = (s: string) => Buffer.from(s, "base64");
  return gcmOpen(dataKey, b64(envelope.iv), b64(envelope.ciphertext), b64(envelope.tag), context).toString(
    "utf8",
  );
}
