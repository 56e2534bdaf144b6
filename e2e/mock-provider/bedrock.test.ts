import {
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
// The client defaults to HTTP/2 for every operation, and against an http:// endpoint that means
// h2c with prior knowledge, which the HTTP/1.1 mock cannot answer; see startClient below.
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MockProvider, startMockProvider } from "./server.js";

const REGION = "us-east-1";
const CREDENTIALS = {
  accessKeyId: "AKIAMOCKBEDROCK00001",
  secretAccessKey: "mock-bedrock-secret-0123456789abcdef",
};
const MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
const DELAY_MS = 25;

let mock: MockProvider;
let client: BedrockRuntimeClient;

function startClient(credentials: { accessKeyId: string; secretAccessKey: string }): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: REGION,
    endpoint: mock.url,
    credentials,
    // No retries: a retry would hide which request an injected failure landed on.
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
}

beforeAll(async () => {
  mock = await startMockProvider({
    openaiKey: "sk-unused-by-these-tests",
    chunkDelayMs: DELAY_MS,
    bedrock: { ...CREDENTIALS, region: REGION },
  });
  client = startClient(CREDENTIALS);
});

afterAll(async () => {
  client.destroy();
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
});

const anthropicBody = (text: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 64,
    messages: [{ role: "user", content: text }],
    ...extra,
  });

async function errorOf(promise: Promise<unknown>): Promise<BedrockRuntimeServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof BedrockRuntimeServiceException))
    throw new Error(`expected a service error, got ${error}`);
  return error;
}

