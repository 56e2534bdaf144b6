import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { googleJwtFor } from "./google-auth-client.js";
import { generateTestServiceAccount } from "./google-service-account.js";
import { type MockProvider, startMockProvider } from "./server.js";

const PROJECT = "kuberelay-vertex-test";
const CLAUDE = "claude-sonnet-5-5@20261001";
const GEMINI = "gemini-2.5-flash";

let mock: MockProvider;
let token: string;

beforeAll(async () => {
  const account = generateTestServiceAccount(PROJECT);
  mock = await startMockProvider({
    openaiKey: "sk-openai-unused",
    chunkDelayMs: 1,
    vertex: account.vertexOptions,
  });
  const minted = await googleJwtFor(account.keyFile(`${mock.url}/token`)).getAccessToken();
  token = minted.token ?? "";
});

afterAll(async () => {
  await mock.close();
});

function modelUrl(publisher: string, model: string, method: string, project = PROJECT): string {
  return `${mock.url}/v1/projects/${project}/locations/us-east5/publishers/${publisher}/models/${model}:${method}`;
}

function call(url: string, body: unknown, bearer = token): Promise<globalThis.Response> {
  return fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Splits an SSE body into its events, keeping the name when there is one. */
function sseEvents(text: string): { event?: string; data: string }[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice("event: ".length);
      const data = lines
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice("data: ".length))
        .join("\n");
      return event === undefined ? { data } : { event, data };
    });
}

/** Reads a nested field of parsed JSON without trusting its shape. */
function pick(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (current, key) =>
      typeof current === "object" && current !== null ? Reflect.get(current, key) : undefined,
    value,
  );
}

const CLAUDE_BODY = {
  anthropic_version: "vertex-2023-10-16",
  max_tokens: 64,
  messages: [{ role: "user", content: "hello vertex" }],
};

const GEMINI_BODY = { contents: [{ role: "user", parts: [{ text: "hello gemini" }] }] };

describe("Claude on Vertex", () => {
  it("answers rawPredict with an Anthropic message for the model in the path", async () => {
    const response = await call(modelUrl("anthropic", CLAUDE, "rawPredict"), CLAUDE_BODY);
    const message = await response.json();

    expect(response.status).toBe(200);
    expect(message).toMatchObject({
      type: "message",
      model: CLAUDE,
      content: [{ type: "text", text: "echo: hello vertex" }],
      stop_reason: "end_turn",
    });
    expect(pick(message, "id")).toMatch(/^msg_vrtx_01/);
  });

  it("streams streamRawPredict as Anthropic's SSE events", async () => {
    const response = await call(modelUrl("anthropic", CLAUDE, "streamRawPredict"), {
      ...CLAUDE_BODY,
      stream: true,
    });
    const events = sseEvents(await response.text());

    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(events[0]?.event).toBe("message_start");
    expect(events.at(-1)?.event).toBe("message_stop");
    const text = events
      .filter((e) => e.event === "content_block_delta")
      .map((e) => pick(JSON.parse(e.data), "delta", "text"))
      .join("");
    expect(text).toBe("echo: hello vertex");
    const delta = events.find((e) => e.event === "message_delta");
    expect(JSON.parse(delta?.data ?? "{}")).toMatchObject({ usage: { output_tokens: 3 } });
  });

  it("refuses a body carrying a model or lacking Vertex's anthropic_version", async () => {
    const withModel = await call(modelUrl("anthropic", CLAUDE, "rawPredict"), {
      ...CLAUDE_BODY,
      model: CLAUDE,
    });
    expect(withModel.status).toBe(400);
    expect(await withModel.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });

    const { anthropic_version: _, ...withoutVersion } = CLAUDE_BODY;
    const missing = await call(modelUrl("anthropic", CLAUDE, "rawPredict"), withoutVersion);
    expect(missing.status).toBe(400);
  });
});

describe("Gemini on Vertex", () => {
  it("answers generateContent with a candidate and usage", async () => {
    const response = await call(modelUrl("google", GEMINI, "generateContent"), GEMINI_BODY);
    const body = await response.json();

    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      candidates: [
        { content: { role: "model", parts: [{ text: "echo: hello gemini" }] }, finishReason: "STOP" },
      ],
      usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 3, totalTokenCount: 5 },
      modelVersion: GEMINI,
    });
  });

  it("streams partial responses over SSE with usage on the last", async () => {
    const response = await call(
      `${modelUrl("google", GEMINI, "streamGenerateContent")}?alt=sse`,
      GEMINI_BODY,
    );
    const chunks: unknown[] = sseEvents(await response.text()).map((e) => JSON.parse(e.data));

    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.map((c) => pick(c, "candidates", 0, "content", "parts", 0, "text")).join("")).toBe(
      "echo: hello gemini",
    );
    expect(chunks.slice(0, -1).every((c) => pick(c, "usageMetadata") === undefined)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      candidates: [{ finishReason: "STOP" }],
      usageMetadata: { totalTokenCount: 5 },
    });
  });

  it("streams a JSON array without alt=sse, and honours maxOutputTokens", async () => {
    const response = await call(modelUrl("google", GEMINI, "streamGenerateContent"), {
      ...GEMINI_BODY,
      generationConfig: { maxOutputTokens: 2 },
    });
    const chunks = await response.json();

    expect(Array.isArray(chunks)).toBe(true);
    expect(Array.isArray(chunks) ? chunks.at(-1) : undefined).toMatchObject({
      candidates: [{ finishReason: "MAX_TOKENS" }],
    });
  });

  it("refuses a body in another provider's shape", async () => {
    const response = await call(modelUrl("google", GEMINI, "generateContent"), {
      model: GEMINI,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
  });
});

describe("access", () => {
  it("requires a token the mock issued", async () => {
    const forged = await call(modelUrl("google", GEMINI, "generateContent"), GEMINI_BODY, "ya29.forged");
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { status: "UNAUTHENTICATED" } });
  });

  it("refuses another project with 403", async () => {
    const response = await call(modelUrl("anthropic", CLAUDE, "rawPredict", "someone-else"), CLAUDE_BODY);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { status: "PERMISSION_DENIED" } });
  });

  it("answers unknown methods with 404 and injected failures in each publisher's shape", async () => {
    const unknown = await call(modelUrl("google", GEMINI, "predict"), GEMINI_BODY);
    expect(unknown.status).toBe(404);

    mock.failNext(429);
    const limited = await call(modelUrl("google", GEMINI, "generateContent"), GEMINI_BODY);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { status: "RESOURCE_EXHAUSTED" } });

    mock.failNext(529);
    const overloaded = await call(modelUrl("anthropic", CLAUDE, "rawPredict"), CLAUDE_BODY);
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({ error: { type: "overloaded_error" } });
  });

  it("stops accepting tokens once they are revoked", async () => {
    mock.vertexTokens.revokeAll();
    const response = await call(modelUrl("google", GEMINI, "generateContent"), GEMINI_BODY);
    expect(response.status).toBe(401);
  });
});
