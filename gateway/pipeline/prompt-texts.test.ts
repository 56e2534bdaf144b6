import { describe, expect, it } from "vitest";
import { promptTexts } from "./prompt-texts.js";
import type { Operation } from "./types.js";

const texts = (operation: Operation, body: Record<string, unknown>) =>
  promptTexts(operation, body).map((s) => s.text);

describe("the text a model sees in a request", () => {
  it("OpenAI chat: string and part contents, and the tool calls and results the model reads", () => {
    const body = {
      model: "gpt-4o",
      messages: [
        { role: "system", content: "sys" },
        {
          role: "user",
          content: [
            { type: "text", text: "part" },
            { type: "image_url", image_url: { url: "data:x" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", function: { name: "f", arguments: '{"a":1}' } }],
        },
        { role: "tool", tool_call_id: "c1", content: "tool result" },
      ],
    };
    expect(texts("chat", body)).toEqual(["sys", "part", '{"a":1}', "tool result"]);
  });

  it("completions, embeddings and responses", () => {
    expect(texts("completions", { prompt: ["a", "b", 3] })).toEqual(["a", "b"]);
    expect(texts("embeddings", { input: [1, 2, 3] })).toEqual([]);
    expect(texts("embeddings", { input: "embed me" })).toEqual(["embed me"]);
    const responses = {
      instructions: "be brief",
      input: [
        { role: "user", content: [{ type: "input_text", text: "question" }] },
        { type: "function_call", call_id: "c", name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "c", output: "result" },
      ],
    };
    expect(texts("responses", responses)).toEqual(["be brief", "question", "{}", "result"]);
    expect(texts("responses", { input: "just text" })).toEqual(["just text"]);
  });

  it("Anthropic messages and count_tokens: system blocks, text blocks, tool results", () => {
    const body = {
      system: [{ type: "text", text: "sys" }],
      messages: [
        { role: "user", content: "hello" },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "from the tool" }] },
            { type: "image", source: { type: "base64", data: "iVBOR" } },
          ],
        },
      ],
    };
    expect(texts("messages", body)).toEqual(["sys", "hello", "from the tool"]);
    expect(texts("count_tokens", { system: "s", messages: [] })).toEqual(["s"]);
  });

  it("Bedrock: Converse text and tool results; InvokeModel's Claude messages, prompt or inputText", () => {
    const converse = {
      system: [{ text: "sys" }],
      messages: [
        {
          role: "user",
          content: [
            { text: "hi" },
            { toolResult: { toolUseId: "t", content: [{ text: "r" }, { json: {} }] } },
          ],
        },
      ],
    };
    expect(texts("converse_stream", converse)).toEqual(["sys", "hi", "r"]);
    expect(
      texts("invoke", {
        anthropic_version: "bedrock-2023-05-31",
        messages: [{ role: "user", content: "c" }],
      }),
    ).toEqual(["c"]);
    expect(texts("invoke_stream", { prompt: "llama" })).toEqual(["llama"]);
    expect(texts("invoke", { inputText: "titan" })).toEqual(["titan"]);
  });

  it("writes a redacted text back where it was found", () => {
    const body = { messages: [{ role: "user", content: [{ type: "text", text: "mail a@b.co" }] }] };
    const [slot] = promptTexts("chat", body);
    slot?.replace("mail [EMAIL_1]");
    expect(body.messages[0]?.content[0]?.text).toBe("mail [EMAIL_1]");
  });

  it("hostile shapes: wrong types where text goes are skipped, never thrown on", () => {
    const odd = [
      { messages: "not a list" },
      {
        messages: [
          null,
          7,
          "x",
          { content: { text: "object, not blocks" } },
          { content: [null, 3, { text: 5 }] },
        ],
      },
      { system: 42, messages: [{ content: [{ toolResult: "x" }, { toolResult: { content: "y" } }] }] },
      { prompt: { nested: true }, input: null },
    ];
    for (const body of odd) {
      for (const op of ["chat", "messages", "converse", "invoke", "completions", "responses"] as const) {
        expect(() => promptTexts(op, body)).not.toThrow();
      }
    }
    expect(texts("converse", odd[2] ?? {})).toEqual(["y"]);
  });
});
