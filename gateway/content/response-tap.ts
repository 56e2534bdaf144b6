import type { ServerResponse } from "node:http";

export interface Tapped {
  bytes(): Buffer;
  /** More was sent than `maxBytes`; only the first `maxBytes` were kept. */
  readonly truncated: boolean;
}

/**
 * Keeps a copy of what the caller is sent, whatever path writes it (a whole body, a stream's
 * events, an error), up to `maxBytes`: the answer as the caller received it, a stream reassembled.
 * Only responses whose Policy captures content are tapped.
 */
export function tapResponse(res: ServerResponse, maxBytes: number): Tapped {
  const parts: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    const buf =
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.from(chunk as Uint8Array);
    const room = maxBytes - kept;
    if (buf.length > room) truncated = true;
    if (room <= 0) return;
    const part = buf.length > room ? buf.subarray(0, room) : buf;
    parts.push(part);
    kept += part.length;
  };
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    keep(chunk, encoding);
    return (write as (...a: unknown[]) => boolean)(chunk, encoding, cb);
  }) as ServerResponse["write"];
  res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
    keep(chunk, encoding);
    return (end as (...a: unknown[]) => ServerResponse)(chunk, encoding, cb);
  }) as ServerResponse["end"];
  return {
    bytes: () => Buffer.concat(parts),
    get truncated() {
      return truncated;
    },
  };
}
