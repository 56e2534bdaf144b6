import type { ServerResponse } from "node:http";
import { randomHex } from "./random-id.js";

/** Headers OpenAI puts on every response; clients and relays log x-request-id for support. */
export function openaiHeaders(startedAt: number): Record<string, string> {
  return {
    "x-request-id": `req_${randomHex(16)}`,
    "openai-processing-ms": String(Math.max(1, Math.round(performance.now() - startedAt))),
    "openai-version": "2020-10-01",
  };
}

/** Written by hand rather than res.json() because Express would add "; charset=utf-8" and OpenAI does not. */
export function sendOpenAIJson(res: ServerResponse, status: number, body: unknown, startedAt: number): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(payload)),
    ...openaiHeaders(startedAt),
  });
  res.end(payload);
}
