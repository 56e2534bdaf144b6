import { gunzipSync, gzipSync } from "node:zlib";
import { type GatewayConfig, gatewayConfigSchema } from "./gateway-config.js";

/**
 * The most bytes a config document may inflate to. Sharding caps the gzip at 8 MiB (16 shards
 * of 512 KiB) and real configs, mostly random key hashes, compress about 4×: 64 MiB is twice
 * the largest config the operator can write. A gzip bomb (deflate reaches ~1000×) stops here
 * instead of filling the gateway's memory.
 */
export const MAX_CONFIG_JSON_BYTES = 64 * 1024 * 1024;

/** Bytes stored in the config Secret: gzip of the JSON document. */
export function encodeConfig(config: GatewayConfig): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(config), "utf8"));
}

export class ConfigDecodeError extends Error {
  override readonly name = "ConfigDecodeError";
}

/** Decodes and validates; a bad document throws and the caller keeps its last good config. */
export function decodeConfig(bytes: Buffer): GatewayConfig {
  let json: unknown;
  try {
    json = JSON.parse(inflate(bytes).toString("utf8"));
  } catch (cause) {
    if (cause instanceof ConfigDecodeError) throw cause;
    throw new ConfigDecodeError("config is not gzip-compressed JSON", { cause });
  }
  const parsed = gatewayConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") : "";
    throw new ConfigDecodeError(`config is invalid at "${where}": ${issue?.message ?? "unknown"}`);
  }
  return parsed.data;
}

function inflate(bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_CONFIG_JSON_BYTES });
  } catch (cause) {
    if (cause instanceof RangeError && "code" in cause && cause.code === "ERR_BUFFER_TOO_LARGE") {
      throw new ConfigDecodeError(`config inflates to more than ${MAX_CONFIG_JSON_BYTES} bytes`, { cause });
    }
    throw cause;
  }
}
