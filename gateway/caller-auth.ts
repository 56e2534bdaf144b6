import type { IncomingHttpHeaders } from "node:http";
import type { CompiledKey } from "../common/config/gateway-config.js";
import { hashRelayKey } from "../common/crypto/relay-key.js";
import { unauthorized } from "./errors.js";
import type { Snapshot } from "./snapshot.js";

/**
 * The Bearer scheme as RFC 9110 §11.4 spells credentials: the scheme in any case, then one or
 * more SP (not a tab, not nothing), or the end of the value. The greedy ` +` cannot backtrack
 * into anything, so a megabyte of spaces is one linear scan.
 */
const BEARER_SCHEME = /^bearer(?: +|$)/i;

/**
 * The token of a Bearer credential, or undefined when it has none. Whitespace right after the
 * separating spaces (`Bearer \tkey`) is outside the grammar and is no token; trailing
 * whitespace is the field's own padding, which Node's parser already strips.
 */
function bearerToken(auth: string, schemeLength: number): string | undefined {
  const token = auth.slice(schemeLength);
  if (token !== token.trimStart()) return undefined;
  return token.trimEnd() || undefined;
}

/** The relay key as any supported SDK sends it: Bearer, Anthropic's x-api-key, Azure's api-key. */
export function callerKey(headers: IncomingHttpHeaders): string | undefined {
  // Typed as a string, but a header map built by anything other than Node's parser (a proxy
  // layer, a test) may hold a list: it is not a Bearer credential then, and must not throw.
  const auth: unknown = headers.authorization;
  const scheme = typeof auth === "string" ? BEARER_SCHEME.exec(auth) : null;
  if (typeof auth === "string" && scheme) return bearerToken(auth, scheme[0].length);
  for (const name of ["x-api-key", "api-key"] as const) {
    const v = headers[name];
    if (typeof v === "string" && v.trim()) return v.trim();
  }
  return undefined;
}

/**
 * Looks the key up by its sha256 in memory. The hash is the map key, so lookup time does not
 * depend on how much of a guessed key is right. Expiry is checked here, to the second, with
 * no reconcile needed.
 */
export function authenticate(snapshot: Snapshot, presented: string | undefined, now: Date): CompiledKey {
  if (!presented) throw unauthorized("You didn't provide an API key.");
  const key = snapshot.keys.get(hashRelayKey(presented));
  if (!key) throw unauthorized("Incorrect API key provided.");
  if (key.disabled) throw unauthorized("This API key is disabled.");
  if (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime())
    throw unauthorized("This API key has expired.");
  return key;
}
