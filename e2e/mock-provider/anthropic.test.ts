import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MockProvider, startMockProvider } from "./server.js";

const KEY = "sk-ant-mock-provider-test-key-0123";
const DELAY_MS = 25;

let mock: MockProvider;
let client: Anthropic;

beforeAll(async () => {
  mock = await startMockProvider({
    openaiKey: "sk-openai-unused",
    anthropicKey: KEY,
    chunkDelayMs: DELAY_MS,
  });
  // No retries: a retry would hide which request an injected failure landed on.
  client = new Anthropic({ apiKey: KEY, baseURL: mock.url, maxRetries: 0 });
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
});

const HELLO: Anthropic.MessageCreateParamsNonStreaming = {
  model: "claude-sonnet-5-5",
  max_tokens: 256,
  system: "be brief",
  messages: [{ role: "user", content: "hello there" }],
};

/** Raw access for what the SDK hides or refuses to send. */
function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<globalThis.Response> {
  return fetch(`${mock.url}${path}`, {
    method: "POST",
    headers: {
      "x-api-key": KEY,
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

describe("messages", () => {
  it("answers with a message echoing the last user text", async () => {
    const { data: message, response } = await client.messages.create(HELLO).withResponse();

    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-sonnet-5-5",
      content: [{ type: "text", text: "echo: hello there" }],
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(message.id).toMatch(/^msg_01/);
    expect(message.usage.output_tokens).toBe(3);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(response.headers.get("request-id")).toMatch(/^req_/);
    // SDKs for API version 2026-10-21 send the key as a bearer token rather than in x-api-key.
    expect(mock.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(mock.requests[0]?.headers["anthropic-version"]).toBe("2026-10-21");
  });

  it("counts the same input tokens the message reports", async () => {
    const { max_tokens: _, ...countParams } = HELLO;
    const counted = await client.messages.countTokens(countParams);
    const message = await client.messages.create(HELLO);

    expect(counted).toEqual({ input_tokens: message.usage.input_tokens });
  });

  it("stops at max_tokens", async () => {
    const message = await client.messages.create({ ...HELLO, max_tokens: 2 });
    expect(message.content).toEqual([{ type: "text", text: "echo: hello" }]);
    expect(message.stop_reason).toBe("max_tokens");
  });

  it("streams events one by one, which the SDK's helper assembles", async () => {
    const stream = client.messages.stream({
      ...HELLO,
      messages: [{ role: "user", content: "one two three four" }],
    });
    const types: string[] = [];
    const arrivals: number[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "content_block_delta") arrivals.push(performance.now());
    }
    const final = await stream.finalMessage();

    expect(types[0]).toBe("message_start");
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(final.content).toEqual([{ type: "text", text: "echo: one two three four" }]);
    expect(final.usage.output_tokens).toBe(5);
    expect(final.stop_reason).toBe("end_turn");
    const spread = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
    expect(spread).toBeGreaterThanOrEqual(DELAY_MS * (arrivals.length - 2));
  });

  it("names each SSE event, pings, and reports output tokens in message_delta", async () => {
    const response = await post("/v1/messages", { ...HELLO, stream: true });
    const text = await response.text();

    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(text).toMatch(/^event: message_start\ndata: \{"type":"message_start"/);
    expect(text).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    expect(text).toContain('"usage":{"input_tokens":');
    expect(text).toContain(
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"',
    );
    expect(text).toContain('"usage":{"output_tokens":3}');
  });
});

describe("errors", () => {
  it("rejects a wrong key with 401 authentication_error", async () => {
    const wrong = new Anthropic({ apiKey: "sk-ant-wrong", baseURL: mock.url, maxRetries: 0 });
    const error = await wrong.messages.create(HELLO).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    if (!(error instanceof Anthropic.AuthenticationError)) return;
    expect(error.error).toEqual({
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key" },
    });
  });

  it("takes the key in x-api-key too, but refuses a second, different credential", async () => {
    const viaHeader = await post("/v1/messages", HELLO);
    expect(viaHeader.status).toBe(200);

    const both = await post("/v1/messages", HELLO, { authorization: "Bearer sk-relay-caller-key" });
    expect(both.status).toBe(401);
  });

  it("refuses sampling parameters from API version 2026-10-21 on", async () => {
    const withTemperature = { ...HELLO, temperature: 1 };
    const current = await post("/v1/messages", withTemperature, { "anthropic-version": "2026-10-21" });
    expect(current.status).toBe(400);
    expect(await current.json()).toMatchObject({
      error: { message: "temperature: Extra inputs are not permitted" },
    });

    const legacy = await post("/v1/messages", withTemperature, { "anthropic-version": "2023-06-01" });
    expect(legacy.status).toBe(200);
  });

  it("requires the anthropic-version header", async () => {
    const response = await post("/v1/messages", HELLO, { "anthropic-version": "" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });

  it("validates the body as Anthropic does", async () => {
    const bodies: unknown[] = [
      { ...HELLO, max_tokens: 0 },
      { ...HELLO, max_tokens: undefined },
      { ...HELLO, messages: [] },
      { ...HELLO, messages: [{ role: "assistant", content: "hi" }] },
      {
        ...HELLO,
        messages: [
          { role: "user", content: "a" },
          { role: "user", content: "b" },
        ],
      },
      { ...HELLO, messages: [{ role: "system", content: "a" }] },
      { ...HELLO, anthropic_version: "vertex-2023-10-16" },
      { ...HELLO, model: undefined },
    ];
    for (const body of bodies) {
      const response = await post("/v1/messages", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({
        type: "error",
        error: { type: "invalid_request_error" },
      });
    }
  });

  it("fails with injected statuses in Anthropic's shapes, then recovers", async () => {
    mock.failNext(429);
    mock.failNext(529);
    const limited = await client.messages.create(HELLO).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    const overloaded = await client.messages.create(HELLO).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    if (!(overloaded instanceof Anthropic.APIError)) return;
    expect(overloaded.status).toBe(529);
    expect(overloaded.error).toMatchObject({ error: { type: "overloaded_error" } });

    const message = await client.messages.create(HELLO);
    expect(message.content).toEqual([{ type: "text", text: "echo: hello there" }]);
  });

  it("keeps unknown /v1/messages paths Anthropic's and other /v1 paths OpenAI's", async () => {
    const unknown = await post("/v1/messages/nope", {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });

    const models = await fetch(`${mock.url}/v1/models`, {
      headers: { authorization: "Bearer sk-openai-unused" },
    });
    expect(models.status).toBe(200);
  });
});
