import { createHash } from "node:crypto";
import type { z } from "zod";
import { GatewayError } from "../errors.js";
import type { RuntimeProvider } from "../snapshot.js";

/**
 * A provider credential that is a JSON document (AWS keys, a Google service-account key).
 * A bad one is reported by the shape expected, never by echoing the value.
 */
export function credentialJson<S extends z.ZodType>(
  provider: RuntimeProvider,
  credential: string,
  schema: S,
  expected: string,
): z.infer<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(credential);
  } catch {
    parsed = undefined;
  }
  const result = schema.safeParse(parsed);
  if (!result.success)
    throw new GatewayError("internal", `ProviderKey ${provider.id}: the credential must be ${expected}`);
  return result.data;
}

/** Caches per provider and credential, so a changed credential gets a fresh client. */
export function credentialCacheKey(provider: RuntimeProvider, ...extra: string[]): string {
  return [
    provider.id,
    ...extra,
    provider.credential === undefined ? "ambient" : sha256(provider.credential),
  ].join("|");
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
