import { createHash } from "node:crypto";
import { z } from "zod";
import { CONFIG_MANIFEST_KEY, CONFIG_SECRET_KEY, CONFIG_SHARD_KEY } from "../names.js";
import { ConfigDecodeError } from "./config-codec.js";

/**
 * A config too large for one Secret is split into shard Secrets, and the config Secret holds a
 * manifest naming them with their digests. Shards live in two slots, `a` and `b`: a new
 * generation is written into the slot the current manifest does not name, then the manifest
 * flips. So the shards a manifest names are never overwritten while it is current, and a
 * reader that checks every digest gets one whole generation or nothing.
 */

/** Well under the 1 MiB object limit, leaving room for metadata and base64 on the wire. */
export const DEFAULT_SHARD_BYTES = 512 * 1024;
/** Shard Secret names are fixed so that RBAC can name each one (resourceNames). */
export const MAX_SHARDS = 16;

export const shardSlots = ["a", "b"] as const;
export type ShardSlot = (typeof shardSlots)[number];

export const shardManifestSchema = z.object({
  v: z.literal(1),
  /** sha256 of the whole gzip document: the generation's identity. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  slot: z.enum(shardSlots),
  shards: z
    .array(z.object({ name: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }))
    .min(1)
    .max(MAX_SHARDS),
});
export type ShardManifest = z.infer<typeof shardManifestSchema>;

export const sha256Hex = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

export function shardSecretName(configSecret: string, slot: ShardSlot, index: number): string {
  return `${configSecret}-${slot}-${index}`;
}

/** Every shard Secret name that may exist, for RBAC resourceNames. */
export function allShardSecretNames(configSecret: string): string[] {
  return shardSlots.flatMap((slot) =>
    Array.from({ length: MAX_SHARDS }, (_, i) => shardSecretName(configSecret, slot, i)),
  );
}

/**
 * Shard Secrets no manifest needs any more: every existing shard of this config that is neither
 * named by the manifest just written nor by the one it replaced (gateways may still be reading
 * that generation; it goes with the next write).
 */
export function staleShardNames(
  configSecret: string,
  existing: readonly string[],
  keep: ReadonlySet<string>,
): string[] {
  const ours = new Set(allShardSecretNames(configSecret));
  return existing.filter((name) => ours.has(name) && !keep.has(name)).sort();
}

export function otherSlot(slot: ShardSlot | undefined): ShardSlot {
  return slot === "a" ? "b" : "a";
}

export interface ShardPlan {
  manifest: ShardManifest;
  shards: Array<{ name: string; bytes: Buffer }>;
}

export class ConfigTooLargeError extends Error {
  override readonly name = "ConfigTooLargeError";
}

/** Splits a gzip document into shards for `slot`; refuses what MAX_SHARDS cannot hold. */
export function planShards(
  configSecret: string,
  bytes: Buffer,
  slot: ShardSlot,
  shardBytes = DEFAULT_SHARD_BYTES,
): ShardPlan {
  const count = Math.ceil(bytes.length / shardBytes);
  if (count > MAX_SHARDS) {
    throw new ConfigTooLargeError(
      `compressed config is ${bytes.length} bytes: more than ${MAX_SHARDS} shards of ${shardBytes} bytes`,
    );
  }
  const shards = Array.from({ length: count }, (_, i) => ({
    name: shardSecretName(configSecret, slot, i),
    bytes: bytes.subarray(i * shardBytes, (i + 1) * shardBytes),
  }));
  return {
    manifest: {
      v: 1,
      sha256: sha256Hex(bytes),
      slot,
      shards: shards.map((s) => ({ name: s.name, sha256: sha256Hex(s.bytes) })),
    },
    shards,
  };
}

/** Thrown while a manifest's shards are not (yet, or any more) the generation it names. */
export class ShardMismatchError extends ConfigDecodeError {}

type SecretData = Record<string, string> | undefined;

export function parseManifest(encoded: string): ShardManifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch (cause) {
    throw new ConfigDecodeError("config manifest is not JSON", { cause });
  }
  const parsed = shardManifestSchema.safeParse(json);
  if (!parsed.success) throw new ConfigDecodeError("config manifest is invalid");
  return parsed.data;
}

/**
 * The gzip document a config Secret stands for: inline, or joined from the shards its
 * manifest names (fetched by `readShard`, which returns a shard Secret's data or undefined).
 */
export async function configBytesFromSecret(
  data: SecretData,
  readShard: (name: string) => Promise<SecretData>,
): Promise<Buffer | undefined> {
  const inline = data?.[CONFIG_SECRET_KEY];
  if (inline) return Buffer.from(inline, "base64");
  const encodedManifest = data?.[CONFIG_MANIFEST_KEY];
  if (!encodedManifest) return undefined;
  const manifest = parseManifest(encodedManifest);
  const parts: Buffer[] = [];
  for (const shard of manifest.shards) {
    const encoded = (await readShard(shard.name))?.[CONFIG_SHARD_KEY];
    const bytes = encoded ? Buffer.from(encoded, "base64") : undefined;
    if (!bytes || sha256Hex(bytes) !== shard.sha256) {
      throw new ShardMismatchError(`config shard "${shard.name}" is missing or from another generation`);
    }
    parts.push(bytes);
  }
  const whole = Buffer.concat(parts);
  if (sha256Hex(whole) !== manifest.sha256) {
    throw new ShardMismatchError("config shards do not add up to the generation the manifest names");
  }
  return whole;
}
