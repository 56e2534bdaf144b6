import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { parseMasterKey } from "./envelope.js";

/**
 * The key that encrypts captured prompts and answers (Policy `content.mode: encrypted`):
 * AES-256-GCM, a fresh 96-bit nonce per value, the request id and direction bound as additional
 * data so a ciphertext cannot be moved to another row or swapped with its answer.
 */
export interface ContentKey {
  /** `content:` and 16 hex digits of a hash of the key: names it in every row, for rotation. */
  readonly id: string;
  readonly key: Buffer;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function contentKey(key: Buffer): ContentKey {
  if (key.length !== 32) throw new Error("the content key must be 32 bytes (AES-256)");
  const digest = createHash("sha256").update("kuberelay-content-key-id\0").update(key).digest("hex");
  return { id: `content:${digest.slice(0, 16)}`, key };
}

/** KUBERELAY_CONTENT_KEY (seals and opens) and KUBERELAY_CONTENT_KEY_PREVIOUS (a comma list, opens only). */
export function contentKeysFromEnv(env: {
  KUBERELAY_CONTENT_KEY?: string | undefined;
  KUBERELAY_CONTENT_KEY_PREVIOUS?: string | undefined;
}): { current: ContentKey | undefined; all: ContentKey[] } {
  const current = env.KUBERELAY_CONTENT_KEY
    ? contentKey(parseMasterKey(env.KUBERELAY_CONTENT_KEY, "KUBERELAY_CONTENT_KEY"))
    : undefined;
  const previous = (env.KUBERELAY_CONTENT_KEY_PREVIOUS ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "")
    .map((v, i) => contentKey(parseMasterKey(v, `KUBERELAY_CONTENT_KEY_PREVIOUS entry ${i + 1}`)));
  return { current, all: [...(current ? [current] : []), ...previous] };
}

/** nonce ‖ ciphertext ‖ tag. */
export function sealContent(key: ContentKey, plaintext: Buffer, binding: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, nonce);
  cipher.setAAD(Buffer.from(binding, "utf8"));
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Throws when the key is wrong, the value was altered, or it belongs to another row or direction. */
export function openContent(key: ContentKey, sealed: Buffer, binding: string): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error("sealed content is too short");
  const decipher = createDecipheriv("aes-256-gcm", key.key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(binding, "utf8"));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
    decipher.final(),
  ]);
}
