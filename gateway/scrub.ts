/** Removes every occurrence of the given secrets from text an upstream sent back. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    // Very short values would redact ordinary words; real credentials are long.
    if (s && s.length >= 8) out = out.split(s).join("[redacted]");
  }
  return out;
}
