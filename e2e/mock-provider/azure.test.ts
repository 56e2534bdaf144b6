import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MockProvider, startMockProvider } from "./server.js";

const KEY = "0123456789abcdef0123456789abcdef";
const API_VERSION = "2024-10-21";
const DEPLOYMENT = "chat-prod";

let mock: MockProvider;
let client: AzureOpenAI;

beforeAll(async () => {
  mock = await startMockProvider({
    openaiKey: "sk-openai-unused",
    chunkDelayMs: 1,
    azure: { apiKey: KEY, deployments: { [DEPLOYMENT]: "gpt-4o-mini", embed: "text-embedding-3-small" } },
  });
  client = azureClient(DEPLOYMENT);
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
});

function azureClient(deployment: string, apiKey = KEY): AzureOpenAI {
  return new AzureOpenAI({ apiKey, endpoint: mock.url, apiVersion: API_VERSION, deployment, maxRetries: 0 });
}

describe("deployments", () => {
  it("answers chat completions under the deployment path, reporting the deployment's model", async () => {
    const completion = await client.chat.completions.create({
      model: "ignored-by-azure",
      messages: [{ role: "user", content: "hello azure" }],
    });

    expect(completion.model).toBe("gpt-4o-mini");
    expect(completion.choices[0]?.message.content).toBe("echo: hello azure");
    const [recorded] = mock.requests;
    expect(recorded?.path).toBe(`/openai/deployments/${DEPLOYMENT}/chat/completions`);
    expect(recorded?.url).toContain(`api-version=${API_VERSION}`);
    expect(recorded?.headers["api-key"]).toBe(KEY);
    expect(recorded?.headers.authorization).toBeUndefined();
  });

  it("streams chat completions with usage", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "one two" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("echo: one two");
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(3);
  });

  it("serves legacy completions and embeddings too", async () => {
    const completion = await client.completions.create({ model: "m", prompt: "legacy" });
    expect(completion.choices[0]?.text).toBe("echo: legacy");

    const embeddings = await azureClient("embed").embeddings.create({ model: "m", input: ["a", "b"] });
    expect(embeddings.model).toBe("text-embedding-3-small");
    expect(embeddings.data.map((d) => d.embedding.length)).toEqual([8, 8]);
  });
});

describe("errors", () => {
  it("rejects a wrong api-key with Azure's 401", async () => {
    const error = await azureClient(DEPLOYMENT, "wrong-key")
      .chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    if (!(error instanceof OpenAI.AuthenticationError)) return;
    expect(error.code).toBe("401");
    expect(error.message).toContain("Access denied due to invalid subscription key or wrong API endpoint");
  });

  it("answers an unknown deployment with DeploymentNotFound", async () => {
    const error = await azureClient("nope")
      .chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    if (!(error instanceof OpenAI.NotFoundError)) return;
    expect(error.code).toBe("DeploymentNotFound");
  });

  it("requires a supported api-version", async () => {
    const path = `${mock.url}/openai/deployments/${DEPLOYMENT}/chat/completions`;
    const init = {
      method: "POST",
      headers: { "api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "x" }] }),
    };
    const missing = await fetch(path, init);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "404", message: "Resource not found" } });

    const unsupported = await fetch(`${path}?api-version=latest`, init);
    expect(unsupported.status).toBe(400);

    // The body needs no model: the deployment names it.
    const ok = await fetch(`${path}?api-version=${API_VERSION}`, init);
    expect(ok.status).toBe(200);
  });

  it("passes OpenAI's body validation errors through", async () => {
    const error = await client
      .post("/chat/completions", { body: { model: "m", messages: [] } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("takes injected failures in Azure's shape", async () => {
    mock.failNext(429);
    const error = await client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    if (!(error instanceof OpenAI.RateLimitError)) return;
    expect(error.code).toBe("429");
  });
});
