import type { Operation } from "./types.js";

/** A string inside a request body that the model reads, and how to put a redacted one back. */
export interface TextSlot {
  text: string;
  replace(text: string): void;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Each string of `holder[key]`: itself if a string, its string elements if an array. */
function strings(holder: unknown, key: string, out: TextSlot[]): void {
  if (!isObject(holder)) return;
  const value = holder[key];
  if (typeof value === "string") {
    out.push({ text: value, replace: (t) => (holder[key] = t) });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item === "string") out.push({ text: item, replace: (t) => (value[i] = t) });
    });
  }
}

/** `holder[key]` as content: a string, or blocks whose text (and tool results' text) the model reads. */
function content(holder: unknown, key: string, out: TextSlot[]): void {
  if (!isObject(holder)) return;
  const value = holder[key];
  if (typeof value === "string") {
    strings(holder, key, out);
    return;
  }
  if (!Array.isArray(value)) return;
  for (const block of value) {
    if (!isObject(block)) continue;
    strings(block, "text", out); // OpenAI text parts, Anthropic text blocks, Bedrock { text }
    strings(block, "output", out); // Responses function_call_output
    strings(block, "arguments", out); // Responses function_call (tool arguments the model wrote)
    content(block, "content", out); // Anthropic tool_result, Responses message items
    if (isObject(block.toolResult)) content(block.toolResult, "content", out); // Bedrock Converse
  }
}

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
