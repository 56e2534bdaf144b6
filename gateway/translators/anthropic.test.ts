import { describe, expect, it } from "vitest";
import { AnthropicSseStream, anthropicTranslator } from "./anthropic.js";

const ev = (event: string, data: object) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

describe("anthropic translator", () => {
  it("reads input tokens from message_start and output tokens from message_delta, forwarding every event", () => {
    const s = new AnthropicSseStream();
    const input = [
      ev("message_start", {
        type: "message_start",
        message: { usage: { input_tokens: 12, output_tokens: 1 } },
      }),
      ev("content_block_delta", { type: "content_block_delta", delta: { type: "text_delta", text: "hi" } }),
      ev("message_delta", { type: "message_delta", usage: { output_tokens: 7 } }),
      ev("message_stop", { type: "message_stop" }),
    ];
    const out = input.flatMap((e) => s.push(Buffer.from(e))).map((b) => Buffer.from(b).toString());
    expect(out).toEqual(input);
    expect(s.usage()).toEqual({ inputTokens: 12, outputTokens: 7 });
  });

  it("sends the caller's anthropic-version and the provider key, never the caller's", async () => {
    const call = await anthropicTranslator.request(
      {
        surface: "anthropic",
        operation: "messages",
        model: "claude",
        stream: false,
        body: { model: "claude" },
        passHeaders: { "anthropic-version": "2023-06-01" },
      },
      {
        provider: {
          id: "ns/a",
          provider: "anthropic",
          baseURL: undefined,
          region: undefined,
          credential: "sk-ant-up",
        },
        model: "claude-x",
        timeoutMs: 1,
      },
    );
    expect(call.url).toBe("https://api.anthropic.com/v1/messages");
    expect(call.headers["x-api-key"]).toBe("sk-ant-up");
    expect(JSON.parse(call.body ?? "{}").model).toBe("claude-x");
  });
});
