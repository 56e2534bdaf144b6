import { describe, expect, it } from "vitest";
import { uncheckedAnswerPart } from "./unchecked-answer-parts.js";

describe("parameters that ask for a copy of the answer's text", () => {
  it("security: names log probabilities and audio output, which would carry a redacted value", () => {
    expect(uncheckedAnswerPart("chat", { logprobs: true })).toBe("logprobs");
    expect(uncheckedAnswerPart("chat", { top_logprobs: 3 })).toBe("top_logprobs");
    expect(uncheckedAnswerPart("chat", { modalities: ["text", "audio"] })).toBe("modalities");
    expect(uncheckedAnswerPart("chat", { audio: { voice: "alloy", format: "wav" } })).toBe("audio");
    expect(uncheckedAnswerPart("completions", { logprobs: 2 })).toBe("logprobs");
    expect(uncheckedAnswerPart("responses", { include: ["message.output_text.logprobs"] })).toBe("include");
    expect(uncheckedAnswerPart("responses", { top_logprobs: 5 })).toBe("top_logprobs");
  });

  it("leaves requests that turn them off, or have none, alone", () => {
    expect(uncheckedAnswerPart("chat", { logprobs: false, top_logprobs: null, modalities: ["text"] })).toBe(
      undefined,
    );
    expect(uncheckedAnswerPart("completions", { logprobs: 0 })).toBe(undefined);
    expect(uncheckedAnswerPart("responses", { include: ["reasoning.encrypted_content"] })).toBe(undefined);
    expect(uncheckedAnswerPart("messages", { logprobs: true })).toBe(undefined);
  });
});
