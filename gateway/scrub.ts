/** Shorter values would redact ordinary words; real credentials and their parts are longer. */
const MIN_SECRET_LENGTH = 8;
const REDACTED = "[redacted]";

function stringLeaves(value: unknown, out: string[], depth = 0): void {
  if (typeof value === "string") out.push(value);
  else if (value && typeof value === "object" && depth < 8)
    for (const v of Object.values(value)) stringLeaves(v, out, depth + 1);
}

/**
 * A credential and the parts an upstream could echo on their own: every string in a JSON
 * credential (AWS access key id, secret and session token; a service-account key — any leaf
 * may be secret, and a redacted project id costs little) and each line of a multi-line value
 * (the body of a PEM private key).
 */
export function secretParts(credential: string): string[] {
  const parts = [credential];
  if (credential.trimStart().startsWith("{")) {
    try {
      stringLeaves(JSON.parse(credential), parts);
    } catch {
      // Not JSON after all: the whole value is the secret.
    }
  }
  for (const p of [...parts]) if (p.includes("\n")) parts.push(...p.split(/\r?\n/).map((l) => l.trim()));
  return parts.filter((p) => p.length >= MIN_SECRET_LENGTH);
}

/** The spellings a value takes inside a JSON string, a URL or a form body. */
function spellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const url = encodeURIComponent(secret);
  return [secret, json, json.replaceAll("/", "\\/"), url, url.replaceAll("%20", "+")];
}

const expansions = new Map<string, readonly string[]>();
const MAX_EXPANSIONS = 1024;

/** Everything to cut for one secret, computed once per value (a provider's credential, a minted token). */
function expand(secret: string): readonly string[] {
  let found = expansions.get(secret);
  if (!found) {
    found = [...new Set(secretParts(secret).flatMap(spellings))];
    // Minted tokens rotate; the cap keeps old ones from piling up.
    if (expansions.size >= MAX_EXPANSIONS) expansions.clear();
    expansions.set(secret, found);
  }
  return found;
}

/**
 * Every spelling to cut for these secrets, longest first, so a whole credential goes before
 * its pieces and no fragment of it is left between two redactions. Empty when there are none.
 */
export function secretSpellings(secrets: readonly (string | undefined)[]): string[] {
  const cut = new Set<string>();
  for (const s of secrets) if (s && s.length >= MIN_SECRET_LENGTH) for (const e of expand(s)) cut.add(e);
  return [...cut].sort((a, b) => b.length - a.length);
}

export const REDACTION = REDACTED;

/**
 * Removes every occurrence of the given secrets, their parts and their escaped and encoded
 * spellings from text an upstream sent back.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  return scrubSpellings(text, secretSpellings(secrets));
}

/** scrubSecrets with the spellings already worked out (longest first). */
export function scrubSpellings(text: string, spellings: readonly string[]): string {
  let out = text;
  for (const s of spellings) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

const AWS_CREDENTIAL = /Credential=([^/,\s]+)\//;

/**
 * Secrets an upstream call carries that the provider's credential does not show: a minted
 * Vertex access token, the access key id and session token SigV4 signed with (ambient
 * identity included), and the keys in API-key headers.
 */
export function secretsInHeaders(headers: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = name.toLowerCase();
    if (n === "authorization") {
      const aws = value.startsWith("AWS4-") ? AWS_CREDENTIAL.exec(value)?.[1] : undefined;
      out.push(aws ?? value.replace(/^(Bearer|Basic)\s+/i, ""));
    } else if (
      n === "x-api-key" ||
      n === "api-key" ||
      n === "x-goog-api-key" ||
      n === "x-amz-security-token"
    ) {
      out.push(value);
    }
  }
  return out;
}
