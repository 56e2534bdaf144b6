import type { Json } from "./json-text-slots.js";
import type { Operation } from "./types.js";

/** Set, and not the value that turns it off. */
const asked = (value: unknown) => value !== undefined && value !== null && value !== false && value !== 0;

/** Per operation: the parameters that ask for a copy of the answer's text. */
const PARTS: Partial<Record<Operation, (body: Json) => string | undefined>> = {
  chat: (body) =>
    ["logprobs", "top_logprobs", "audio"].find((p) => asked(body[p])) ??
    (Array.isArray(body.modalities) && body.modalities.includes("audio") ? "modalities" : undefined),
  completions: (body) => (asked(body.logprobs) ? "logprobs" : undefined),
  responses: (body) =>
    asked(body.top_logprobs)
      ? "top_logprobs"
      : Array.isArray(body.include) &&
          body.include.some((i) => typeof i === "string" && i.includes("logprobs"))
        ? "include"
        : undefined,
};

/**
 * The request parameter, if any, that asks for a copy of the answer's text the guardrails do not
 * rewrite: log probabilities carry each token of the text, and audio output carries a transcript
 * and the spoken text itself. Under a Policy that checks answers, such a request is refused: the
 * redacted value would reach the caller beside its placeholder.
 */
export function uncheckedAnswerPart(operation: Operation, body: Json): string | undefined {
  return PARTS[operation]?.(body);
}
