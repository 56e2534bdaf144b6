import { describe, expect, it } from "vitest";
import { validateLlamaInvoke } from "./bedrock-validate.js";

const json = (value: unknown) => ({ kind: "json" as const, value });
const message = (value: unknown) => {
  const v = validateLlamaInvoke(json(value));
  return v.ok ? undefined : v.error.message;
};

describe("the mock's Meta Llama InvokeModel body, as Bedrock checks it", () => {
  it("takes a prompt and its inference parameters, max_gen_len defaulting to 512", () => {
    expect(validateLlamaInvoke(json({ prompt: "hi", max_gen_len: 40, temperature: 0.5 }))).toMatchObject({
      ok: true,
      value: { maxTokens: 40, lastUserText: "hi" },
    });
    expect(validateLlamaInvoke(json({ prompt: "hi" }))).toMatchObject({
      ok: true,
      value: { maxTokens: 512 },
    });
  });

  it("refuses another family's cap, a missing prompt and a max_gen_len out of range", () => {
    expect(message({ prompt: "hi", max_tokens: 40 })).toContain(
      "extraneous key [max_tokens] is not permitted",
    );
    expect(message({ max_gen_len: 40 })).toContain("required key [prompt] not found");
    for (const bad of [0, -1, 2049, 1.5, "40", null]) {
      expect(message({ prompt: "hi", max_gen_len: bad })).toContain("#/max_gen_len");
    }
    expect(message([])).toContain("Malformed input request");
  });
});
