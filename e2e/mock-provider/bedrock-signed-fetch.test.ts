import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chunkJson, eventTypeOf, readBedrockEvent } from "../../gateway/aws/bedrock-stream-events.js";
import { decodeEventStream, type EventStreamMessage } from "../../gateway/aws/event-stream.js";
import { type BedrockSignerOptions, createBedrockSigner } from "../../gateway/aws/sigv4-signer.js";
import { type MockProvider, startMockProvider } from "./server.js";

/** How the gateway will call Bedrock: its own signer, plain fetch, its own event-stream decoder. */

const REGION = "eu-central-1";
const CREDENTIALS = {
  accessKeyId: "AKIAMOCKGATEWAY00001",
  secretAccessKey: "gateway-path-secret-abcdef012345",
};
const MODEL_PATH = "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0";
const DELAY_MS = 25;

let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockProvider({
    openaiKey: "sk-unused-by-these-tests",
    chunkDelayMs: DELAY_MS,
    bedrock: { ...CREDENTIALS, region: REGION },
  });
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
});

const anthropicBody = (text: string) =>
  JSON.stringify({
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 64,
    messages: [{ role: "user", content: text }],
  });

async function signedFetch(
  path: string,
  body: string,
  options: {
    signer?: Partial<BedrockSignerOptions>;
    callerHeaders?: Record<string, string>;
    sendBody?: string;
  } = {},
): Promise<Response> {
  const signer = createBedrockSigner({ region: REGION, credentials: CREDENTIALS, ...options.signer });
  const url = `${mock.url}${path}`;
  const headers = await signer.sign({
    method: "POST",
    url,
    headers: { "content-type": "application/json", ...options.callerHeaders },
    body,
  });
  return fetch(url, { method: "POST", headers, body: options.sendBody ?? body });
}

async function collect(response: Response): Promise<{ messages: EventStreamMessage[]; arrivals: number[] }> {
  const messages: EventStreamMessage[] = [];
  const arrivals: number[] = [];
  if (!response.body) throw new Error("response has no body");
  for await (const message of decodeEventStream(response.body)) {
    messages.push(message);
    arrivals.push(performance.now());
  }
  return { messages, arrivals };
}

