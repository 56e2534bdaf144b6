import { content, isObject, type Json, strings, type TextSlot } from "./json-text-slots.js";
import type { Operation } from "./types.js";

export type { TextSlot } from "./json-text-slots.js";

/** Chat-style messages (OpenAI, Anthropic, Bedrock Converse and Claude on InvokeModel). */
function messages(body: Json, out: TextSlot[]): void {
  if (!Array.isArray(body.messages)) return;
  for (const message of body.messages) {
    if (!isObject(message)) continue;
    content(message, "content", out);
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) if (isObject(call)) strings(call.function, "arguments", out);
    }
  }
}

/**
 * The text a model sees in a request, per operation: messages, system prompts, tool results
 * and tool arguments, prompts and embedding inputs. Images, audio, files and token arrays are
 * left alone (no text to read); so are values that are not where the API puts text.
 */
export function promptTexts(operation: Operation, body: Json): TextSlot[] {
  const out: TextSlot[] = [];
  switch (operation) {
    case "chat":
      messages(body, out);
      break;
    case "completions":
      strings(body, "prompt", out);
      break;
    case "embeddings":
      strings(body, "input", out);
      break;
    case "responses":
      strings(body, "instructions", out);
      content(body, "input", out);
      break;
    case "messages":
    case "count_tokens":
    case "converse":
    case "converse_stream":
      content(body, "system", out);
      messages(body, out);
      break;
    case "invoke":
    case "invoke_stream":
      // The body is the model family's own: Claude's messages, or a prompt, or Titan's inputText.
      content(body, "system", out);
      messages(body, out);
      strings(body, "prompt", out);
      strings(body, "inputText", out);
      strings(body, "texts", out);
      break;
  }
  return out;
}
