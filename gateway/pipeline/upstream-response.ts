import { Readable } from "node:stream";
import type { HeaderReader } from "./types.js";

/** An upstream's answer: status and headers, and the body as a Node stream (no web streams). */
export interface UpstreamResponse {
  status: number;
  headers: HeaderReader;
  body: Readable;
}

type RawHeaderValue = string | string[] | undefined;

/** undici's header object (lower-case names, repeated ones as lists) read like WHATWG Headers. */
export class RawHeaders implements HeaderReader {
  constructor(private readonly raw: Record<string, RawHeaderValue>) {}

  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(", ") : v;
  }

  forEach(each: (value: string, name: string) => void): void {
    for (const [name, v] of Object.entries(this.raw)) {
      if (v !== undefined) each(Array.isArray(v) ? v.join(", ") : v, name);
    }
  }
}

/** A fetch Response as an UpstreamResponse: for tests and for callers that bring their own fetch. */
export function fromFetchResponse(r: Response): UpstreamResponse {
  const body = r.body
    ? Readable.fromWeb(r.body as import("node:stream/web").ReadableStream<Uint8Array>)
    : Readable.from([]);
  return { status: r.status, headers: r.headers, body };
}

/** The whole body as UTF-8 text; rejects when the body errors or is cut off. */
export function readText(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    body.once("end", () => resolve(Buffer.concat(chunks, size).toString("utf8")));
    body.once("error", reject);
    // Destroyed before its end, without an error (a cancelled read): no text to give.
    body.once("close", () => {
      if (!body.readableEnded) reject(new Error("the upstream body closed before its end"));
    });
  });
}

/** Lets go of a body nobody will read (the connection is not reused mid-body). */
export function discardBody(body: Readable): void {
  if (!body.destroyed) body.destroy();
}
