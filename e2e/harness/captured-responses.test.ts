import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordResponses } from "./captured-responses.js";
import { probe } from "./http-probe.js";

const planted = `canary${randomBytes(16).toString("hex")}`;
let server: Server;
let url = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/stream") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      setTimeout(() => res.end(`data: ${planted}\n\n`), 50);
      return;
    }
    res.writeHead(401, { "x-debug": `header ${planted}` });
    res.end(JSON.stringify({ error: { message: "nope" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("recordResponses", () => {
  it("keeps headers and whole bodies of fetch and probe answers, while callers get theirs untouched", async () => {
    const recorder = recordResponses();
    const res = await fetch(`${url}/headers`);
    expect(res.headers.get("x-debug")).toBe(`header ${planted}`);
    expect(await res.json()).toEqual({ error: { message: "nope" } });
    // Nobody reads this body: the recorder still gets all of it.
    await fetch(`${url}/stream`);
    expect((await probe(`${url}/probed`))?.status).toBe(401);
    const produced = await recorder.close([]);
    expect(produced.map((p) => p.source)).toEqual([
      `response 401 GET ${url}/headers`,
      `response 200 GET ${url}/stream`,
      `response 401 GET ${url}/probed`,
    ]);
    expect(produced[0]?.text).toContain(`x-debug: header ${planted}`);
    expect(produced[1]?.text).toContain(`data: ${planted}`);
    expect(produced[2]?.text).toContain(planted);
  });

  it("leaves out ignored origins and stops recording once closed", async () => {
    const recorder = recordResponses();
    await (await fetch(`${url}/headers`)).text();
    expect(await recorder.close([url])).toEqual([]);
    const later = recordResponses();
    const closed = await later.close([]);
    await (await fetch(`${url}/headers`)).text();
    expect(closed).toEqual([]);
  });
});
