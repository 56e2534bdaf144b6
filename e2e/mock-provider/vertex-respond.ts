import type { ServerResponse } from "node:http";

/** Vertex AI's JSON responses carry a charset, unlike OpenAI's and Anthropic's. */
export function sendVertexJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}
