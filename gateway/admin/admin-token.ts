import { createHash, timingSafeEqual } from "node:crypto";

/** Shorter than this, a token could be guessed; `openssl rand -hex 32` gives 64 characters. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/**
 * The admin token from the environment, when set. Surrounding whitespace is dropped: a Secret made
 * from a file often ends with a newline. Too short a token is an error (the message gives its
 * length, never the token), not an admin API left open to guessing.
 */
export function adminTokenFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const token = env.KUBERELAY_ADMIN_TOKEN?.trim();
  if (!token) return undefined;
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new Error(
      `KUBERELAY_ADMIN_TOKEN has ${token.length} characters; at least ${MIN_ADMIN_TOKEN_LENGTH} are needed (openssl rand -hex 32)`,
    );
  }
  return token;
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * Checks an `Authorization` header against the admin token in constant time: both sides are
 * hashed first, so timingSafeEqual compares 32 bytes whatever the lengths, and the time taken
 * tells nothing about the token's length or how much of it a guess got right.
 */
export function bearerCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? "");
    // A missing header is compared too: the answer takes the same time either way.
    return timingSafeEqual(digest(match?.[1] ?? ""), expected) && match !== null;
  };
}
