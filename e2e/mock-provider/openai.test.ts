import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MockProvider, startMockProvider } from "./server.js";

const KEY = "sk-mock-provider-test-key-0123456789";
const WRONG_KEY = "sk-wrong-relay-key-abcdefghijklmnop";
const DELAY_MS = 25;

let mock: MockProvider;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: KEY, port: 0, chunkDelayMs: DELAY_MS });
  // No retries: a retry would hide which request an injected failure landed on.
  client = new OpenAI({ apiKey: KEY, baseURL: `${mock.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
});

describe("chat completions", () => {
  it("answers with a chat.completion echoing the last user message", async () => {
    const { data: completion, response } = await client.chat.completions
      .create({
        model: "gpt-4o-mini",
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: "hello there" },
        ],
      })
      .withResponse();

    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe("gpt-4o-mini");
    expect(completion.choices[0]?.message).toMatchObject({
      role: "assistant",
      content: "echo: hello there",
      refusal: null,
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    expect(response.headers.get("openai-processing-ms")).toMatch(/^\d+$/);
  });

  it("records the request with lower-cased headers and the parsed body", async () => {
    await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });

    expect(mock.requests).toHaveLength(1);
    const [recorded] = mock.requests;
    expect(recorded?.method).toBe("POST");
    expect(recorded?.path).toBe("/v1/chat/completions");
    expect(recorded?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(recorded?.body).toMatchObject({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
  });

  it("streams content chunk by chunk, in order", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "one two three four" }],
      stream: true,
    });

    const pieces: string[] = [];
    const arrivals: number[] = [];
    const finishReasons: (string | null | undefined)[] = [];
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      const choice = chunk.choices[0];
      finishReasons.push(choice?.finish_reason);
      const content = choice?.delta.content;
      if (content) {
        pieces.push(content);
        arrivals.push(performance.now());
      }
    }

    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expect(pieces.join("")).toBe("echo: one two three four");
    expect(finishReasons.at(-1)).toBe("stop");
    // Buffered delivery would land every piece at once; spacing proves each was flushed alone.
    const spread = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
    expect(spread).toBeGreaterThanOrEqual(DELAY_MS * (pieces.length - 2));
  });

  it("ends the stream with a usage chunk when include_usage is set", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "count my tokens" }],
      stream: true,
      stream_options: { include_usage: true },
    });

    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBe(4);
    expect(last?.usage?.total_tokens).toBe((last?.usage?.prompt_tokens ?? 0) + 4);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it("stops at max_completion_tokens or max_tokens with finish_reason length", async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "a b c d e" }];
    const limited = await client.chat.completions.create({ model: "m", messages, max_completion_tokens: 2 });
    expect(limited.choices[0]?.message.content).toBe("echo: a");
    expect(limited.choices[0]?.finish_reason).toBe("length");
    expect(limited.usage?.completion_tokens).toBe(2);

    const stream = await client.chat.completions.create({
      model: "m",
      messages,
      max_tokens: 3,
      stream: true,
    });
    const pieces: string[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]?.delta.content ?? "");
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(pieces.join("")).toBe("echo: a b");
    expect(finish).toBe("length");
  });
});

describe("errors", () => {
  it("rejects a wrong key with 401 without echoing the key", async () => {
    const wrong = new OpenAI({ apiKey: WRONG_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const error = await wrong.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    if (!(error instanceof OpenAI.AuthenticationError)) return;
    expect(error.status).toBe(401);
    expect(error.code).toBe("invalid_api_key");
    expect(error.message).toContain("Incorrect API key provided: sk-wro");
    expect(JSON.stringify(error.error)).not.toContain(WRONG_KEY);
    expect(error.message).not.toContain(WRONG_KEY);
  });

  it("rejects a request without messages with 400", async () => {
    const error = await client
      .post("/chat/completions", { body: { model: "gpt-4o-mini" } })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    if (!(error instanceof OpenAI.BadRequestError)) return;
    expect(error.status).toBe(400);
    expect(error.param).toBe("messages");
    expect(error.type).toBe("invalid_request_error");
  });

  it("rejects an invalid role and stream_options without stream", async () => {
    const badRole = await client
      .post("/chat/completions", { body: { model: "m", messages: [{ role: "robot", content: "x" }] } })
      .catch((e: unknown) => e);
    expect(badRole).toBeInstanceOf(OpenAI.BadRequestError);

    const streamOptions = await client
      .post("/chat/completions", {
        body: {
          model: "m",
          messages: [{ role: "user", content: "x" }],
          stream_options: { include_usage: true },
        },
      })
      .catch((e: unknown) => e);
    expect(streamOptions).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("answers malformed JSON and unknown paths in OpenAI's error shape", async () => {
    const headers = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
    const malformed = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      headers,
      body: "{nope",
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { type: "invalid_request_error", code: null } });

    const unknown = await fetch(`${mock.url}/v1/nope`, { headers });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { message: "Invalid URL (GET /v1/nope)" } });
  });

  it("fails the next request with an injected status, then recovers", async () => {
    mock.failNext(503);
    const error = await client.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);

    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain("gpt-4o-mini");
  });
});
