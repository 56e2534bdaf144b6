import type { IncomingHttpHeaders } from "node:http";
import type { NextFunction, Request, Response } from "express";

/** One request as the mock received it, so tests can assert what a caller forwarded upstream. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path and query string exactly as sent. */
  url: string;
  /** Names are lower-cased; a repeated header is joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON body; undefined when the body was empty or not valid JSON. */
  body: unknown;
  /** Body text as received, for bodies that did not parse. */
  rawBody: string;
}

export type JsonBody = { kind: "empty" } | { kind: "json"; value: unknown } | { kind: "invalid" };

/** Raw bytes are kept because signature schemes (SigV4) hash the exact payload. */
export interface CapturedBody {
  raw: Buffer;
  json: JsonBody;
}

const captured = new WeakMap<Request, CapturedBody>();

export function bodyOf(req: Request): CapturedBody {
  return captured.get(req) ?? { raw: Buffer.alloc(0), json: { kind: "empty" } };
}

/**
 * Reads every body before routing, so each provider sees the same parsed body and the
 * record exists even for requests a provider rejects (those are the interesting ones).
 */
export function recordRequests(log: RecordedRequest[]) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const raw = await readAll(req);
    const json = parseJson(raw);
    captured.set(req, { raw, json });
    log.push({
      method: req.method,
      path: req.path,
      url: req.originalUrl,
      headers: flattenHeaders(req.headers),
      body: json.kind === "json" ? json.value : undefined,
      rawBody: raw.toString("utf8"),
    });
    next();
  };
}

async function readAll(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): JsonBody {
  if (raw.length === 0) return { kind: "empty" };
  try {
    return { kind: "json", value: JSON.parse(raw.toString("utf8")) };
  } catch {
    return { kind: "invalid" };
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
