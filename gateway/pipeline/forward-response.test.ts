import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type InProcessGateway, RELAY_KEY, startGateway } from "./testing/in-process-gateway.js";

/**
 * An OpenAI-compatible upstream whose behaviour the request's message picks:
 * - `usage-later`: streams content, then the usage chunk 100 ms after the last content;
 * - `no-usage`: streams content and ends without usage;
 * - `hang`: streams content, then neither usage nor an end;
 * - `flood`: streams content, then 2 MiB of SSE comments 50 ms later, and no end;
 * - `json-late`: a complete answer whose body comes 200 ms after its headers.
 */
let upstream: http.Server;
let gateway: InProcessGateway;
const upstreamClosed: string[] = [];
let jsonHeadersSent: () => void = () => undefined;

const sse = (doc: unknown) => `data: ${JSON.stringify(doc)}\n\n`;
const content = (text: string, finish: string | null = null) =>
  sse({
    id: "c1",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta: { content: text }, finish_reason: finish }],
  });
const USAGE = { prompt_tokens: 11, completion_tokens: 7 };

function answer(scenario: string, res: http.ServerResponse): void {
  res.on("close", () => upstreamClosed.push(scenario));
  if (scenario === "html-500") {
    res.writeHead(500, { "content-type": "text/html" }).end("<html><body>Bad gateway</body></html>");
    return;
  }
  if (scenario === "busy-429") {
    res
      .writeHead(429, { "content-type": "application/json", "retry-after": "7" })
      .end(JSON.stringify({ error: { message: "slow down", type: "rate_limit_error" } }));
    return;
  }
  if (scenario === "json-stall") {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"id":"c1","choices":[');
    return;
  }
  if (scenario === "json-late") {
    res.writeHead(200, { "content-type": "application/json" });
    res.flushHeaders();
    jsonHeadersSent();
    setTimeout(() => {
      res.end(JSON.stringify({ id: "c1", object: "chat.completion", choices: [], usage: USAGE }));
    }, 200);
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(content("one ") + content("two ") + content("three", "stop"));
  if (scenario === "usage-later") {
    setTimeout(() => res.end(`${sse({ id: "c1", choices: [], usage: USAGE })}data: [DONE]\n\n`), 100);
  } else if (scenario === "no-usage") {
    res.end("data: [DONE]\n\n");
  } else if (scenario === "flood") {
    const padding = `: ${"x".repeat(32 * 1024)}\n\n`;
    setTimeout(() => {
      for (let i = 0; i < 64 && !res.destroyed; i++) res.write(padding);
    }, 50);
  }
}

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(parts).toString()) as { messages: { content: string }[] };
      answer(body.messages[0]?.content ?? "", res);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  gateway = await startGateway(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, {
    ms: 1000,
    bytes: 1 << 20,
  });
});

afterAll(async () => {
  await gateway.close();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

const body = (scenario: string, stream: boolean) =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: scenario }], stream });

function post(scenario: string, stream: boolean): http.ClientRequest {
  const req = http.request({
    host: "127.0.0.1",
    port: gateway.port,
    method: "POST",
    path: "/v1/chat/completions",
    headers: { authorization: `Bearer ${RELAY_KEY}`, "content-type": "application/json" },
  });
  req.on("error", () => undefined);
  req.end(body(scenario, stream));
  return req;
}

/** Streams a chat and hangs up as soon as the last content chunk (finish_reason stop) arrives. */
function hangUpAfterContent(scenario: string): Promise<void> {
  const req = post(scenario, true);
  return new Promise((resolve) => {
    req.on("response", (res) => {
      let text = "";
      res.on("error", () => undefined);
      res.on("data", (d: Buffer) => {
        text += d.toString();
        if (text.includes('"finish_reason":"stop"')) {
          req.destroy();
          resolve();
        }
      });
    });
  });
}

/** The next request's log line and settled usage, once the gateway has settled it. */
async function nextSettlement(act: () => Promise<void>) {
  const before = gateway.requests().length;
  await act();
  await vi.waitFor(() => expect(gateway.requests().length).toBe(before + 1), { timeout: 3000 });
  return {
    line: gateway.requests()[before] ?? {},
    settled: gateway.settled.at(-1),
    row: gateway.ledger.at(-1),
  };
}

