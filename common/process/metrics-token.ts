import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";

/** The environment variable that, when set, makes `/metrics` ask for `Authorization: Bearer <token>`. */
export const METRICS_TOKEN_ENV = "KUBERELAY_METRICS_TOKEN";

/** Short enough to guess by trying; a Secret made with `openssl rand -hex 32` is 64. */
const MIN_TOKEN_LENGTH = 16;

/**
 * The token from the environment, or undefined when unset. Surrounding whitespace goes: a Secret
 * written from a file often ends with a newline, which Prometheus would never send. The message
 * of a refused token names the variable, never the value.
 */
export function metricsTokenFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const token = env[METRICS_TOKEN_ENV]?.trim();
  if (!token) return undefined;
  if (token.length < MIN_TOKEN_LENGTH)
    throw new Error(`${METRICS_TOKEN_ENV} must be at least ${MIN_TOKEN_LENGTH} characters`);
  return token;
}

/** sha256 first: timingSafeEqual needs equal lengths, and digests do not tell the token's length. */
const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Express middleware asking for the bearer token, compared in constant time. The 401 says only
 * that a token is needed; nothing is logged, so neither a wrong guess nor the token lands in logs.
 */
export function requireBearerToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)) {
      next();
      return;
    }
    res.status(401).set("www-authenticate", 'Bearer realm="metrics"').type("text/plain").send("unauthorized");
  };
}
