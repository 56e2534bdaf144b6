import http2 from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, startChildServer } from "./testing/child-server.js";
import { getHeaders, RawH2, rstStream } from "./testing/h2-frames.js";
import { h2Get } from "./testing/h2-get.js";

const { NGHTTP2_PROTOCOL_ERROR, NGHTTP2_INTERNAL_ERROR, NGHTTP2_CANCEL } = http2.constants;

let server: ChildServer;

beforeAll(async () => {
  server = await startChildServer();
}, 20_000);

afterAll(() => server.stop());

/** Opens a stream and resets it with `code`, before or after the response has begun. */
function resetStream(client: http2.ClientHttp2Session, code: number, midResponse: boolean): Promise<void> {
  return new Promise((resolve) => {
    const req = client.request({ ":method": "POST", ":path": "/" });
    req.on("error", () => {});
    req.on("close", () => resolve());
    req.write("part of a body");
    if (midResponse) req.once("data", () => req.close(code));
    else req.close(code);
  });
}

function expectAlive(): void {
  expect(server.child.exitCode, server.stderr()).toBeNull();
  expect(server.stderr()).not.toMatch(/Unhandled|uncaught/i);
}

describe("relayStream", () => {
  it("security: RST_STREAM with PROTOCOL_ERROR, INTERNAL_ERROR or CANCEL, before or mid-response, does not crash the process", async () => {
    const client = http2.connect(`http://127.0.0.1:${server.port}`);
    client.on("error", () => {});
    const hammer = async () => {
      for (let round = 0; round < 10; round++) {
        const resets: Promise<void>[] = [];
        for (const code of [NGHTTP2_PROTOCOL_ERROR, NGHTTP2_INTERNAL_ERROR, NGHTTP2_CANCEL]) {
          resets.push(resetStream(client, code, false), resetStream(client, code, true));
        }
        await Promise.all(resets);
      }
    };
    // A crashed server shows first as a destroyed session here; the assertions below say why.
    await hammer().catch(() => {});
    // Let the server process the resets' consequences (loopback errors, closes) before asking.
    await new Promise((r) => setTimeout(r, 100));
    expectAlive();
    client.close();
    // A fresh session: the server may rightly end one that sent rapid resets (nghttp2 does
    // so under load, as rapid-reset protection); what matters is that the process serves on.
    const next = http2.connect(`http://127.0.0.1:${server.port}`);
    expect(await h2Get(next)).toEqual({ status: 200, body: "first last" });
    next.close();
    expectAlive();
  });

  it("security: raw RST_STREAM frames and a connection reset mid-stream do not crash the process", async () => {
    const hammer = async () => {
      for (let i = 0; i < 5; i++) {
        const raw = await RawH2.connect(server.port);
        raw.write(getHeaders(1), rstStream(1, NGHTTP2_PROTOCOL_ERROR), getHeaders(3, "/", false));
        await new Promise((r) => setTimeout(r, 20));
        raw.socket.resetAndDestroy();
      }
    };
    await hammer().catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    expectAlive();
    const client = http2.connect(`http://127.0.0.1:${server.port}`);
    expect(await h2Get(client)).toEqual({ status: 200, body: "first last" });
    client.close();
  });
});
