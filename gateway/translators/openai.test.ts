import { describe, expect, it } from "vitest";
import type { InboundRequest } from "../pipeline/types.js";
import { openaiTranslator } from "./openai.js";

const inbound = (body: Record<string, unknown>, stream = true): InboundRequest => ({
  surface: "openai",
  operation: "chat",
  model: "gpt-4o",
  stream,
  body,
  passHeaders: {},
});

const provider = {
  id: "ns/p",
  provider: "openai" as const,
  baseURL: "http://up/v1",
  region: undefined,
  credential: "sk-up",
};
const chunk = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
const events = [
  chunk({ choices: [{ delta: { content: "hi" } }] }),
  chunk({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 5 } }),
  "data: [DONE]\n\n",
];

describe("openaiTranslator", () => {
  it("issue 10: a chat cap the gateway added reaches an OpenAI-compatible server as max_tokens, OpenAI as max_completion_tokens", async () => {
    const added = { ...inbound({ max_completion_tokens: 64 }, false), outputCapAdded: true as const };
    const sent = async (kind: "openai" | "openai-compatible") => {
      const call = await openaiTranslator.request(added, {
        provider: { ...provider, provider: kind },
        model: "m",
        timeoutMs: 1,
      });
      return JSON.parse(call.body ?? "{}");
    };
    expect(await sent("openai-compatible")).toEqual({
      max_tokens: 64,
      model: "m",
    });
    expect(await sent("openai")).toEqual({ max_completion_tokens: 64, model: "m" });
    // A cap the caller chose stays in the field the caller put it in.
    const own = inbound({ max_completion_tokens: 64 }, false);
    const call = await openaiTranslator.request(own, {
      provider: { ...provider, provider: "openai-compatible" },
      model: "m",
      timeoutMs: 1,
    });
    expect(JSON.parse(call.body ?? "{}")).toEqual({ max_completion_tokens: 64, model: "m" });
  });

  it("asks for usage when the caller did not, and hides that chunk from it", async () => {
    const call = await openaiTranslator.request(inbound({ stream: true }), {
      provider,
      model: "gpt-4o",
      timeoutMs: 1,
    });
    expect(JSON.parse(call.body ?? "{}").stream_options).toEqual({ include_usage: true });
    const s = openaiTranslator.stream(inbound({ stream: true }));
    const out = events.flatMap((e) => s.push(Buffer.from(e))).map((b) => Buffer.from(b).toString());
    expect(out).toEqual([events[0], events[2]]);
    expect(s.usage()).toEqual({ inputTokens: 3, outputTokens: 5 });
  });

  it("passes the usage chunk to a caller who asked for it", () => {
    const s = openaiTranslator.stream(inbound({ stream: true, stream_options: { include_usage: true } }));
    const out = events.flatMap((e) => s.push(Buffer.from(e)));
    expect(out).toHaveLength(3);
    expect(s.usage()).toEqual({ inputTokens: 3, outputTokens: 5 });
  });

  it("rewrites the model, sets the credential, and reads usage from complete answers", async () => {
    const call = await openaiTranslator.request(inbound({ model: "alias" }, false), {
      provider,
      model: "gpt-4o",
      timeoutMs: 1,
    });
    expect(call.url).toBe("http://up/v1/chat/completions");
    expect(call.headers.authorization).toBe("Bearer sk-up");
    expect(JSON.parse(call.body ?? "{}")).toEqual({ model: "gpt-4o" });
    const text = '{"usage":{"input_tokens":2,"output_tokens":4}}';
    const r = openaiTranslator.response({ text, doc: JSON.parse(text) }, inbound({}, false), new Headers());
    expect(r.usage).toEqual({ inputTokens: 2, outputTokens: 4 });
  });

  it("targets Azure deployments with api-key", async () => {
    const azure = { ...provider, provider: "azure-openai" as const, baseURL: "https://x.openai.azure.com/" };
    const call = await openaiTranslator.request(inbound({}, false), {
      provider: azure,
      model: "my-dep",
      timeoutMs: 1,
    });
    expect(call.url).toMatch(
      /^https:\/\/x\.openai\.azure\.com\/openai\/deployments\/my-dep\/chat\/completions\?api-version=/,
    );
    expect(call.headers["api-key"]).toBe("sk-up");
    expect(call.headers.authorization).toBeUndefined();
  });
});