describe("gateway signer and decoder against the mock", () => {
  it("invokes with a signed request and never forwards the caller's bearer token", async () => {
    const response = await signedFetch(`${MODEL_PATH}/invoke`, anthropicBody("signed by the gateway"), {
      callerHeaders: { authorization: "Bearer kr-caller-relay-key", "x-api-key": "kr-caller-relay-key" },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ content: [{ text: "echo: signed by the gateway" }] });
    expect(response.headers.get("x-amzn-bedrock-output-token-count")).toBe("5");
    const recorded = mock.requests[0];
    expect(recorded?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAMOCKGATEWAY00001\//);
    expect(JSON.stringify(recorded?.headers)).not.toContain("kr-caller-relay-key");
  });

  it("decodes InvokeModelWithResponseStream chunk by chunk", async () => {
    const response = await signedFetch(`${MODEL_PATH}/invoke-with-response-stream`, anthropicBody("p q r"));
    expect(response.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
    const { messages, arrivals } = await collect(response);

    expect(messages.every((m) => eventTypeOf(m) === "chunk")).toBe(true);
    const events = messages.map(chunkJson) as { type: string; delta?: { text?: string } }[];
    expect(events.map((e) => e.delta?.text ?? "").join("")).toBe("echo: p q r");
    expect(events.at(-1)).toMatchObject({
      type: "message_stop",
      "amazon-bedrock-invocationMetrics": { outputTokenCount: 4 },
    });
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(
      DELAY_MS * (messages.length - 2),
    );
  });

  it("decodes ConverseStream events with usage in the metadata event", async () => {
    const body = JSON.stringify({ messages: [{ role: "user", content: [{ text: "hello" }] }] });
    const response = await signedFetch(`${MODEL_PATH}/converse-stream`, body);
    const events = (await collect(response)).messages.map(readBedrockEvent);

    expect(events.map((e) => (e.kind === "event" ? e.eventType : e.kind))).toEqual([
      "messageStart",
      "contentBlockDelta",
      "contentBlockDelta",
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    expect(events.at(-1)).toMatchObject({
      payload: { usage: { outputTokens: 2, totalTokens: expect.any(Number) } },
    });
  });

  it("cuts the reply at max_tokens and says so", async () => {
    const body = JSON.stringify({
      messages: [{ role: "user", content: [{ text: "one two three four" }] }],
      inferenceConfig: { maxTokens: 2 },
    });
    const response = await signedFetch(`${MODEL_PATH}/converse`, body);

    expect(await response.json()).toMatchObject({
      output: { message: { content: [{ text: "echo: one" }] } },
      stopReason: "max_tokens",
      usage: { outputTokens: 2 },
    });
  });
});

describe("SigV4 checks", () => {
  it("refuses the exact same signed request sent twice", async () => {
    const signer = createBedrockSigner({ region: REGION, credentials: CREDENTIALS });
    const url = `${mock.url}${MODEL_PATH}/invoke`;
    const body = anthropicBody("only once");
    const headers = await signer.sign({
      method: "POST",
      url,
      headers: { "content-type": "application/json" },
      body,
    });

    const first = await fetch(url, { method: "POST", headers, body });
    const second = await fetch(url, { method: "POST", headers, body });

    expect(first.status).toBe(200);
    expect(second.status).toBe(403);
    expect(second.headers.get("x-amzn-errortype")).toMatch(/^InvalidSignatureException:/);
    expect(await second.json()).toEqual({ message: expect.stringMatching(/already been used/) });
  });

  it("refuses a body changed after signing", async () => {
    const response = await signedFetch(`${MODEL_PATH}/invoke`, anthropicBody("original"), {
      sendBody: anthropicBody("tampered"),
    });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      message: expect.stringMatching(/^The request signature we calculated/),
    });
  });

  it("refuses a signature more than five minutes old", async () => {
    const response = await signedFetch(`${MODEL_PATH}/invoke`, anthropicBody("stale"), {
      signer: { clock: () => new Date(Date.now() - 6 * 60_000) },
    });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now/),
    });
  });

  it("refuses a credential scoped to another region", async () => {
    const response = await signedFetch(`${MODEL_PATH}/invoke`, anthropicBody("x"), {
      signer: { region: "us-west-2" },
    });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: "Credential should be scoped to a valid region." });
  });

  it("refuses temporary credentials the mock was not given", async () => {
    const response = await signedFetch(`${MODEL_PATH}/invoke`, anthropicBody("x"), {
      signer: { credentials: { ...CREDENTIALS, sessionToken: "unexpected-session-token" } },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get("x-amzn-errortype")).toMatch(/^UnrecognizedClientException:/);
  });

  it("refuses a relay key presented as a Bedrock bearer token", async () => {
    const response = await fetch(`${mock.url}${MODEL_PATH}/invoke`, {
      method: "POST",
      headers: { authorization: "Bearer kr-caller-relay-key", "content-type": "application/json" },
      body: anthropicBody("x"),
    });

    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toMatch(/^IncompleteSignatureException:/);
    expect(await response.text()).not.toContain("kr-caller-relay-key");
  });

  it("refuses an unsigned request", async () => {
    const response = await fetch(`${mock.url}${MODEL_PATH}/converse`, { method: "POST", body: "{}" });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: "Missing Authentication Token" });
  });
});

describe("SigV4 with temporary credentials", () => {
  it("accepts a request signed with the configured session token", async () => {
    const sessionToken = "IQoJb3JpZ2luX2VjEMOCK";
    const temporary = await startMockProvider({
      openaiKey: "sk-unused-by-these-tests",
      bedrock: { ...CREDENTIALS, region: REGION, sessionToken },
    });
    try {
      const signer = createBedrockSigner({ region: REGION, credentials: { ...CREDENTIALS, sessionToken } });
      const url = `${temporary.url}${MODEL_PATH}/invoke`;
      const body = anthropicBody("temporary");
      const headers = await signer.sign({ method: "POST", url, headers: {}, body });
      const response = await fetch(url, { method: "POST", headers, body });

      expect(response.status).toBe(200);
      expect(temporary.requests[0]?.headers["x-amz-security-token"]).toBe(sessionToken);
    } finally {
      await temporary.close();
    }
  });
});
