import { gunzipSync, gzipSync } from "node:zlib";
import { type GatewayConfig, gatewayConfigSchema } from "./gateway-config.js";

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
    json = JSON.parse(gunzipSync(bytes).toString("utf8"));
  } catch (cause) {
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
