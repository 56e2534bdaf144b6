/** What the mock model "says": deterministic, so tests can assert the exact text through a relay. */
export interface PlannedReply {
  /** Word-sized pieces that join back to the reply; each streams as its own delta. */
  pieces: string[];
  text: string;
  stopReason: "end_turn" | "max_tokens";
  inputTokens: number;
  outputTokens: number;
}

/** A word counts as a token: not a real tokenizer, but stable and easy to assert. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter((word) => word !== "").length;
}

/**
 * Echoes the last user text. With a token limit below the reply's length the reply is cut
 * there and the stop reason says so, as a real model's would.
 */
export function planReply(input: {
  promptTexts: string[];
  lastUserText: string;
  maxTokens?: number;
}): PlannedReply {
  const all = `echo: ${input.lastUserText}`.match(/\s*\S+|\s+$/g) ?? [];
  const pieces = input.maxTokens === undefined ? all : all.slice(0, input.maxTokens);
  const text = pieces.join("");
  // A few tokens of framing per prompt part keeps the numbers plausible.
  const inputTokens = input.promptTexts.reduce((sum, part) => sum + 3 + countTokens(part), 0);
  return {
    pieces,
    text,
    stopReason: pieces.length < all.length ? "max_tokens" : "end_turn",
    inputTokens,
    outputTokens: countTokens(text),
  };
}
