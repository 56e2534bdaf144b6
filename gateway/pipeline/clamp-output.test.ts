import { describe, expect, it } from "vitest";
import { clampOutputTokens, outputTokenCap } from "./clamp-output.js";
import type { InboundRequest } from "./types.js";

const req = (operation: InboundRequest["operation"], body: Record<string, unknown>): InboundRequest => ({
  surface: "openai",
  operation,
  model: "m",
  stream: false,
  body,
  passHeaders: {},
});

describe("clampOutputTokens", () => {
  it("lowers a larger cap and sets a missing one", () => {
    expect(clampOutputTokens(req("chat", { max_tokens: 5000 }), 100)).toEqual({
      body: { max_tokens: 100 },
      clamped: true,
      added: false,
    });
    expect(clampOutputTokens(req("chat", {}), 100).body).toEqual({ max_completion_tokens: 100 });
    expect(clampOutputTokens(req("converse", { inferenceConfig: { temperature: 0 } }), 64).body).toEqual({
      inferenceConfig: { temperature: 0, maxTokens: 64 },
    });
  });
  it("issue 10: says when it added a cap the caller did not name, so a translator can pick the field", () => {
    expect(clampOutputTokens(req("chat", {}), 100)).toEqual({
      body: { max_completion_tokens: 100 },
      clamped: true,
      added: true,
    });
    expect(clampOutputTokens(req("chat", { max_tokens: 50 }), 100).added).toBe(false);
  });
  it("leaves a smaller cap, and operations without one, alone", () => {
    expect(clampOutputTokens(req("messages", { max_tokens: 10 }), 100)).toEqual({
      body: { max_tokens: 10 },
      clamped: false,
      added: false,
    });
    expect(clampOutputTokens(req("embeddings", { input: "x" }), 100).clamped).toBe(false);
    expect(clampOutputTokens(req("chat", { max_tokens: 5000 }), undefined).clamped).toBe(false);
  });
});

describe("clampOutputTokens with several completions", () => {
  it("security: n choices share the request's output-token limit instead of each getting all of it", () => {
    expect(clampOutputTokens(req("chat", { n: 4, max_tokens: 5000 }), 1000).body).toEqual({
      n: 4,
      max_tokens: 250,
    });
    expect(clampOutputTokens(req("completions", { best_of: 5, n: 2 }), 100).body).toEqual({
      best_of: 5,
      n: 2,
      max_tokens: 20,
    });
  });
  it("security: more completions than the limit has tokens is refused, not rounded up", () => {
    expect(() => clampOutputTokens(req("chat", { n: 128 }), 100)).toThrow(/at most 100 output tokens/);
  });
  it("counts n = 1 and a missing n as one completion", () => {
    expect(clampOutputTokens(req("chat", { n: 1, max_tokens: 500 }), 100).body).toEqual({
      n: 1,
      max_tokens: 100,
    });
  });
});

const LLAMA = "meta.llama3-1-70b-instruct-v1:0";
const TITAN = "amazon.titan-text-express-v1";
const NOVA = "us.amazon.nova-pro-v1:0";

const invoke = (
  model: string,
  body: Record<string, unknown>,
  operation: "invoke" | "invoke_stream" = "invoke",
): InboundRequest => ({
  surface: "bedrock",
  operation,
  model,
  stream: operation === "invoke_stream",
  body,
  passHeaders: {},
});

