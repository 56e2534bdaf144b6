import type { IncomingHttpHeaders } from "node:http";
import type { Readable, Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { GatewayError } from "../errors.js";

/** The request as the body reader sees it: an IncomingMessage, or any readable with headers. */
export type BodySource = Readable & { headers: IncomingHttpHeaders };

export const bodyTooLarge = (limit: number) =>
  new GatewayError(
    "request_too_large",
    `The request body is larger than the ${limit} bytes this key allows.`,
    {
      code: "request_too_large",
    },
  );

const unreadable = () => new GatewayError("invalid_request", "The request body could not be read.");
const undecodable = () =>
  new GatewayError("invalid_request", "The request body does not match its Content-Encoding.", {
    code: "invalid_content_encoding",
  });

/** A streaming decoder for the body's Content-Encoding; undefined when it is sent as is. */
function decoderFor(encoding: string | undefined): Transform | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case undefined:
    case "":
    case "identity":
      return undefined;
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "deflate":
      return createInflate();
    case "br":
      return createBrotliDecompress();
    default:
      throw new GatewayError(
        "invalid_request",
        "The request's Content-Encoding is not supported; use gzip, deflate, br or none.",
        { code: "unsupported_content_encoding", status: 415 },
      );
  }
}

/**
 * Reads a body no larger than `limit` bytes, both as sent and once decoded. A declared length
 * over the limit is refused before a byte is read; otherwise bytes are counted as they arrive
 * and reading stops at the limit, so a compressed bomb never inflates past it. On failure the
 * request is left paused, not destroyed: the socket must live to carry the error answer, and
 * the caller of this function closes the connection after it.
 */
export async function readBody(req: BodySource, limit: number): Promise<Buffer> {
  const decoder = decoderFor(req.headers["content-encoding"]);
  if (Number(req.headers["content-length"]) > limit) throw bodyTooLarge(limit);
  return collect(req, decoder, limit);
}

function collect(req: BodySource, decoder: Transform | undefined, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let wire = 0;
    let settled = false;
    const source = decoder ?? req;
    const finish = (err: GatewayError | undefined) => {
      if (settled) return;
      settled = true;
      req.off("data", onWire).off("error", onReqError).off("close", onReqClose);
      if (decoder) {
        req.unpipe(decoder);
        decoder.destroy();
      } else {
        req.off("data", onData).off("end", onEnd);
      }
      if (err) {
        req.pause();
        reject(err);
      } else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(bodyTooLarge(limit));
      else chunks.push(chunk);
    };
    // Compressed bytes count against the limit too: an endless run of empty gzip members
    // inflates to nothing but must not be read forever.
    const onWire = (chunk: Buffer) => {
      wire += chunk.length;
      if (wire > limit) finish(bodyTooLarge(limit));
    };
    const onEnd = () => finish(undefined);
    const onReqError = () => finish(unreadable());
    // Closed before its end: an aborted upload.
    const onReqClose = () => {
      if (!req.readableEnded) finish(unreadable());
    };
    req.on("error", onReqError).on("close", onReqClose);
    if (decoder) {
      req.pipe(decoder);
      req.on("data", onWire);
      decoder.on("error", () => finish(undecodable()));
    }
    source.on("data", onData).on("end", onEnd);
  });
}
