import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, type CallerAPI, type ScriptedUpstream, startScripted } from "./testing/scripted-upstream.js";

let upstream: ScriptedUpstream;

beforeAll(async () => {
  upstream = await startScripted();
});
afterAll(() => upstream.close());

/** A provider's refusal, in a JSON error body, with the given hint headers. */
const refuse =
  (status: number, hints: Record<string, string>, contentType = "application/json") =>
  (_req: unknown, res: import("node:http").ServerResponse) => {
    res
      .writeHead(status, { "content-type": contentType, ...hints })
      .end(
        contentType === "application/json"
          ? JSON.stringify({ error: { message: "slow down", type: "rate_limit_error" } })
          : "<html>busy</html>",
      );
  };

const paths: [string, CallerAPI, string, boolean][] = [
  ["OpenAI", "openai", "gpt", false],
  ["OpenAI, streaming", "openai", "gpt", true],
  ["Azure OpenAI", "azure", "azure-gpt", false],
  ["Azure OpenAI, streaming", "azure", "azure-gpt", true],
  ["Anthropic", "anthropic", "claude", false],
  ["Anthropic, streaming", "anthropic", "claude", true],
  ["Anthropic translated to Bedrock", "anthropic", "claude-bedrock", false],
  ["Anthropic translated to Bedrock, streaming", "anthropic", "claude-bedrock", true],
  ["Bedrock", "bedrock", "bedrock-model", false],
  ["Bedrock, streaming", "bedrock", "bedrock-model", true],
];

describe("issue 10: an upstream's retry-after reaches the caller", () => {
  it.each(paths)(
    "issue 10: %s: a 429's retry-after and retry-after-ms pass",
    async (_name, api, model, stream) => {
      upstream.behave(refuse(429, { "retry-after": "7", "retry-after-ms": "6500" }));
      const res = await ask(upstream.gateway, api, model, { stream });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("7");
      expect(res.headers.get("retry-after-ms")).toBe("6500");
    },
  );

  it("issue 10: a 503 with an HTML page still carries its retry-after on the caller's JSON error", async () => {
    upstream.behave(refuse(503, { "retry-after": "12" }, "text/html"));
    const res = await ask(upstream.gateway, "anthropic", "claude");
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toMatchObject({ type: "error" });
    expect(res.headers.get("retry-after")).toBe("12");
  });

  it("security: issue 10: a hostile retry-after is capped or dropped, never passed verbatim", async () => {
    upstream.behave(refuse(429, { "retry-after": "99999999999", "retry-after-ms": "soon<script>" }));
    const res = await ask(upstream.gateway, "openai", "gpt");
    expect(res.headers.get("retry-after")).toBe("3600");
    expect(res.headers.get("retry-after-ms")).toBeNull();
  });

  it("issue 10: when the fallback cannot be reached either, the refusal's retry-after still reaches the caller", async () => {
    upstream.behave(refuse(429, { "retry-after": "7" }));
    const res = await ask(upstream.gateway, "openai", "fallback");
    expect(res.status).toBe(502);
    expect(JSON.parse(res.text)).toMatchObject({ error: { message: expect.stringContaining("reached") } });
    expect(res.headers.get("retry-after")).toBe("7");
  });
});
