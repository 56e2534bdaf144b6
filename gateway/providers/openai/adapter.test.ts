import { describe, expect, it } from "vitest";
import { openaiAdapter } from "./adapter.js";

describe("openaiAdapter", () => {
  it("targets the base URL's chat/completions with the provider credential", () => {
    const req = openaiAdapter.chatCompletions(
      {
        id: "ns/p",
        provider: "openai-compatible",
        baseURL: "http://127.0.0.1:9/v1/",
        region: undefined,
        credential: "sk-up",
      },
      { model: "m", messages: [] },
    );
    expect(req.url).toBe("http://127.0.0.1:9/v1/chat/completions");
    expect(req.headers.authorization).toBe("Bearer sk-up");
    expect(JSON.parse(req.body)).toEqual({ model: "m", messages: [] });
  });
});
