import { describe, expect, it } from "vitest";
import { answerTexts } from "./answer-texts.js";
import type { Operation } from "./types.js";

const texts = (operation: Operation, doc: Record<string, unknown>) =>
  answerTexts(operation, doc).map((s) => s.text);

describe("the text of a complete answer, in the caller's shape", () => {
  it("OpenAI chat, completions and responses, tool arguments included", () => {
    expect(
      texts("chat", {
        choices: [
          { message: { content: "hi", tool_calls: [{ function: { name: "f", arguments: '{"to":"x"}' } }] } },
          { message: { content: null, refusal: "no" } },
        ],
      }),
    ).toEqual(["hi", '{"to":"x"}', "no"]);
    expect(texts("completions", { choices: [{ text: "a" }, { text: "b" }] })).toEqual(["a", "b"]);
    expect(
      texts("responses", {
        output: [
          { type: "message", content: [{ type: "output_text", text: "out" }] },
          { type: "function_call", arguments: "{}" },
        ],
      }),
    ).toEqual(["out", "{}"]);
  });

  it("Anthropic messages, Bedrock Converse and InvokeModel's families", () => {
    expect(
      texts("messages", {
        content: [
          { type: "text", text: "claude" },
          { type: "tool_use", input: { to: "a@b.example", cc: ["c"], n: 1, nested: { note: "d" } } },
        ],
      }),
    ).toEqual(["claude", "a@b.example", "c", "d"]);
    expect(
      texts("converse", {
        output: {
          message: {
            content: [{ text: "conv" }, { toolUse: { toolUseId: "t", name: "f", input: { q: "e" } } }],
          },
        },
      }),
    ).toEqual(["conv", "e"]);
    expect(texts("invoke", { results: [{ outputText: "titan" }] })).toEqual(["titan"]);
    expect(texts("invoke", { generation: "llama" })).toEqual(["llama"]);
    expect(texts("invoke", { outputs: [{ text: "mistral" }] })).toEqual(["mistral"]);
  });

  it("nothing for answers without text, and nothing thrown on odd shapes", () => {
    expect(texts("embeddings", { data: [{ embedding: [1] }] })).toEqual([]);
    expect(texts("count_tokens", { input_tokens: 3 })).toEqual([]);
    for (const doc of [
      { choices: "x" },
      { choices: [null, { message: 5 }] },
      { output: { message: null } },
      { content: 7 },
    ]) {
      for (const op of ["chat", "responses", "converse", "messages", "invoke"] as const) {
        expect(() => answerTexts(op, doc)).not.toThrow();
      }
    }
  });
});
