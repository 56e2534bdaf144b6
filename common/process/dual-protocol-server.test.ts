import type http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type DualProtocolOptions,
  type DualProtocolServer,
  listenDualProtocol,
} from "./dual-protocol-server.js";
import { startChildServer } from "./testing/child-server.js";
import { FRAME, frame, getHeaders, RawH2, SETTINGS_MAX_CONCURRENT_STREAMS } from "./testing/h2-frames.js";
import { h2Get } from "./testing/h2-get.js";

const { NGHTTP2_REFUSED_STREAM } = http2.constants;

let server: DualProtocolServer;

beforeAll(async () => {
  server = await listenDualProtocol(
    (req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization ?? null, body }),
        );
      });
    },
    0,
    "127.0.0.1",
  );
});

afterAll(() => server.drain(1000));

/** Servers started by one test with its own limits, drained after it. */
const started: DualProtocolServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.drain(0)));
});

async function start(
  handler: http.RequestListener,
  options: DualProtocolOptions,
): Promise<DualProtocolServer> {
  const s = await listenDualProtocol(handler, 0, "127.0.0.1", options);
  started.push(s);
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the milliseconds until `socket` closed, or undefined if it is still open after `withinMs`. */
function closedWithin(
  socket: net.Socket | http2.ClientHttp2Session,
  withinMs: number,
): Promise<number | undefined> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), withinMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });
}

/** A raw socket that reads (so it sees the server's FIN) and collects what it is sent. */
async function rawSocket(port: number): Promise<{ socket: net.Socket; received: () => string }> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  let got = "";
  socket.on("data", (d) => {
    got += d.toString("latin1");
  });
  await new Promise((r) => socket.once("connect", r));
  return { socket, received: () => got };
}

describe("listenDualProtocol", () => {
  it("serves HTTP/1.1", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/a?b=1`, {
      method: "POST",
      body: "x",
      headers: { authorization: "Bearer k" },
    });
    expect(await res.json()).toEqual({ method: "POST", url: "/a?b=1", auth: "Bearer k", body: "x" });
  });

  it("writes an event at once, without waiting on the caller's ACK of the headers (Nagle off)", async () => {
    // As the gateway streams: the headers, then an event. With Nagle on, the event waited for
    // the client's delayed ACK of the headers (40 ms or more). A keep-alive connection that
    // has already carried requests is where the client delays its ACKs.
    const s = await start((req, res) => {
      if (req.url !== "/stream") {
        res.end("ok");
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.flushHeaders();
      setTimeout(() => res.write("data: 1\n\n"), 5);
      setTimeout(() => res.end(), 10);
    }, {});
    const { socket, received } = await rawSocket(s.port);
    const exchange = async (path: string, done: (text: string) => boolean) => {
      const before = received().length;
      socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`);
      let headersAt = 0;
      return new Promise<number>((resolve) => {
        const onData = () => {
          const text = received().slice(before);
          if (headersAt === 0) headersAt = performance.now();
          if (done(text)) {
            socket.off("data", onData);
            resolve(performance.now() - headersAt);
          }
        };
        socket.on("data", onData);
      });
    };
    const gaps: number[] = [];
    for (let i = 0; i < 5; i++) {
      await exchange("/plain", (t) => t.endsWith("ok"));
      gaps.push(await exchange("/stream", (t) => t.includes("data: 1")));
    }
    socket.destroy();
    // The smallest of five: noise only ever adds delay, Nagle's is in every one.
    expect(Math.min(...gaps)).toBeLessThan(30);
  });

  it("serves HTTP/1.1 whose first bytes could start the HTTP/2 preface (a PUT sent a byte at a time)", async () => {
    const { socket, received } = await rawSocket(server.port);
    socket.write("P");
    await sleep(30);
    socket.write("UT /p HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\nconnection: close\r\n\r\ny");
    await closedWithin(socket, 2000);
    expect(received()).toMatch(/^HTTP\/1\.1 200/);
    expect(received()).toContain('"method":"PUT","url":"/p"');
  });

  it("serves cleartext HTTP/2 on the same port", async () => {
    const client = http2.connect(`http://127.0.0.1:${server.port}`);
    const req = client.request({
      ":method": "POST",
      ":path": "/model/x%3A0/converse",
      authorization: "Bearer k",
    });
    req.end("hello");
    const chunks: Buffer[] = [];
    const status = await new Promise<number>((resolve) =>
      req.on("response", (h) => resolve(Number(h[":status"]))),
    );
    for await (const c of req) chunks.push(c as Buffer);
    client.close();
    expect(status).toBe(200);
    expect(JSON.parse(Buffer.concat(chunks).toString())).toEqual({
      method: "POST",
      url: "/model/x%3A0/converse",
      auth: "Bearer k",
      body: "hello",
    });
  });

  it("security: a TCP reset before, or in the middle of, the first bytes does not crash the process", async () => {
    const child = await startChildServer();
    try {
      for (const first of ["", "PRI * HT", "GET / HT"]) {
        for (let i = 0; i < 3; i++) {
          const { socket } = await rawSocket(child.port).catch(() => ({ socket: undefined }));
          if (first) socket?.write(first);
          await sleep(20);
          socket?.resetAndDestroy();
        }
      }
      await sleep(100);
      expect(child.child.exitCode, child.stderr()).toBeNull();
      const client = http2.connect(`http://127.0.0.1:${child.port}`);
      expect(await h2Get(client)).toEqual({ status: 200, body: "first last" });
      client.close();
    } finally {
      child.stop();
    }
  }, 15_000);
});

