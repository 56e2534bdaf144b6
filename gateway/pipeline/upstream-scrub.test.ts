import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventStreamDecoder, encodeEventStreamMessage } from "../aws/event-stream.js";
import { RELAY_KEY } from "./testing/in-process-gateway.js";
import { ask, CREDENTIALS, type ScriptedUpstream, startScripted } from "./testing/scripted-upstream.js";

let upstream: ScriptedUpstream;

beforeAll(async () => {
  upstream = await startScripted();
});
afterAll(() => upstream.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sse = (doc: unknown) => `data: ${JSON.stringify(doc)}\n\n`;
const delta = (content: string) =>
  sse({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content } }] });
const AWS = JSON.parse(CREDENTIALS.bedrock) as { accessKeyId: string; secretAccessKey: string };

/** Writes the pieces as separate chunks, a few milliseconds apart, then ends. */
function streamPieces(contentType: string, pieces: (string | Uint8Array)[]) {
  return (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, { "content-type": contentType });
    void (async () => {
      for (const p of pieces) {
        res.write(p);
        await sleep(3);
      }
      res.end();
    })();
  };
}

describe("issue 10: success bodies and streams are scrubbed of the credential", () => {
  it.each([
    ["openai", "gpt", CREDENTIALS.openai],
    ["azure", "azure-gpt", CREDENTIALS.azure],
    ["anthropic", "claude", CREDENTIALS.anthropic],
  ] as const)(
    "issue 10: %s: a 200 JSON body reflecting the credential reaches the caller redacted",
    async (api, model, key) => {
      upstream.behave((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            id: "x",
            echoed: `your key is ${key}`,
            usage: { prompt_tokens: 1, completion_tokens: 1 },
          }),
        );
      });
      const res = await ask(upstream.gateway, api, model);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(key);
      expect(JSON.parse(res.text)).toMatchObject({ echoed: "your key is [redacted]" });
    },
  );

  it("issue 10: a Bedrock 200 body reflecting the AWS secret key reaches the caller redacted", async () => {
    upstream.behave((_req, res) => {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ echoed: AWS.secretAccessKey }));
    });
    const res = await ask(upstream.gateway, "bedrock", "bedrock-model");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ echoed: "[redacted]" });
  });

  it("issue 10: an SSE chunk reflecting the credential reaches the caller redacted", async () => {
    upstream.behave(
      streamPieces("text/event-stream", [delta(`key ${CREDENTIALS.openai}`), "data: [DONE]\n\n"]),
    );
    const res = await ask(upstream.gateway, "openai", "gpt", { stream: true });
    expect(res.text).not.toContain(CREDENTIALS.openai);
    expect(res.text).toContain(delta("key [redacted]"));
    expect(res.text).toContain("data: [DONE]");
  });

  it("issue 10: a credential split across two stream chunks is redacted, at every split point", async () => {
    const whole = delta(`key ${CREDENTIALS.openai} end`);
    const at = whole.indexOf(CREDENTIALS.openai);
    for (let i = at; i <= at + CREDENTIALS.openai.length; i++) {
      upstream.behave(
        streamPieces("text/event-stream", [whole.slice(0, i), whole.slice(i), "data: [DONE]\n\n"]),
      );
      const res = await ask(upstream.gateway, "openai", "gpt", { stream: true });
      expect(res.text, `split at ${i}`).toContain(delta("key [redacted] end"));
      expect(res.text).not.toContain(CREDENTIALS.openai);
    }
  });

  it("issue 10: a credential split across three stream chunks is redacted", async () => {
    const whole = delta(`key ${CREDENTIALS.openai} end`);
    const at = whole.indexOf(CREDENTIALS.openai);
    const n = CREDENTIALS.openai.length;
    for (const [i, j] of [
      [0, n],
      [1, 2],
      [5, n - 5],
      [n - 2, n - 1],
    ] as const) {
      const pieces = [whole.slice(0, at + i), whole.slice(at + i, at + j), whole.slice(at + j)];
      upstream.behave(streamPieces("text/event-stream", pieces));
      const res = await ask(upstream.gateway, "openai", "gpt", { stream: true });
      expect(res.text, `split at ${i}, ${j}`).toContain(delta("key [redacted] end"));
      expect(res.text).not.toContain(CREDENTIALS.openai);
    }
  });

  it("issue 10: Anthropic on Bedrock: a secret in an event-stream chunk reaches the SSE caller redacted", async () => {
    const event = {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: `id ${AWS.accessKeyId}` },
    };
    const chunk = encodeEventStreamMessage({
      headers: { ":event-type": "chunk", ":content-type": "application/json", ":message-type": "event" },
      body: Buffer.from(JSON.stringify({ bytes: Buffer.from(JSON.stringify(event)).toString("base64") })),
    });
    upstream.behave(
      streamPieces("application/vnd.amazon.eventstream", [chunk.subarray(0, 40), chunk.subarray(40)]),
    );
    const res = await ask(upstream.gateway, "anthropic", "claude-bedrock", { stream: true });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(AWS.accessKeyId);
    expect(res.text).toContain("id [redacted]");
  });

  it("issue 10: Bedrock event stream: secrets in a chunk's model bytes and in a converse payload are redacted, framing intact", async () => {
    const chunkEvent = encodeEventStreamMessage({
      headers: { ":event-type": "chunk", ":content-type": "application/json", ":message-type": "event" },
      body: Buffer.from(
        JSON.stringify({
          bytes: Buffer.from(JSON.stringify({ text: `k ${AWS.secretAccessKey}` })).toString("base64"),
        }),
      ),
    });
    const plainEvent = encodeEventStreamMessage({
      headers: {
        ":event-type": "contentBlockDelta",
        ":content-type": "application/json",
        ":message-type": "event",
      },
      body: Buffer.from(JSON.stringify({ delta: { text: `id ${AWS.accessKeyId}` } })),
    });
    const clean = encodeEventStreamMessage({
      headers: {
        ":event-type": "messageStop",
        ":content-type": "application/json",
        ":message-type": "event",
      },
      body: Buffer.from(JSON.stringify({ stopReason: "end_turn" })),
    });
    const all = Buffer.concat([chunkEvent, plainEvent, clean]);
    upstream.behave(
      streamPieces("application/vnd.amazon.eventstream", [
        all.subarray(0, 17),
        all.subarray(17, 150),
        all.subarray(150),
      ]),
    );
    const res = await ask(upstream.gateway, "bedrock", "bedrock-model", { stream: true });
    expect(res.status).toBe(200);
    const messages = new EventStreamDecoder().push(res.bytes);
    expect(messages).toHaveLength(3);
    const [first, second, third] = messages.map(
      (m) => JSON.parse(Buffer.from(m.body).toString()) as Record<string, unknown>,
    );
    expect(JSON.parse(Buffer.from(String(first?.bytes), "base64").toString())).toEqual({
      text: "k [redacted]",
    });
    expect(second).toEqual({ delta: { text: "id [redacted]" } });
    expect(third).toEqual({ stopReason: "end_turn" });
    // The message without a secret is passed byte for byte.
    expect(res.bytes.subarray(res.bytes.length - clean.length).equals(Buffer.from(clean))).toBe(true);
  });

  it("issue 10: a stream chunk without a secret reaches the caller before the upstream sends more", async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const first = delta("hello");
    upstream.behave((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(first);
      void released.then(() => res.end("data: [DONE]\n\n"));
    });
    const res = await fetch(`http://127.0.0.1:${upstream.gateway.port}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${RELAY_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt", messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    const reader = res.body?.getReader();
    if (!reader) throw new Error("no body");
    let seen = "";
    while (!seen.includes(first)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += Buffer.from(value).toString();
    }
    expect(seen).toBe(first);
    release();
    await reader.cancel();
  });
});