describe("clampOutputTokens on InvokeModel, by model family", () => {
  it("Llama: max_gen_len is lowered, added when missing (never max_tokens), and a smaller one stays", () => {
    expect(clampOutputTokens(invoke(LLAMA, { prompt: "p", max_gen_len: 2048 }), 100)).toEqual({
      body: { prompt: "p", max_gen_len: 100 },
      clamped: true,
      added: false,
    });
    expect(clampOutputTokens(invoke(LLAMA, { prompt: "p" }, "invoke_stream"), 100)).toEqual({
      body: { prompt: "p", max_gen_len: 100 },
      clamped: true,
      added: true,
    });
    expect(clampOutputTokens(invoke(LLAMA, { prompt: "p", max_gen_len: 10 }), 100)).toEqual({
      body: { prompt: "p", max_gen_len: 10 },
      clamped: false,
      added: false,
    });
  });
  it("Titan: textGenerationConfig.maxTokenCount is lowered, added beside the other settings, and a smaller one stays", () => {
    const lowered = clampOutputTokens(
      invoke(TITAN, { inputText: "p", textGenerationConfig: { maxTokenCount: 8192, topP: 0.9 } }),
      100,
    );
    expect(lowered.body).toEqual({ inputText: "p", textGenerationConfig: { maxTokenCount: 100, topP: 0.9 } });
    expect(lowered.clamped).toBe(true);
    const added = clampOutputTokens(
      invoke(TITAN, { inputText: "p", textGenerationConfig: { topP: 0.9 } }),
      100,
    );
    expect(added).toEqual({
      body: { inputText: "p", textGenerationConfig: { topP: 0.9, maxTokenCount: 100 } },
      clamped: true,
      added: true,
    });
    expect(clampOutputTokens(invoke(TITAN, { inputText: "p" }), 100).body).toEqual({
      inputText: "p",
      textGenerationConfig: { maxTokenCount: 100 },
    });
    const small = { inputText: "p", textGenerationConfig: { maxTokenCount: 5 } };
    expect(clampOutputTokens(invoke(TITAN, small), 100)).toEqual({
      body: small,
      clamped: false,
      added: false,
    });
  });
  it("Nova: either spelling of the cap is lowered; a missing one is added in the body's own spelling", () => {
    const messages = [{ role: "user", content: [{ text: "p" }] }];
    expect(
      clampOutputTokens(invoke(NOVA, { messages, inferenceConfig: { max_new_tokens: 5000 } }), 100).body,
    ).toEqual({ messages, inferenceConfig: { max_new_tokens: 100 } });
    expect(
      clampOutputTokens(invoke(NOVA, { messages, inferenceConfig: { maxTokens: 5000 } }), 100).body,
    ).toEqual({
      messages,
      inferenceConfig: { maxTokens: 100 },
    });
    const v1 = { schemaVersion: "messages-v1", messages, inferenceConfig: { top_p: 0.9 } };
    expect(clampOutputTokens(invoke(NOVA, v1), 100)).toEqual({
      body: { ...v1, inferenceConfig: { top_p: 0.9, max_new_tokens: 100 } },
      clamped: true,
      added: true,
    });
    expect(clampOutputTokens(invoke(NOVA, { messages }), 100).body).toEqual({
      messages,
      inferenceConfig: { maxTokens: 100 },
    });
    const small = { messages, inferenceConfig: { max_new_tokens: 7 } };
    expect(clampOutputTokens(invoke(NOVA, small), 100)).toEqual({
      body: small,
      clamped: false,
      added: false,
    });
  });
  it("reads the family from ARNs and inference profiles, and from the body's keys when the id is an alias", () => {
    const arn = "arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-8b-instruct-v1:0";
    expect(clampOutputTokens(invoke(arn, { prompt: "p" }), 100).body).toEqual({
      prompt: "p",
      max_gen_len: 100,
    });
    const profile = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.amazon.nova-2-lite-v1:0";
    expect(clampOutputTokens(invoke(profile, { messages: [] }), 100).body).toEqual({
      messages: [],
      inferenceConfig: { maxTokens: 100 },
    });
    expect(clampOutputTokens(invoke("fast", { prompt: "p", max_gen_len: 4096 }), 100).body).toEqual({
      prompt: "p",
      max_gen_len: 100,
    });
    expect(clampOutputTokens(invoke("cheap", { inputText: "p" }), 100).body).toEqual({
      inputText: "p",
      textGenerationConfig: { maxTokenCount: 100 },
    });
    expect(clampOutputTokens(invoke("smart", { messages: [], inferenceConfig: {} }), 100).body).toEqual({
      messages: [],
      inferenceConfig: { maxTokens: 100 },
    });
    // Claude, Mistral and a body that says nothing keep max_tokens.
    const claude = { anthropic_version: "bedrock-2023-05-31", messages: [] };
    expect(clampOutputTokens(invoke("anthropic.claude-3-5-haiku-20241022-v1:0", claude), 100).body).toEqual({
      ...claude,
      max_tokens: 100,
    });
    expect(clampOutputTokens(invoke("mistral.mistral-large-2407-v1:0", { prompt: "p" }), 100).body).toEqual({
      prompt: "p",
      max_tokens: 100,
    });
    expect(clampOutputTokens(invoke("alias", { prompt: "p" }), 100).body).toEqual({
      prompt: "p",
      max_tokens: 100,
    });
  });
  it("security: a model id that names a family is not overruled by another family's keys in the body", () => {
    const body = { prompt: "p", anthropic_version: "bedrock-2023-05-31", max_tokens: 50 };
    expect(clampOutputTokens(invoke(LLAMA, body), 100).body).toEqual({ ...body, max_gen_len: 100 });
  });
  it("security: another family's cap field the caller added is brought within the limit too", () => {
    const body = { prompt: "p", max_gen_len: 50, max_tokens: 99999, inferenceConfig: { maxTokens: 99999 } };
    expect(clampOutputTokens(invoke(LLAMA, body), 100)).toEqual({
      body: { prompt: "p", max_gen_len: 50, max_tokens: 100, inferenceConfig: { maxTokens: 100 } },
      clamped: true,
      added: false,
    });
  });
});