describe("Bedrock runtime through the official client", () => {
  it("answers InvokeModel with an Anthropic message and Bedrock's token headers", async () => {
    const response = await client.send(
      new InvokeModelCommand({
        modelId: MODEL,
        contentType: "application/json",
        body: anthropicBody("hello there"),
      }),
    );
    const message = JSON.parse(new TextDecoder().decode(response.body));

    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-3-5-haiku-20241022",
      content: [{ type: "text", text: "echo: hello there" }],
      stop_reason: "end_turn",
      usage: { output_tokens: 3 },
    });
    expect(message.id).toMatch(/^msg_bdrk_/);
    expect(response.contentType).toBe("application/json");
    expect(response.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("records the request with the model id percent-encoded in the path", async () => {
    await client.send(new InvokeModelCommand({ modelId: MODEL, body: anthropicBody("hi") }));

    const [recorded] = mock.requests;
    expect(recorded?.path).toBe("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke");
    expect(recorded?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAMOCKBEDROCK00001\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-user-agent, Signature=[0-9a-f]{64}$/,
    );
    expect(recorded?.body).toMatchObject({ anthropic_version: "bedrock-2023-05-31" });
  });

  it("accepts an inference-profile ARN, whose slash is encoded inside the path segment", async () => {
    const arn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${MODEL}`;
    const response = await client.send(new InvokeModelCommand({ modelId: arn, body: anthropicBody("arn") }));

    expect(JSON.parse(new TextDecoder().decode(response.body)).model).toBe("claude-3-5-haiku-20241022");
    expect(mock.requests[0]?.path).toBe(
      "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke",
    );
  });

  it("answers Converse with output, stop reason, usage and metrics", async () => {
    const response = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        system: [{ text: "be brief" }],
        messages: [{ role: "user", content: [{ text: "one two" }] }],
        inferenceConfig: { maxTokens: 100 },
      }),
    );

    expect(response.output?.message).toEqual({ role: "assistant", content: [{ text: "echo: one two" }] });
    expect(response.stopReason).toBe("end_turn");
    expect(response.usage?.outputTokens).toBe(3);
    expect(response.usage?.totalTokens).toBe((response.usage?.inputTokens ?? 0) + 3);
    expect(response.metrics?.latencyMs).toBeGreaterThanOrEqual(1);
  });

  it("streams ConverseStream event by event", async () => {
    const response = await client.send(
      new ConverseStreamCommand({
        modelId: MODEL,
        messages: [{ role: "user", content: [{ text: "a b c d" }] }],
      }),
    );

    const kinds: string[] = [];
    const pieces: string[] = [];
    const arrivals: number[] = [];
    let usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number } | undefined;
    for await (const event of response.stream ?? []) {
      kinds.push(Object.keys(event).find((key) => key !== "$unknown") ?? "?");
      const text = event.contentBlockDelta?.delta?.text;
      if (text !== undefined) {
        pieces.push(text);
        arrivals.push(performance.now());
      }
      if (event.metadata) usage = event.metadata.usage;
    }

    expect(kinds).toEqual([
      "messageStart",
      ...pieces.map(() => "contentBlockDelta"),
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    expect(pieces.join("")).toBe("echo: a b c d");
    expect(usage).toMatchObject({ outputTokens: 5 });
    // Buffered delivery would land every piece at once; spacing proves each was flushed alone.
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(
      DELAY_MS * (pieces.length - 2),
    );
  });

  it("streams InvokeModelWithResponseStream chunk by chunk with Bedrock's metrics at the end", async () => {
    const response = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: MODEL, body: anthropicBody("x y z") }),
    );

    const events: { type: string; [key: string]: unknown }[] = [];
    const arrivals: number[] = [];
    for await (const part of response.body ?? []) {
      if (!part.chunk?.bytes) continue;
      events.push(JSON.parse(new TextDecoder().decode(part.chunk.bytes)));
      arrivals.push(performance.now());
    }

    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events.at(-1)?.["amazon-bedrock-invocationMetrics"]).toMatchObject({
      inputTokenCount: expect.any(Number),
      outputTokenCount: 4,
    });
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(
      DELAY_MS * (events.length - 2),
    );
  });
});

describe("Bedrock runtime refusals through the official client", () => {
  it("refuses a signature made with the wrong secret", async () => {
    const wrong = startClient({ ...CREDENTIALS, secretAccessKey: "not-the-secret" });
    const error = await errorOf(
      wrong.send(new InvokeModelCommand({ modelId: MODEL, body: anthropicBody("x") })),
    );
    wrong.destroy();

    expect(error.name).toBe("InvalidSignatureException");
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
  });

  it("refuses an access key it does not know", async () => {
    const unknown = startClient({ ...CREDENTIALS, accessKeyId: "AKIAUNKNOWNKEY000000" });
    const error = await errorOf(
      unknown.send(
        new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "x" }] }] }),
      ),
    );
    unknown.destroy();

    expect(error.name).toBe("UnrecognizedClientException");
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe("The security token included in the request is invalid.");
  });

  it("refuses Anthropic bodies Bedrock would refuse", async () => {
    const noVersion = JSON.stringify({ max_tokens: 5, messages: [{ role: "user", content: "x" }] });
    const missing = await errorOf(client.send(new InvokeModelCommand({ modelId: MODEL, body: noVersion })));
    expect(missing.name).toBe("ValidationException");
    expect(missing.$metadata.httpStatusCode).toBe(400);
    expect(missing.message).toContain("required key [anthropic_version] not found");

    const withModel = anthropicBody("x", { model: "claude-3-5-haiku-20241022" });
    const extraneous = await errorOf(
      client.send(new InvokeModelCommand({ modelId: MODEL, body: withModel })),
    );
    expect(extraneous.message).toContain("extraneous key [model] is not permitted");
  });

  it("refuses a conversation that does not start with the user", async () => {
    const error = await errorOf(
      client.send(
        new ConverseCommand({ modelId: MODEL, messages: [{ role: "assistant", content: [{ text: "x" }] }] }),
      ),
    );

    expect(error.name).toBe("ValidationException");
    expect(error.message).toMatch(/must start with a user message/);
  });

  it("answers an injected failure with Bedrock's error type, then recovers", async () => {
    mock.failNext(429);
    const error = await errorOf(
      client.send(new InvokeModelCommand({ modelId: MODEL, body: anthropicBody("x") })),
    );
    expect(error.name).toBe("ThrottlingException");
    expect(error.$metadata.httpStatusCode).toBe(429);

    const response = await client.send(
      new InvokeModelCommand({ modelId: MODEL, body: anthropicBody("again") }),
    );
    expect(response.$metadata.httpStatusCode).toBe(200);
  });
});
