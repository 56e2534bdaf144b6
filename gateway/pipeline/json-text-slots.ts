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

/**
 * Every string inside `holder[key]` (objects and arrays, values only, in document order): a tool
 * call's input, a tool's JSON result or schema. Walked without recursion, each value once, so a
 * value nested as deep as the body may nest (json-depth.ts) is read as well as a shallow one, in
 * time linear in its size. A slot writes its string back where it was, so the value keeps its
 * shape (own `__proto__` keys, which JSON.parse makes plain properties, included).
 */
export function deepStrings(holder: unknown, key: string | number, out: TextSlot[]): void {
  if (typeof holder !== "object" || holder === null) return;
  type Container = Record<string | number, unknown>;
  const pending: [Container | unknown[], string | number][] = [[holder as Container, key]];
  for (let place = pending.pop(); place !== undefined; place = pending.pop()) {
    const container = place[0] as Container;
    const at = place[1];
    const value = container[at];
    if (typeof value === "string") out.push({ text: value, replace: (t) => (container[at] = t) });
    else if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) pending.push([value, i]);
    else if (isObject(value)) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) pending.push([value, keys[i] as string]);
    }
  }
}
