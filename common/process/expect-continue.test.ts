import type http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DualProtocolServer, listenDualProtocol } from "./dual-protocol-server.js";
import { continueIfAwaited } from "./expect-continue.js";

/** Like the gateway: refuses a caller without the key before reading, says continue only after. */
function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.headers.authorization !== "Bearer good") {
    res.statusCode = 401;
    res.end("no key");
    return;
  }
  continueIfAwaited(req, res);
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => res.end(`got ${body}`));
}

let server: DualProtocolServer;
beforeAll(async () => {
  server = await listenDualProtocol(handler, 0, "127.0.0.1");
});
afterAll(() => server.drain(500));

/** A raw connection: what arrived so far, and a wait for a pattern or the close. */
function connect() {
  const socket = net.connect(server.port, "127.0.0.1");
  let seen = "";
  let closed = false;
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  socket.on("data", (d) => {
    seen += d.toString("latin1");
    wake();
  });
  socket.on("close", () => {
    closed = true;
    wake();
  });
  socket.on("error", () => undefined);
  const until = (done: () => boolean, ms = 2000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; seen: ${JSON.stringify(seen)}`)), ms);
      const check = () => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  return { socket, seen: () => seen, closed: () => closed, until };
}

const head = (auth: string) =>
  `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: ${auth}\r\ncontent-length: 5\r\nexpect: 100-continue\r\n\r\n`;

describe("Expect: 100-continue", () => {
  it("security: a caller without a key gets its 401 and no invitation to send the body; the connection closes", async () => {
    const c = connect();
    c.socket.write(head("Bearer wrong"));
    await c.until(() => c.seen().includes("no key"));
    expect(c.seen()).not.toContain("100 Continue");
    expect(c.seen()).toMatch(/^HTTP\/1\.1 401 /);
    expect(c.seen().toLowerCase()).toContain("connection: close");
    // The announced body, sent anyway, is never read as a next request.
    c.socket.write("hello");
    await c.until(() => c.closed());
  });

  it("a caller with the key is told to continue only then, and its body is read", async () => {
    const c = connect();
    c.socket.write(head("Bearer good"));
    await c.until(() => c.seen().includes("\r\n\r\n"));
    expect(c.seen()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
    c.socket.write("hello");
    await c.until(() => c.seen().includes("got hello"));
    expect(c.seen().toLowerCase()).toContain("connection: keep-alive");
    c.socket.destroy();
  });
});
