import { createPublicKey, type KeyObject } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type Request, type Response, Router } from "express";
import { checkAssertion } from "./google-jwt.js";
import type { GoogleTokenStore } from "./google-token-store.js";
import { bodyOf } from "./recorder.js";

export interface GoogleOAuthOptions {
  serviceAccountEmail: string;
  publicKeyPem: string;
  tokens: GoogleTokenStore;
}

const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** Google's OAuth2 token endpoint, for the service-account (JWT-bearer) grant only. */
export function googleOAuthRouter(options: GoogleOAuthOptions): Router {
  const publicKey = createPublicKey(options.publicKeyPem);
  const router = Router();
  router.post("/token", (req, res) => handleToken(req, res, options, publicKey));
  return router;
}

function handleToken(req: Request, res: Response, options: GoogleOAuthOptions, publicKey: KeyObject): void {
  if (!req.is("application/x-www-form-urlencoded")) {
    sendOAuthJson(res, 400, { error: "invalid_request", error_description: "Bad Request" });
    return;
  }
  const form = new URLSearchParams(bodyOf(req).raw.toString("utf8"));
  const grantType = form.get("grant_type") ?? "";
  if (grantType !== JWT_BEARER) {
    sendOAuthJson(res, 400, {
      error: "unsupported_grant_type",
      error_description: `Invalid grant_type: ${grantType}`,
    });
    return;
  }
  const assertion = form.get("assertion");
  if (assertion === null || assertion === "") {
    sendOAuthJson(res, 400, {
      error: "invalid_request",
      error_description: "Missing required parameter: assertion",
    });
    return;
  }
  const check = checkAssertion(assertion, {
    publicKey,
    issuer: options.serviceAccountEmail,
    // The mock only speaks plain HTTP, so the URL the caller used is http://<its Host header>/token.
    audience: `http://${req.headers.host ?? ""}${req.path}`,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  if (!check.ok) {
    sendOAuthJson(res, 400, { error: check.error, error_description: check.description });
    return;
  }
  sendOAuthJson(res, 200, options.tokens.issue());
}

/** Google's token endpoint says charset and forbids caching, unlike the model APIs. */
function sendOAuthJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-cache, no-store, max-age=0, must-revalidate",
    "content-length": String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}
