import { content, deepStrings, isObject, type Json, strings, type TextSlot } from "./json-text-slots.js";
import type { Operation } from "./types.js";

/** Each element of `holder[key]` that is an object. */
const each = (holder: unknown, key: string): Json[] =>
  isObject(holder) && Array.isArray(holder[key]) ? (holder[key] as unknown[]).filter(isObject) : [];

/** The inputs of the tools a model calls: Anthropic's `tool_use` blocks, Converse's `toolUse`. */
function toolInputs(blocks: unknown, out: TextSlot[]): void {
  if (!Array.isArray(blocks)) return;
  for (const block of blocks) {
    if (!isObject(block)) continue;
    if (block.type === "tool_use") deepStrings(block, "input", out);
    if (isObject(block.toolUse)) deepStrings(block.toolUse, "input", out);
  }
}

/**
 * The text of a complete answer, in the caller's API shape (after translation), per operation:
 * what the model wrote, including the arguments of tools it calls. Embeddings and token counts
 * carry no text.
 */
export function answerTexts(operation: Operation, doc: Json): TextSlot[] {
  const out: TextSlot[] = [];
  switch (operation) {
    case "chat":
      for (const choice of each(doc, "choices")) {
        content(choice.message, "content", out);
        strings(choice.message, "refusal", out);
        for (const call of each(choice.message, "tool_calls")) strings(call.function, "arguments", out);
      }
      break;
    case "completions":
      for (const choice of each(doc, "choices")) strings(choice, "text", out);
      break;
    case "responses":
      for (const item of each(doc, "output")) {
        content(item, "content", out);
        strings(item, "arguments", out);
      }
      strings(doc, "output_text", out);
      break;
    case "messages":
      content(doc, "content", out);
      toolInputs(doc.content, out);
      break;
    case "converse":
      if (isObject(doc.output) && isObject(doc.output.message)) {
        content(doc.output.message, "content", out);
        toolInputs(doc.output.message.content, out);
      }
      break;
    case "invoke":
      // The model family's own shape: Claude's content, Titan's results, Llama's generation,
      // Mistral's outputs, Claude v2's completion.
      content(doc, "content", out);
      toolInputs(doc.content, out);
      for (const r of each(doc, "results")) strings(r, "outputText", out);
      for (const o of each(doc, "outputs")) strings(o, "text", out);
      strings(doc, "generation", out);
      strings(doc, "completion", out);
      break;
    default:
      break;
  }
  return out;
}
