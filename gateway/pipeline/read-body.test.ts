import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors.js";
import { type BodySource, readBody } from "./read-body.js";

/** A request body that counts the bytes the reader pulled from it. */
function counted(chunks: readonly Buffer[], headers: IncomingHttpHeaders) {
  const seen = { pulled: 0 };
  function* gen() {
    for (const c of chunks) {
      seen.pulled += c.length;
      yield c;
    }
  }
  const source: BodySource = Object.assign(Readable.from(gen(), { objectMode: false }), { headers });
  return { source, seen };
}

const slices = (buf: Buffer, size: number) => {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
};

/** 400 gzip members of 1 MiB of zeros each: about 420 KB that inflate to 400 MiB. */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(1 << 20));
  return Buffer.concat(Array.from({ length: 400 }, () => member));
}

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

const json = Buffer.from(JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }));

describe("readBody", () => {
  it("reads a plain body, in one chunk or many", async () => {
    expect((await readBody(counted([json], {}).source, 1024)).equals(json)).toBe(true);
    expect((await readBody(counted(slices(json, 7), {}).source, 1024)).equals(json)).toBe(true);
  });

  it("inflates gzip, deflate and br bodies", async () => {
    for (const [encoding, packed] of [
      ["gzip", gzipSync(json)],
      ["deflate", deflateSync(json)],
      ["br", brotliCompressSync(json)],
    ] as const) {
      const body = await readBody(counted(slices(packed, 5), { "content-encoding": encoding }).source, 1024);
      expect(body.equals(json)).toBe(true);
    }
  });

  it("security: a Content-Length over the limit is refused before a byte is read", async () => {
    const { source, seen } = counted([Buffer.alloc(8192)], { "content-length": "8192" });
    const err = await failure(readBody(source, 4096));
    expect(err.status).toBe(413);
    expect(seen.pulled).toBe(0);
  });

  it("security: a chunked body is cut at the limit, not read to its end", async () => {
    const { source, seen } = counted(slices(Buffer.alloc(4 << 20), 1024), {});
    const err = await failure(readBody(source, 4096));
    expect(err.status).toBe(413);
    expect(seen.pulled).toBeLessThan(64 * 1024);
  });

  it("security: a gzip bomb stops inflating at the limit", async () => {
    const bomb = gzipBomb();
    const limit = 256 * 1024;
    const { source, seen } = counted(slices(bomb, 512), { "content-encoding": "gzip" });
    const err = await failure(readBody(source, limit));
    expect(err.status).toBe(413);
    // Each 512 compressed bytes inflate to about half a MiB: stopping at the inflated limit
    // means the reader pulled little more than the decoder's input buffer (the stream
    // highWaterMark: 16 KiB up to Node 20, 64 KiB since 22), far below the limit that
    // compressed bytes alone would reach.
    expect(seen.pulled).toBeLessThan(limit / 2);
  });

  it("security: compressed bytes count against the limit even when they inflate to nothing", async () => {
    const empty = gzipSync(Buffer.alloc(0));
    const { source, seen } = counted(
      Array.from({ length: 2000 }, () => empty),
      { "content-encoding": "gzip" },
    );
    const err = await failure(readBody(source, 4096));
    expect(err.status).toBe(413);
    expect(seen.pulled).toBeLessThan(2000 * empty.length);
  });

  it("refuses an unknown Content-Encoding with 415 before reading", async () => {
    const { source, seen } = counted([json], { "content-encoding": "compress" });
    const err = await failure(readBody(source, 1024));
    expect(err.status).toBe(415);
    expect(seen.pulled).toBe(0);
  });

  it("answers a body that is not what its Content-Encoding says with 400", async () => {
    const err = await failure(readBody(counted([json], { "content-encoding": "gzip" }).source, 1024));
    expect(err.status).toBe(400);
  });

  it("answers an aborted upload with 400", async () => {
    const source: BodySource = Object.assign(new Readable({ read() {} }), { headers: {} });
    const pending = readBody(source, 1024);
    source.push(Buffer.from("{"));
    source.destroy();
    expect((await failure(pending)).status).toBe(400);
  });
});
