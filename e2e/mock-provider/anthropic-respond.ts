import type { ServerResponse } from "node:http";
import { randomAlphanumeric } from "./random-id.js";

/** Anthropic names every response with request-id; the SDK exposes it as `_request_id` for support. */
export function anthropicHeaders(): Record<string, string> {
  return { "request-id": `req_01${randomAlphanumeric(22)}` };
}

/** Written by hand so the content type carries no charset, as Anthropic's does not. */
export function sendAnthropicJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(payload)),
    ...anthropicHeaders(),
  });
  res.end(payload);
}
