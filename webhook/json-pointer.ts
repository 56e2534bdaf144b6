/** JSON Pointer (RFC 6901) construction for the patches the webhook emits. */

/** `~` is escaped first: escaping `/` first would turn its `~1` into `~01`. */
export function escapePointerToken(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

export function unescapePointerToken(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((segment) => `/${escapePointerToken(String(segment))}`).join("");
}
