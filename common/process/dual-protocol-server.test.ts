import http2 from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DualProtocolServer, listenDualProtocol } from "./dual-protocol-server.js";

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

describe("listenDualProtocol", () => {
  it("serves HTTP/1.1", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/a?b=1`, {
      method: "POST",
      body: "x",
      headers: { authorization: "Bearer k" },
    });
    expect(await res.json()).toEqual({ method: "POST", url: "/a?b=1", auth: "Bearer k", body: "x" });
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
});