describe("clampOutputTokens on InvokeModel models that answer with no text", () => {
  it("adds no cap to embedding, rerank, image, video or speech bodies, whose APIs refuse unknown keys", () => {
    for (const model of [
      "amazon.titan-embed-text-v2:0",
      "cohere.embed-english-v3",
      "cohere.rerank-v3-5:0",
      "amazon.titan-image-generator-v2:0",
      "amazon.nova-canvas-v1:0",
      "us.amazon.nova-reel-v1:1",
      "stability.sd3-5-large-v1:0",
      "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
    ]) {
      const body = { inputText: "hello" };
      expect(clampOutputTokens(invoke(model, body), 100)).toEqual({ body, clamped: false, added: false });
    }
  });
});

describe("clampOutputTokens on InvokeModel with hostile caps", () => {
  it("security: a string, null or negative cap is replaced by the limit, not left for the upstream to read", () => {
    expect(clampOutputTokens(invoke(LLAMA, { prompt: "p", max_gen_len: "99999" }), 100).body).toEqual({
      prompt: "p",
      max_gen_len: 100,
    });
    expect(clampOutputTokens(invoke(LLAMA, { prompt: "p", max_gen_len: -1 }), 100).body).toEqual({
      prompt: "p",
      max_gen_len: 100,
    });
    expect(clampOutputTokens(invoke(LLAMA, { prompt: "p", max_gen_len: 0 }), 100).body).toEqual({
      prompt: "p",
      max_gen_len: 100,
    });
    expect(
      clampOutputTokens(invoke(NOVA, { messages: [], inferenceConfig: { maxTokens: null } }), 100).body,
    ).toEqual({ messages: [], inferenceConfig: { maxTokens: 100 } });
    expect(
      clampOutputTokens(
        invoke(TITAN, { inputText: "p", textGenerationConfig: { maxTokenCount: "9e9" } }),
        100,
      ).body,
    ).toEqual({ inputText: "p", textGenerationConfig: { maxTokenCount: 100 } });
  });
  it("security: a cap's parent that is not an object is replaced by one holding the cap", () => {
    for (const config of ["x", [{ maxTokenCount: 99999 }], null, 7]) {
      expect(
        clampOutputTokens(invoke(TITAN, { inputText: "p", textGenerationConfig: config }), 100).body,
      ).toEqual({
        inputText: "p",
        textGenerationConfig: { maxTokenCount: 100 },
      });
    }
    expect(clampOutputTokens(invoke(NOVA, { messages: [], inferenceConfig: ["x"] }), 100).body).toEqual({
      messages: [],
      inferenceConfig: { maxTokens: 100 },
    });
  });
  it("security: a cap under a __proto__ key or lent by a prototype is no cap; the real one is added as an own key", () => {
    const parsed = JSON.parse('{"prompt":"p","__proto__":{"max_gen_len":99999}}');
    const out = clampOutputTokens(invoke(LLAMA, parsed), 100);
    expect(Object.hasOwn(out.body, "max_gen_len") && out.body.max_gen_len).toBe(100);
    expect(Object.getPrototypeOf(out.body)).toBe(Object.prototype);
    expect(out.added).toBe(true);
    expect("max_tokens" in out.body).toBe(false);

    const nested = JSON.parse(
      '{"inputText":"p","textGenerationConfig":{"__proto__":{"maxTokenCount":99999}}}',
    );
    const titan = clampOutputTokens(invoke(TITAN, nested), 100).body.textGenerationConfig as Record<
      string,
      unknown
    >;
    expect(Object.hasOwn(titan, "maxTokenCount") && titan.maxTokenCount).toBe(100);

    const lent = Object.assign(Object.create({ max_gen_len: 5 }), { prompt: "p" });
    expect(clampOutputTokens(invoke(LLAMA, lent), 100).body).toEqual({ prompt: "p", max_gen_len: 100 });
  });
});