describe("listenDualProtocol HTTP/2 limits", () => {
  it("security: one connection opening 60 streams never has more than maxConcurrentStreams in flight, and the limit is advertised", async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await start(
      (req, res) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        req.resume();
        setTimeout(() => {
          inFlight--;
          res.end("ok");
        }, 100);
      },
      { maxConcurrentStreams: 5, maxRelaySockets: 100 },
    );
    const raw = await RawH2.connect(s.port);
    raw.write(...Array.from({ length: 60 }, (_, i) => getHeaders(1 + 2 * i)));
    await sleep(400);
    raw.socket.destroy();
    expect(raw.setting(SETTINGS_MAX_CONCURRENT_STREAMS)).toBe(5);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(5);
    const refused = raw.frames.filter(
      (f) => f.type === FRAME.RST_STREAM && f.payload.readUInt32BE(0) === NGHTTP2_REFUSED_STREAM,
    );
    expect(refused.length).toBeGreaterThanOrEqual(55);
  });

  it("advertises 100 concurrent streams per session by default", async () => {
    const client = http2.connect(`http://127.0.0.1:${server.port}`);
    await new Promise((r) => client.once("remoteSettings", r));
    expect(client.remoteSettings.maxConcurrentStreams).toBe(100);
    client.close();
  });

  it("security: streams reuse a bounded pool of loopback sockets instead of opening one each", async () => {
    const ports = new Set<number | undefined>();
    const s = await start(
      (req, res) => {
        ports.add(req.socket.remotePort);
        req.resume();
        setTimeout(() => res.end("ok"), 20);
      },
      { maxRelaySockets: 2 },
    );
    const client = http2.connect(`http://127.0.0.1:${s.port}`);
    const answers = await Promise.all(Array.from({ length: 12 }, () => h2Get(client)));
    client.close();
    expect(answers.every((a) => a.status === 200 && a.body === "ok")).toBe(true);
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it("security: an idle session is closed with GOAWAY after the idle timeout", async () => {
    const s = await start((_req, res) => res.end("ok"), { sessionIdleTimeoutMs: 200 });
    const client = http2.connect(`http://127.0.0.1:${s.port}`);
    client.on("error", () => {});
    let goaway = false;
    client.on("goaway", () => {
      goaway = true;
    });
    expect(await h2Get(client)).toEqual({ status: 200, body: "ok" });
    const after = await closedWithin(client, 1500);
    expect(after).toBeDefined();
    expect(after).toBeGreaterThanOrEqual(150);
    expect(goaway).toBe(true);
  });

  it("keeps a session whose stream waits longer than the idle timeout for its answer", async () => {
    const s = await start((_req, res) => setTimeout(() => res.end("slow"), 400), {
      sessionIdleTimeoutMs: 150,
    });
    const client = http2.connect(`http://127.0.0.1:${s.port}`);
    expect(await h2Get(client)).toEqual({ status: 200, body: "slow" });
    client.close();
  });

  it("security: a socket that sends part of the HTTP/2 preface and stops is closed", async () => {
    const s = await start((_req, res) => res.end("ok"), { sessionIdleTimeoutMs: 200 });
    const { socket } = await rawSocket(s.port);
    socket.write("PRI * HTTP/2.0\r\n");
    expect(await closedWithin(socket, 1500)).toBeDefined();
  });

  it("security: HTTP/2 connections beyond maxSessions are closed on arrival", async () => {
    const s = await start((_req, res) => res.end("ok"), { maxSessions: 2 });
    const first = await RawH2.connect(s.port);
    const second = await RawH2.connect(s.port);
    await sleep(50);
    const third = await RawH2.connect(s.port);
    expect(await closedWithin(third.socket, 1000)).toBeDefined();
    first.socket.destroy();
    await sleep(50);
    const client = http2.connect(`http://127.0.0.1:${s.port}`);
    expect(await h2Get(client)).toEqual({ status: 200, body: "ok" });
    client.close();
    second.socket.destroy();
  });

  it("security: a flood of PING frames from a client that never reads ends the connection", async () => {
    const raw = await RawH2.connect(server.port);
    raw.socket.pause();
    const ping = frame(FRAME.PING, 0, 0, Buffer.alloc(8));
    const burst = Buffer.concat(Array.from({ length: 1000 }, () => ping));
    const closed = closedWithin(raw.socket, 3000);
    for (let i = 0; i < 20 && !raw.socket.destroyed; i++) {
      raw.socket.write(burst);
      await sleep(10);
    }
    raw.socket.resume();
    expect(await closed).toBeDefined();
  });
});

