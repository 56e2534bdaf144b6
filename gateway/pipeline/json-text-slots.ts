/** A string inside a request or answer body, and how to put a redacted one back. */
export interface TextSlot {
  text: string;
  replace(text: string): void;
}

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Each string of `holder[key]`: itself if a string, its string elements if an array. */
export function strings(holder: unknown, key: string, out: TextSlot[]): void {
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
export function content(holder: unknown, key: string, out: TextSlot[]): void {
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

/** Every string inside `holder[key]` (objects and arrays, values only): a tool call's input object. */
export function deepStrings(holder: unknown, key: string | number, out: TextSlot[], depth = 0): void {
  if (depth > 64 || typeof holder !== "object" || holder === null) return;
  const container = holder as Record<string | number, unknown>;
  const value = container[key];
  if (typeof value === "string") out.push({ text: value, replace: (t) => (container[key] = t) });
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) deepStrings(value, i, out, depth + 1);
  else if (isObject(value)) for (const k of Object.keys(value)) deepStrings(value, k, out, depth + 1);
}