describe("outputTokenCap on chat", () => {
  it("security: a chat naming both cap fields reserves for the larger, whichever one the upstream obeys", () => {
    expect(outputTokenCap("chat", { max_completion_tokens: 5000, max_tokens: 10 })).toBe(5000);
    expect(outputTokenCap("chat", { max_completion_tokens: 10, max_tokens: 5000, n: 2 })).toBe(10_000);
  });
});

describe("outputTokenCap on InvokeModel", () => {
  it("reads each family's own cap field", () => {
    expect(outputTokenCap("invoke", { prompt: "p", max_gen_len: 300 })).toBe(300);
    expect(
      outputTokenCap("invoke_stream", { inputText: "p", textGenerationConfig: { maxTokenCount: 200 } }),
    ).toBe(200);
    expect(outputTokenCap("invoke", { inferenceConfig: { max_new_tokens: 150 } })).toBe(150);
    expect(outputTokenCap("invoke", { inferenceConfig: { maxTokens: 120 } })).toBe(120);
    expect(outputTokenCap("invoke", { max_tokens: 100, n: 2 })).toBe(200);
    expect(outputTokenCap("invoke", { prompt: "p" })).toBeUndefined();
  });
  it("security: a smaller cap in another family's field cannot shrink the reservation", () => {
    expect(outputTokenCap("invoke", { prompt: "p", max_tokens: 1, max_gen_len: 500 })).toBe(500);
    expect(
      outputTokenCap("invoke", { max_tokens: 1, inferenceConfig: { maxTokens: 1, max_new_tokens: 900 } }),
    ).toBe(900);
  });
  it("ignores caps that are not the body's own numbers", () => {
    expect(outputTokenCap("invoke", { max_gen_len: "500", textGenerationConfig: "x" })).toBeUndefined();
    expect(
      outputTokenCap("invoke", JSON.parse('{"__proto__":{"max_gen_len":500},"max_gen_len":-3}')),
    ).toBeUndefined();
    expect(
      outputTokenCap("invoke", Object.assign(Object.create({ max_gen_len: 1 }), { max_gen_len: 400 })),
    ).toBe(400);
  });
  it("reads back, for every family, the cap clampOutputTokens set", () => {
    const bodies: [string, Record<string, unknown>][] = [
      [LLAMA, { prompt: "p" }],
      [LLAMA, { prompt: "p", max_gen_len: 9000, max_tokens: 1 }],
      [TITAN, { inputText: "p", textGenerationConfig: "x" }],
      [NOVA, { schemaVersion: "messages-v1", messages: [] }],
      [NOVA, { messages: [], inferenceConfig: { maxTokens: 9000 } }],
      ["anthropic.claude-3-haiku-20240307-v1:0", { anthropic_version: "bedrock-2023-05-31", messages: [] }],
    ];
    for (const [model, body] of bodies) {
      expect(outputTokenCap("invoke", clampOutputTokens(invoke(model, body), 100).body)).toBe(100);
    }
  });
});

describe("clampOutputTokens on other operations", () => {
  it("security: a negative or zero cap is replaced by the limit rather than kept as smaller", () => {
    expect(clampOutputTokens(req("chat", { max_tokens: -1 }), 100).body).toEqual({ max_tokens: 100 });
    expect(clampOutputTokens(req("messages", { max_tokens: 0 }), 100).body).toEqual({ max_tokens: 100 });
  });
});