describe("listenDualProtocol HTTP/1.1 limits", () => {
  it("security: a slowloris client sending a header line every 100 ms gets 408 after the headers timeout", async () => {
    const s = await start((_req, res) => res.end("ok"), { headersTimeoutMs: 300 });
    const { socket, received } = await rawSocket(s.port);
    socket.write("GET / HTTP/1.1\r\nhost: x\r\n");
    const drip = setInterval(() => socket.write("x-slow: 1\r\n"), 100);
    const after = await closedWithin(socket, 2000);
    clearInterval(drip);
    expect(after).toBeDefined();
    expect(received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it("security: a socket that sends nothing is closed after the headers timeout", async () => {
    const s = await start((_req, res) => res.end("ok"), { headersTimeoutMs: 200 });
    const { socket } = await rawSocket(s.port);
    const after = await closedWithin(socket, 1500);
    expect(after).toBeDefined();
    expect(after).toBeGreaterThanOrEqual(150);
  });

  it("drains past a client that connected and has sent nothing yet once the idle grace is over", async () => {
    const s = await listenDualProtocol((_req, res) => res.end("ok"), 0, "127.0.0.1", {
      headersTimeoutMs: 20_000,
      drainIdleGraceMs: 300,
    });
    const { socket } = await rawSocket(s.port);
    await sleep(50);
    const t0 = Date.now();
    await s.drain(10_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(await closedWithin(socket, 1_000)).toBeDefined();
  });

  it("security: a body trickling past the request timeout gets 408", async () => {
    const s = await start(
      (req, res) => {
        req.on("error", () => {});
        req.resume();
        req.on("end", () => res.end("done"));
      },
      { headersTimeoutMs: 200, requestTimeoutMs: 500 },
    );
    const { socket, received } = await rawSocket(s.port);
    socket.write("POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n");
    const drip = setInterval(() => socket.write("a"), 100);
    const after = await closedWithin(socket, 2000);
    clearInterval(drip);
    expect(after).toBeDefined();
    expect(received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it("security: a 64 KiB request header gets 431", async () => {
    const { socket, received } = await rawSocket(server.port);
    socket.write(`GET / HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(64 * 1024)}\r\n\r\n`);
    await closedWithin(socket, 2000);
    expect(received()).toMatch(/^HTTP\/1\.1 431/);
  });

  it("security: a header past maxHeaderBytes gets 431 over HTTP/1.1 and over HTTP/2", async () => {
    const s = await start((_req, res) => res.end("ok"), { maxHeaderBytes: 8 * 1024 });
    const big = "a".repeat(12 * 1024);
    const { socket, received } = await rawSocket(s.port);
    socket.write(`GET / HTTP/1.1\r\nhost: x\r\nx-big: ${big}\r\n\r\n`);
    await closedWithin(socket, 2000);
    expect(received()).toMatch(/^HTTP\/1\.1 431/);
    const client = http2.connect(`http://127.0.0.1:${s.port}`);
    expect((await h2Get(client, { "x-big": big })).status).toBe(431);
    client.close();
  });
});

describe("listenDualProtocol drain", () => {
  it("lets an in-flight HTTP/2 stream finish, then resolves well before the deadline", async () => {
    // The relay's own loopback connection is closed as soon as idle, not after the callers' grace.
    const s = await listenDualProtocol(
      (_req, res) => setTimeout(() => res.end("finished"), 200),
      0,
      "127.0.0.1",
      { drainIdleGraceMs: 5_000 },
    );
    const client = http2.connect(`http://127.0.0.1:${s.port}`);
    client.on("error", () => {});
    const answer = h2Get(client);
    await sleep(50);
    const t0 = Date.now();
    await s.drain(5000);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await answer).toEqual({ status: 200, body: "finished" });
  });

  it("cuts an HTTP/2 stream still open at the deadline", async () => {
    const s = await listenDualProtocol(() => {}, 0, "127.0.0.1");
    const client = http2.connect(`http://127.0.0.1:${s.port}`);
    client.on("error", () => {});
    const answer = h2Get(client).catch((e: Error) => e);
    await sleep(50);
    const t0 = Date.now();
    await s.drain(300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(await closedWithin(client, 500)).toBeDefined();
    expect(await answer).not.toHaveProperty("status", 200);
  });
});
