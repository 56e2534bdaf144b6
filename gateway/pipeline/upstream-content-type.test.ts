import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ask, type CallerAPI, type ScriptedUpstream, startScripted } from "./testing/scripted-upstream.js";

let upstream: ScriptedUpstream;

beforeAll(async () => {
  upstream = await startScripted();
});
afterAll(() => upstream.close());

const answer200 = (contentType: string, body: string) => (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { "content-type": contentType }).end(body);
};

const HTML = "<html><body><h1>Welcome to nginx!</h1></body></html>";

/** The caller's own error shape for an upstream fault, per API. */
function expectUpstreamFault(api: CallerAPI, res: { status: number; headers: Headers; text: string }) {
  expect(res.status).toBe(502);
  expect(res.headers.get("content-type")).toContain("application/json");
  expect(res.text).not.toContain("<html>");
  const body = JSON.parse(res.text) as Record<string, unknown>;
  if (api === "anthropic") expect(body).toMatchObject({ type: "error", error: { type: "api_error" } });
  else if (api === "bedrock") {
    expect(res.headers.get("x-amzn-errortype")).toBe("ServiceUnavailableException");
    expect(body).toMatchObject({ message: expect.any(String) });
  } else expect(body).toMatchObject({ error: { code: "upstream_unexpected_answer" } });
}

/** The log line of the request the action makes. */
async function logLine(act: () => Promise<void>): Promise<Record<string, unknown>> {
  const before = upstream.gateway.requests().length;
  await act();
  await vi.waitFor(() => expect(upstream.gateway.requests().length).toBe(before + 1));
  return upstream.gateway.requests()[before] ?? {};
}

const cases: [string, CallerAPI, string, boolean, string, string][] = [
  ["OpenAI: 200 text/html", "openai", "gpt", false, "text/html; charset=utf-8", HTML],
  ["OpenAI: 200 JSON that does not parse", "openai", "gpt", false, "application/json", '{"id":"c1",'],
  ["OpenAI stream: 200 application/json", "openai", "gpt", true, "application/json", '{"id":"c1"}'],
  ["OpenAI stream: 200 text/html", "openai", "gpt", true, "text/html", HTML],
  ["Azure: 200 text/plain", "azure", "azure-gpt", false, "text/plain", "OK"],
  ["Anthropic: 200 text/html", "anthropic", "claude", false, "text/html", HTML],
  ["Anthropic stream: 200 text/html", "anthropic", "claude", true, "text/html", HTML],
  [
    "Anthropic on Bedrock stream: 200 text/event-stream",
    "anthropic",
    "claude-bedrock",
    true,
    "text/event-stream",
    "data: {}\n\n",
  ],
  ["Bedrock: 200 text/html", "bedrock", "bedrock-model", false, "text/html", HTML],
  ["Bedrock stream: 200 application/json", "bedrock", "bedrock-model", true, "application/json", "{}"],
  [
    "Bedrock stream: 200 text/event-stream",
    "bedrock",
    "bedrock-model",
    true,
    "text/event-stream",
    "data: {}\n\n",
  ],
];

describe("issue 10: a 200 that is not what the API promises is a 502 in the caller's shape", () => {
  it.each(cases)("issue 10: %s", async (_name, api, model, stream, contentType, body) => {
    upstream.behave(answer200(contentType, body));
    let res: Awaited<ReturnType<typeof ask>> | undefined;
    const line = await logLine(async () => {
      res = await ask(upstream.gateway, api, model, { stream });
    });
    if (!res) throw new Error("no answer");
    expectUpstreamFault(api, res);
    expect(line).toMatchObject({ status: 502, upstreamStatus: 200, upstreamContentType: contentType });
    expect(JSON.stringify(line)).not.toContain(body);
  });

  it("issue 10: the upstream content type in the log line is bounded", async () => {
    const long = `text/html; ${"x".repeat(4000)}`;
    upstream.behave(answer200(long, HTML));
    const line = await logLine(async () => {
      expect((await ask(upstream.gateway, "openai", "gpt")).status).toBe(502);
    });
    expect(String(line.upstreamContentType).length).toBeLessThanOrEqual(128);
    expect(String(line.upstreamContentType)).toMatch(/^text\/html; x+$/);
  });

  it("a JSON answer with a charset or a +json type still passes", async () => {
    const doc = {
      id: "c1",
      object: "chat.completion",
      choices: [],
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    };
    for (const type of ["application/json; charset=utf-8", "application/vnd.api+json"]) {
      upstream.behave(answer200(type, JSON.stringify(doc)));
      const res = await ask(upstream.gateway, "openai", "gpt");
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual(doc);
    }
  });
});