describe("usage is billed when the caller hangs up", () => {
  it("security: a caller who hangs up after the last content chunk is billed the upstream's usage", async () => {
    const { line, settled, row } = await nextSettlement(() => hangUpAfterContent("usage-later"));
    expect(settled).toEqual({ inputTokens: 11, outputTokens: 7, costUsd: 0.001 });
    expect(line).toMatchObject({ inputTokens: 11, outputTokens: 7 });
    expect(line.usageEstimated).toBeUndefined();
    // The ledger's row says the caller left, and bills what the upstream reported.
    expect(row).toMatchObject({
      requestId: line.requestId,
      relayKey: "ns/app",
      policy: "ns/p",
      status: 200,
      streamed: true,
      cancelled: true,
      inputTokens: 11,
      outputTokens: 7,
      costUsd: 0.001,
      usageEstimated: false,
    });
  });

  it("security: when the upstream never sends usage, an estimate is billed and flagged", async () => {
    const { line, settled } = await nextSettlement(() => hangUpAfterContent("no-usage"));
    expect(settled?.inputTokens).toBeGreaterThan(0);
    expect(settled?.outputTokens).toBeGreaterThan(0);
    expect(line).toMatchObject({ usageEstimated: true, inputTokens: settled?.inputTokens });
  });

  it("security: an upstream that stalls after the caller left is cut after the grace, and estimated", async () => {
    const { line, settled } = await nextSettlement(() => hangUpAfterContent("hang"));
    expect(line.usageEstimated).toBe(true);
    expect(settled?.outputTokens).toBeGreaterThan(0);
    await vi.waitFor(() => expect(upstreamClosed).toContain("hang"), { timeout: 1000 });
  });

  it("security: after the caller left, the stream is read for no more than the grace's byte cap", async () => {
    const started = performance.now();
    const { line } = await nextSettlement(() => hangUpAfterContent("flood"));
    // Cut by its 1 MiB cap, well before the 1 s grace would have ended it.
    expect(performance.now() - started).toBeLessThan(800);
    expect(line.usageEstimated).toBe(true);
    await vi.waitFor(() => expect(upstreamClosed).toContain("flood"), { timeout: 1000 });
  });

  it("security: a non-streamed caller who hangs up after upstream answered is billed the upstream's usage", async () => {
    const { line, settled } = await nextSettlement(async () => {
      const headersSent = new Promise<void>((r) => {
        jsonHeadersSent = r;
      });
      const req = post("json-late", false);
      await headersSent;
      await new Promise((r) => setTimeout(r, 50));
      req.destroy();
    });
    expect(settled).toEqual({ inputTokens: 11, outputTokens: 7, costUsd: 0.001 });
    expect(line).toMatchObject({ inputTokens: 11, outputTokens: 7 });
  });

  it("a stream read to its end without usage from upstream is billed an estimate, flagged", async () => {
    const { line } = await nextSettlement(async () => {
      const res = await fetch(`http://127.0.0.1:${gateway.port}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${RELAY_KEY}`, "content-type": "application/json" },
        body: body("no-usage", true),
      });
      expect(await res.text()).toContain("[DONE]");
    });
    expect(line).toMatchObject({ status: 200, usageEstimated: true });
    expect(line.outputTokens).toBeGreaterThan(0);
    expect(gateway.ledger.at(-1)).toMatchObject({ streamed: true, cancelled: false, usageEstimated: true });
  });
});

describe("an upstream that stalls or answers badly", () => {
  let quick: InProcessGateway;
  beforeAll(async () => {
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    quick = await startGateway(url, { ms: 1000, bytes: 1 << 20 }, 400);
  });
  afterAll(() => quick.close());

  const ask = async (scenario: string, stream: boolean) => {
    const res = await fetch(`http://127.0.0.1:${quick.port}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${RELAY_KEY}`, "content-type": "application/json" },
      body: body(scenario, stream),
      signal: AbortSignal.timeout(5000),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  it("security: a stream that stalls mid-way ends with an error event in OpenAI's format, and its usage is estimated", async () => {
    const before = quick.requests().length;
    const res = await ask("hang", true);
    expect(res.status).toBe(200);
    expect(res.text).toContain('"content":"three"');
    const last = res.text.trim().split("\n\n").at(-1) ?? "";
    expect(JSON.parse(last.replace(/^data: /, ""))).toMatchObject({
      error: { type: "server_error", code: "upstream_stream_error" },
    });
    await vi.waitFor(() => expect(quick.requests().length).toBe(before + 1));
    expect(quick.requests()[before]).toMatchObject({ usageEstimated: true });
    // The request set no output cap, so the estimate comes from the bytes; with one it is held to it.
    expect(quick.settled.at(-1)?.outputTokens).toBeGreaterThan(0);
  });

  it("a non-streamed body that stalls past the target's timeout gets 504, not 500", async () => {
    const res = await ask("json-stall", false);
    expect(res.status).toBe(504);
    expect(JSON.parse(res.text)).toMatchObject({ error: { type: expect.any(String) } });
  });

  it("an HTML error page from upstream reaches the caller as a JSON error in its shape, with the status", async () => {
    const res = await ask("html-500", false);
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: "upstream_error" } });
    expect(res.text).not.toContain("<html>");
  });

  it("an upstream 429's retry-after reaches the caller", async () => {
    const res = await ask("busy-429", false);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
  });
});
