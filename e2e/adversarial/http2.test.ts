/**
 * Hostile HTTP/2 (h2c prior knowledge, on the inference port): stream resets, more streams
 * than the server allows, PING and SETTINGS floods. The gateway process survives each, keeps
 * its file descriptors bounded, and still answers a normal request afterwards.
 */
import { readdirSync } from "node:fs";
import http2 from "node:http2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { canary } from "../harness/canary.js";
import { type MockProvider, startMockProvider } from "../mock-provider/server.js";
import { type AdversarialGateway, startAdversarialGateway } from "./gateway-fixture.js";
import { FRAME, openPostFrame, pingFrame, RawH2, settingsFrame } from "./h2-frames.js";

const providerKey = canary();
const relayKey = `krk_${canary()}`;
let mock: MockProvider;
let gw: AdversarialGateway;

const chatBody = (stream = false) =>
  JSON.stringify({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "one two three four" }],
    stream,
  });
const requestHeaders = {
  ":method": "POST",
  ":path": "/v1/chat/completions",
  authorization: `Bearer ${relayKey}`,
  "content-type": "application/json",
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const openFds = () => readdirSync(`/proc/${gw.process.pid}/fd`).length;

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: providerKey, chunkDelayMs: 20 });
  gw = await startAdversarialGateway(
    "http2",
    {
      relayKey,
      upstreams: [
        { name: "mock", provider: "openai-compatible", baseURL: `${mock.url}/v1`, credential: providerKey },
      ],
      routes: [{ model: "gpt-4o-mini", upstream: "mock" }],
    },
    [],
  );
});

afterAll(async () => {
  await gw?.finish();
  await mock?.close();
});

// A crash in one case is that case's failure; the next case gets a fresh process.
beforeEach(async () => {
  await gw.ensureRunning();
});

function connect(): http2.ClientHttp2Session {
  const session = http2.connect(`http://127.0.0.1:${gw.port}`);
  session.on("error", () => undefined);
  return session;
}

/** One ordinary request over HTTP/2; resolves with its status and body, or fails after 5 s. */
async function normalH2Request(): Promise<{ status: number; body: string }> {
  const session = connect();
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("client-side timeout: no HTTP/2 answer in 5 s")),
        5_000,
      );
      const req = session.request(requestHeaders);
      let status = 0;
      let body = "";
      req.on("response", (h) => {
        status = Number(h[":status"]);
      });
      req.setEncoding("utf8");
      req.on("data", (d: string) => {
        body += d;
      });
      req.on("end", () => {
        clearTimeout(timer);
        gw.record("h2 response", body);
        resolve({ status, body });
      });
      req.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(chatBody());
    });
  } finally {
    session.close();
  }
}

async function expectAliveAndAnswering() {
  expect(gw.isAlive(), `the gateway process died:\n${gw.process.output().slice(-2000)}`).toBe(true);
  const h2 = await normalH2Request();
  expect(h2.status, h2.body).toBe(200);
  const h1 = await gw.fetch("/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${relayKey}`, "content-type": "application/json" },
    body: chatBody(),
    timeoutMs: 5_000,
  });
  expect(h1.status, h1.text).toBe(200);
}

/** Opens a stream and resets it: before its body is complete, or (every tenth) mid-response. */
function resetOne(session: http2.ClientHttp2Session, code: number, i: number): Promise<void> {
  return new Promise((resolve) => {
    if (session.destroyed || session.closed) return resolve();
    const midResponse = i % 10 === 0;
    const req = session.request(requestHeaders);
    const timer = setTimeout(() => {
      req.destroy();
      resolve();
    }, 5_000);
    req.on("error", () => undefined);
    req.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
    if (midResponse) {
      req.on("response", () => req.close(code));
      req.end(chatBody(true));
    } else {
      req.write(chatBody().slice(0, 20));
      req.close(code);
    }
  });
}

describe("stream resets", () => {
  it.each([
    ["PROTOCOL_ERROR", http2.constants.NGHTTP2_PROTOCOL_ERROR],
    ["INTERNAL_ERROR", http2.constants.NGHTTP2_INTERNAL_ERROR],
    ["CANCEL", http2.constants.NGHTTP2_CANCEL],
  ])("500 streams reset with %s leave the gateway process running and answering", async (_name, code) => {
    let session = connect();
    for (let i = 0; i < 500; i += 50) {
      if (session.destroyed || session.closed) session = connect();
      await Promise.all(Array.from({ length: 50 }, (_, j) => resetOne(session, code, i + j)));
      if (!gw.isAlive()) break;
    }
    session.destroy();
    await sleep(200);
    await expectAliveAndAnswering();
  });
});

describe("more streams than the server allows", () => {
  it("the server advertises at most 1000 concurrent streams, and 1500 opened streams keep its file descriptors bounded and released", async () => {
    const baseline = openFds();
    const conn = await RawH2.open(gw.port);
    try {
      for (let i = 0; i < 20 && !conn.settingsSeen; i++) await sleep(50);
      expect(conn.settingsSeen, "the server sent its SETTINGS").toBe(true);
      const advertised = conn.maxConcurrentStreams;
      const streams = 1500;
      for (let n = 0; n < streams; n++) {
        conn.write(
          openPostFrame(2 * n + 1, "/v1/chat/completions", {
            authorization: `Bearer ${relayKey}`,
            "content-type": "application/json",
          }),
        );
      }
      await sleep(1_500);
      const peak = openFds();
      const refused = conn.count(FRAME.RST_STREAM);
      console.info(
        `h2 streams: advertised max ${advertised ?? "none (unlimited)"}, ${refused} of ${streams} reset by the server; fds ${baseline} -> ${peak}`,
      );
      expect(gw.isAlive()).toBe(true);
      expect(advertised, "SETTINGS_MAX_CONCURRENT_STREAMS").toBeDefined();
      expect(advertised ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(1000);
      // Each open stream costs the gateway at most a couple of descriptors; past the limit, none.
      const allowed = Math.min(advertised ?? streams, 1000);
      expect(peak - baseline).toBeLessThanOrEqual(2 * allowed + 64);
    } finally {
      conn.destroy();
    }
    let after = openFds();
    for (let i = 0; i < 30 && after > baseline + 16; i++) {
      await sleep(100);
      after = openFds();
    }
    expect(after, "descriptors are released once the connection is gone").toBeLessThanOrEqual(baseline + 16);
    await expectAliveAndAnswering();
  });
});

describe("floods", () => {
  it("a flood of 20000 PINGs from a client that never reads is survived or cut off; the process stays up and answers", async () => {
    const conn = await RawH2.open(gw.port);
    try {
      const pings = Buffer.concat(Array.from({ length: 20_000 }, (_, i) => pingFrame(i)));
      conn.write(pings);
      await sleep(1_000);
      console.info(`PING flood: connection ${conn.closed ? "closed by the server" : "survived"}`);
    } finally {
      conn.destroy();
    }
    await expectAliveAndAnswering();
  });

  it("a flood of 20000 SETTINGS frames is survived or cut off; the process stays up and answers", async () => {
    const conn = await RawH2.open(gw.port);
    try {
      conn.write(Buffer.concat(Array.from({ length: 20_000 }, () => settingsFrame())));
      await sleep(1_000);
      console.info(`SETTINGS flood: connection ${conn.closed ? "closed by the server" : "survived"}`);
    } finally {
      conn.destroy();
    }
    await expectAliveAndAnswering();
  });
});
