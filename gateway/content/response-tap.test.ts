import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { type Tapped, tapResponse } from "./response-tap.js";

async function serve(respond: (res: http.ServerResponse) => void, maxBytes: number) {
  let tapped: Tapped | undefined;
  const server = http.createServer((_req, res) => {
    tapped = tapResponse(res, maxBytes);
    respond(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const received = Buffer.from(await res.arrayBuffer());
  await new Promise((r) => server.close(r));
  return { received, tapped: tapped as Tapped };
}

describe("tapResponse", () => {
  it("keeps exactly what the caller received, written in pieces of strings and bytes", async () => {
    const { received, tapped } = await serve((res) => {
      res.write("data: one\n\n");
      res.write(Buffer.from("data: two\n\n"));
      res.write("ZGF0YTogdGhyZWUKCg==", "base64");
      res.end("data: [DONE]\n\n");
    }, 1 << 20);
    expect(tapped.bytes().equals(received)).toBe(true);
    expect(received.toString()).toContain("data: three");
    expect(tapped.truncated).toBe(false);
  });

  it("keeps at most maxBytes and says it cut, while the caller still gets everything", async () => {
    const { received, tapped } = await serve((res) => {
      res.write("x".repeat(60));
      res.end("y".repeat(60));
    }, 100);
    expect(received.length).toBe(120);
    expect(tapped.bytes().toString()).toBe(`${"x".repeat(60)}${"y".repeat(40)}`);
    expect(tapped.truncated).toBe(true);
  });
});
