import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MockProvider, startMockProvider } from "./server.js";

const KEY = "sk-mock-provider-endpoints-key-0123";

let mock: MockProvider;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockProvider({ openaiKey: KEY, port: 0, chunkDelayMs: 1 });
  client = new OpenAI({ apiKey: KEY, baseURL: `${mock.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
});

describe("legacy completions", () => {
  it("answers a prompt with a text_completion", async () => {
    const completion = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "say hi" });

    expect(completion.object).toBe("text_completion");
    expect(completion.id).toMatch(/^cmpl-/);
    expect(completion.choices[0]).toMatchObject({ text: "echo: say hi", finish_reason: "stop", index: 0 });
    expect(completion.usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  it("streams text pieces and a usage chunk", async () => {
    const stream = await client.completions.create({
      model: "gpt-3.5-turbo-instruct",
      prompt: "one two three",
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Completion[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.map((c) => c.choices[0]?.text ?? "").join("")).toBe("echo: one two three");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(4);
    expect(chunks.every((c) => c.object === "text_completion")).toBe(true);
  });

  it("stops at max_tokens and requires a prompt", async () => {
    const short = await client.completions.create({ model: "m", prompt: "a b c d", max_tokens: 2 });
    expect(short.choices[0]).toMatchObject({ text: "echo: a", finish_reason: "length" });

    const error = await client.post("/completions", { body: { model: "m" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("embeddings", () => {
  it("answers the SDK's default base64 request with vectors it decodes", async () => {
    const result = await client.embeddings.create({ model: "text-embedding-3-small", input: "hello world" });

    expect(mock.requests[0]?.body).toMatchObject({ encoding_format: "base64" });
    expect(result.object).toBe("list");
    const vector = result.data[0]?.embedding ?? [];
    expect(vector).toHaveLength(8);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(result.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });

    // The same text as floats must carry the same numbers: the vectors are deterministic.
    const floats = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: "hello world",
      encoding_format: "float",
    });
    expect(floats.data[0]?.embedding).toEqual(vector);
  });

  it("embeds each input of a list, honouring dimensions", async () => {
    const result = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: ["first", "second"],
      dimensions: 4,
      encoding_format: "float",
    });

    expect(result.data.map((d) => d.index)).toEqual([0, 1]);
    expect(result.data.every((d) => d.object === "embedding" && d.embedding.length === 4)).toBe(true);
    expect(result.data[0]?.embedding).not.toEqual(result.data[1]?.embedding);
  });

  it("rejects an empty input and an unknown encoding", async () => {
    const empty = await client.embeddings.create({ model: "m", input: "" }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);

    const badFormat = await client
      .post("/embeddings", { body: { model: "m", input: "x", encoding_format: "hex" } })
      .catch((e: unknown) => e);
    expect(badFormat).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("responses", () => {
  it("answers with a response holding one output_text message", async () => {
    const response = await client.responses.create({
      model: "gpt-4.1-mini",
      instructions: "be brief",
      input: [{ role: "user", content: [{ type: "input_text", text: "hello there" }] }],
    });

    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("echo: hello there");
    expect(response.output[0]).toMatchObject({
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: "echo: hello there" }],
    });
    expect(response.usage?.output_tokens).toBe(3);
    expect(response.usage?.total_tokens).toBe((response.usage?.input_tokens ?? 0) + 3);
  });

  it("streams named events the SDK's stream helper can rebuild", async () => {
    const stream = client.responses.stream({ model: "gpt-4.1-mini", input: "one two three" });
    const types: string[] = [];
    const deltas: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") deltas.push(event.delta);
    }
    const final = await stream.finalResponse();

    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(deltas.join("")).toBe("echo: one two three");
    expect(final.output_text).toBe("echo: one two three");
    expect(final.usage?.output_tokens).toBe(4);

    const raw = await fetch(`${mock.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4.1-mini", input: "hi", stream: true }),
    });
    const text = await raw.text();
    expect(text).toMatch(/^event: response\.created\ndata: \{/);
    expect(text).not.toContain("[DONE]");
  });

  it("reports an incomplete response when max_output_tokens runs out", async () => {
    const words = Array.from({ length: 30 }, (_, i) => `w${i}`).join(" ");
    const response = await client.responses.create({ model: "m", input: words, max_output_tokens: 16 });

    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.usage?.output_tokens).toBe(16);
  });
});
