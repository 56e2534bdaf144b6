import { describe, expect, it } from "vitest";
import { callUpstream } from "../pipeline/call-upstream.js";
import type { InboundRequest, Target } from "../pipeline/types.js";
import type { RuntimeProvider } from "../snapshot.js";
import { openaiTranslator } from "./openai.js";
import { openaiEndpoint } from "./openai-endpoint.js";
import { HOSTILE_SEGMENTS, ORDINARY_SEGMENTS } from "./testing/hostile-segments.js";

const azure: RuntimeProvider = {
  id: "ns/azure",
  provider: "azure-openai",
  baseURL: "https://contoso.openai.azure.com/",
  region: undefined,
  credential: "azure-api-key-0123456789",
};

describe("openaiEndpoint (Azure OpenAI)", () => {
  it.each(HOSTILE_SEGMENTS)("security: refuses deployment %j (%s) with a 400 on model", (model) => {
    expect(() => openaiEndpoint(azure, "chat", model)).toThrow(
      expect.objectContaining({ kind: "invalid_request", status: 400, details: { param: "model" } }),
    );
  });

  it.each(ORDINARY_SEGMENTS)("puts deployment %s in its own path segment", (model) => {
    const { url, headers } = openaiEndpoint(azure, "chat", model);
    const path = new URL(url).pathname;
    expect(path).toBe(`/openai/deployments/${encodeURIComponent(model)}/chat/completions`);
    expect(headers["api-key"]).toBe(azure.credential);
  });

  it("security: a '..' deployment sends nothing upstream", async () => {
    const inbound: InboundRequest = {
      surface: "openai",
      operation: "chat",
      model: "..",
      stream: false,
      body: { model: "..", messages: [] },
      passHeaders: {},
    };
    const target: Target = { provider: azure, model: "..", timeoutMs: 1000 };
    const sent: string[] = [];
    const err = await callUpstream([target], (t) => openaiTranslator.request(inbound, t), {
      signal: new AbortController().signal,
      fetchImpl: (async (url: string | URL | Request) => {
        sent.push(String(url));
        return new Response("{}");
      }) as typeof fetch,
    }).catch((e) => e);
    expect(err).toMatchObject({ status: 400 });
    expect(sent).toEqual([]);
  });

  it("leaves OpenAI and OpenAI-compatible URLs alone: the model travels in the body", () => {
    const openai: RuntimeProvider = { ...azure, provider: "openai", baseURL: undefined };
    expect(openaiEndpoint(openai, "chat", "..").url).toBe("https://api.openai.com/v1/chat/completions");
  });
});
