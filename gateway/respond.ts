import type { IncomingMessage, ServerResponse } from "node:http";
import type { RenderedError } from "./surfaces/surface.js";

/** A whole answer in one write: status, headers, a length, the body. */
export function sendBody(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  if (res.destroyed) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.statusCode = status;
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

export const sendJson = (res: ServerResponse, status: number, body: string) =>
  sendBody(res, status, { "content-type": "application/json; charset=utf-8" }, body);

/** An error in the caller's shape; a body nobody read is not drained: the connection closes. */
export function sendError(req: IncomingMessage, res: ServerResponse, rendered: RenderedError): void {
  if (!req.complete) res.setHeader("connection", "close");
  sendBody(res, rendered.status, rendered.headers, rendered.body);
}
