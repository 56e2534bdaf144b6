import { isObject, type Json } from "../pipeline/json-text-slots.js";
import type { AnswerChannels } from "./answer-channels.js";
import type { SseOut, SseRewriter } from "./types.js";

/** The JSON of an event's data, or undefined for what is not an object. */
export function jsonData(data: string): Json | undefined {
  if (!data.startsWith("{")) return undefined;
  try {
    const doc: unknown = JSON.parse(data);
    return isObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

const CHUNK_ENVELOPE = ["id", "object", "created", "model", "system_fingerprint", "service_tier"];

/**
 * Chat Completions and (legacy) Completions chunks: each choice's content, refusal and tool-call
 * arguments (channels `c<choice>:`, `r<choice>:`, `t<choice>:<call>`) or text (completions) are
 * channels; what a channel still holds goes out in the
 * chunk that finishes its choice, so the caller has the whole text before `finish_reason`.
 */
export class OpenAIChatRewriter implements SseRewriter {
  #envelope: Json = {};

  constructor(
    private readonly channels: AnswerChannels,
    private readonly operation: "chat" | "completions",
  ) {}

  rewrite(e: SseOut): SseOut[] {
    if (e.data === "") return [];
    if (e.data.trim() === "[DONE]") return [...this.end(), e];
    const doc = jsonData(e.data);
    // Not a chunk (an error event, or what the caller's SDK cannot read either): nothing to check in it.
    if (doc === undefined) return [];
    if (!Array.isArray(doc.choices)) return [e];
    this.#envelope = Object.fromEntries(CHUNK_ENVELOPE.filter((k) => k in doc).map((k) => [k, doc[k]]));
    for (const choice of doc.choices) {
      if (!isObject(choice)) continue;
      const i = typeof choice.index === "number" ? choice.index : 0;
      if (this.operation === "completions") this.#completion(choice, i);
      else this.#chat(choice, i);
    }
    return [{ data: JSON.stringify(doc) }];
  }

  end(): SseOut[] {
    const held = this.channels.closeAll().filter(([, text]) => text !== "");
    if (held.length === 0) return [];
    const choices = new Map<number, Json>();
    for (const [channel, text] of held) {
      const i = Number(channel.slice(1).split(":")[0]);
      const choice = choices.get(i) ?? { index: i, finish_reason: null };
      choices.set(i, choice);
      if (this.operation === "completions") choice.text = `${choice.text ?? ""}${text}`;
      else {
        const delta: Json = isObject(choice.delta) ? choice.delta : {};
        choice.delta = delta;
        append(delta, channel, text);
      }
    }
    return [{ data: JSON.stringify({ ...this.#envelope, choices: [...choices.values()] }) }];
  }

  #completion(choice: Json, i: number): void {
    if (typeof choice.text === "string") choice.text = this.channels.push(`c${i}:`, choice.text);
    if (choice.finish_reason === null || choice.finish_reason === undefined) return;
    for (const [, text] of this.channels.closeAll(`c${i}:`)) choice.text = `${choice.text ?? ""}${text}`;
  }

  #chat(choice: Json, i: number): void {
    const delta = isObject(choice.delta) ? choice.delta : undefined;
    if (delta !== undefined) {
      if (typeof delta.content === "string") delta.content = this.channels.push(`c${i}:`, delta.content);
      if (typeof delta.refusal === "string") delta.refusal = this.channels.push(`r${i}:`, delta.refusal);
      if (Array.isArray(delta.tool_calls)) {
        delta.tool_calls.forEach((call: unknown, position: number) => {
          if (!isObject(call) || !isObject(call.function) || typeof call.function.arguments !== "string")
            return;
          const k = typeof call.index === "number" ? call.index : position;
          call.function.arguments = this.channels.push(`t${i}:${k}`, call.function.arguments);
        });
      }
    }
    if (choice.finish_reason === null || choice.finish_reason === undefined) return;
    const held = ["c", "r", "t"].flatMap((kind) => this.channels.closeAll(`${kind}${i}:`));
    for (const [channel, text] of held) {
      if (text === "") continue;
      const delta: Json = isObject(choice.delta) ? choice.delta : {};
      choice.delta = delta;
      append(delta, channel, text);
    }
  }
}

/** Adds a channel's held text to a chat delta: content, refusal, or its tool call's arguments. */
function append(delta: Json, channel: string, text: string): void {
  const kind = channel[0];
  if (kind === "c") delta.content = `${typeof delta.content === "string" ? delta.content : ""}${text}`;
  else if (kind === "r") delta.refusal = `${typeof delta.refusal === "string" ? delta.refusal : ""}${text}`;
  else {
    const k = Number(channel.split(":")[1]);
    const calls = Array.isArray(delta.tool_calls) ? (delta.tool_calls as unknown[]) : [];
    delta.tool_calls = calls;
    const call = calls.find((c) => isObject(c) && c.index === k);
    if (isObject(call) && isObject(call.function)) {
      const before = typeof call.function.arguments === "string" ? call.function.arguments : "";
      call.function.arguments = before + text;
    } else calls.push({ index: k, function: { arguments: text } });
  }
}
