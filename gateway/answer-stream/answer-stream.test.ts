import { describe, expect, it } from "vitest";
import { EventStreamDecoder, encodeEventStreamMessage } from "../aws/event-stream.js";
import { compileGuardrails, type Hit, RedactionState } from "../guardrails/index.js";
import type { Operation, SurfaceName } from "../pipeline/types.js";
import { SseParser } from "../streaming/sse-parser.js";
import { AnswerChannels } from "./answer-channels.js";
import { answerStreamFor } from "./answer-stream.js";
import type { AnswerStream } from "./types.js";

const EMAIL = "jane.doe@example.com";
const CARD = "4111 1111 1111 1111";
const encoder = new TextEncoder();

function guardrails() {
  const compiled = compileGuardrails({ pii: { email: "redact", card: "block" } });
  if (!compiled.ok) throw new Error("does not compile");
  return compiled.guardrails;
}

function checker(surface: SurfaceName, operation: Operation, state = new RedactionState()) {
  const found: Hit[] = [];
  const channels = new AnswerChannels(guardrails(), state, (findings) => {
    for (const f of findings) found.push({ type: f.type, kind: f.kind, action: f.action, count: 1 });
  });
  const stream = answerStreamFor(surface, operation, channels);
  if (!stream) throw new Error("no stream checker");
  return { stream, found };
}

/** Feeds `bytes` in pieces of `size` bytes, then ends: what the caller would receive. */
function run(stream: AnswerStream, bytes: Uint8Array, size: number): Buffer {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(...stream.push(bytes.subarray(at, at + size)));
  out.push(...stream.end());
  return Buffer.concat(out);
}

/** One Bedrock event-stream event. */
const frame = (eventType: string, body: unknown) =>
  encodeEventStreamMessage({
    headers: { ":message-type": "event", ":event-type": eventType, ":content-type": "application/json" },
    body: encoder.encode(JSON.stringify(body)),
  });

/** Text split into pieces the way models stream: a few characters each. */
const pieces = (text: string, n = 3) => text.match(new RegExp(`[\\s\\S]{1,${n}}`, "g")) ?? [];

const sse = (events: { event?: string; data: unknown }[]) =>
  encoder.encode(
    events
      .map(
        (e) =>
          `${e.event ? `event: ${e.event}\n` : ""}data: ${typeof e.data === "string" ? e.data : JSON.stringify(e.data)}\n\n`,
      )
      .join(""),
  );

function sseData(bytes: Buffer): { event: string | undefined; data: string }[] {
  const parser = new SseParser();
  return [...parser.push(bytes), ...[parser.flush()].filter((e) => e !== undefined)].map((e) => ({
    event: e.event,
    data: e.data,
  }));
}

const answer = `Write to ${EMAIL} today; a copy went to ${EMAIL}. ${"More text. ".repeat(40)}The end.`;
const redacted = answer.replaceAll(EMAIL, "[EMAIL_1]");

function chatStream(text: string) {
  const envelope = { id: "c1", object: "chat.completion.chunk", created: 1, model: "m" };
  return sse([
    {
      data: {
        ...envelope,
        choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
      },
    },
    ...pieces(text).map((p) => ({
      data: { ...envelope, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] },
    })),
    { data: { ...envelope, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] } },
    { data: { ...envelope, choices: [], usage: { prompt_tokens: 3, completion_tokens: 9 } } },
    { data: "[DONE]" },
  ]);
}

describe("streamed answers: OpenAI Chat Completions", () => {
  it.each([1, 7, 64, 100_000])("redacts a value split across chunks (read %i bytes at a time)", (size) => {
    const { stream, found } = checker("openai", "chat");
    const events = sseData(run(stream, chatStream(answer), size));
    const docs = events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));
    const text = docs.map((d) => d.choices[0]?.delta?.content ?? "").join("");
    expect(text).toBe(redacted);
    // The held text arrives before finish_reason, in the chunk that carries it.
    const last = docs.findIndex((d) => d.choices[0]?.finish_reason === "stop");
    expect(docs.slice(last + 1).every((d) => (d.choices[0]?.delta?.content ?? "") === "")).toBe(true);
    expect(events.at(-1)?.data).toBe("[DONE]");
    expect(docs.at(-1)?.usage).toEqual({ prompt_tokens: 3, completion_tokens: 9 });
    expect(found.filter((h) => h.type === "email")).toHaveLength(2);
  });

  it("uses the request's placeholders: a value redacted in the prompt reads the same in the answer", () => {
    const state = new RedactionState();
    const prompt = guardrails().inspect([`mail bob@example.org and ${EMAIL}`], state);
    expect(prompt.texts[0]).toBe("mail [EMAIL_1] and [EMAIL_2]");
    const { stream } = checker("openai", "chat", state);
    const docs = sseData(run(stream, chatStream(`to ${EMAIL}`), 5))
      .filter((e) => e.data !== "[DONE]")
      .map((e) => JSON.parse(e.data));
    expect(docs.map((d) => d.choices[0]?.delta?.content ?? "").join("")).toBe("to [EMAIL_2]");
  });

  it("redacts tool-call arguments, each call on its own", () => {
    const envelope = { id: "c1", object: "chat.completion.chunk", created: 1, model: "m" };
    const args = JSON.stringify({ to: EMAIL, body: "hi" });
    const bytes = sse([
      ...pieces(args, 4).map((p) => ({
        data: {
          ...envelope,
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { arguments: p } }] },
              finish_reason: null,
            },
          ],
        },
      })),
      { data: { ...envelope, choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] } },
      { data: "[DONE]" },
    ]);
    const { stream } = checker("openai", "chat");
    const docs = sseData(run(stream, bytes, 10))
      .filter((e) => e.data !== "[DONE]")
      .map((e) => JSON.parse(e.data));
    const joined = docs
      .flatMap((d) => d.choices[0]?.delta?.tool_calls ?? [])
      .map((c: { function: { arguments: string } }) => c.function.arguments)
      .join("");
    expect(JSON.parse(joined)).toEqual({ to: "[EMAIL_1]", body: "hi" });
  });

  it("security: cuts the answer at a blocked value; nothing of it, nor anything after, is sent", () => {
    const { stream, found } = checker("openai", "chat");
    const out = run(stream, chatStream(`Card: ${CARD} and then ${EMAIL}${" filler".repeat(60)}`), 16);
    expect(stream.blocked).toMatchObject({ reason: "finding", type: "card" });
    const text = out.toString();
    expect(text).not.toMatch(/4111|1111 1111/);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain("[DONE]");
    expect(found).toContainEqual({ type: "card", kind: "pii", action: "block", count: 1 });
  });

  it("security: drops what is not a chunk (non-JSON data) instead of passing it unchecked", () => {
    const { stream } = checker("openai", "chat");
    const out = run(stream, sse([{ data: `plain ${EMAIL}` }, { data: "[DONE]" }]), 1000).toString();
    expect(out).not.toContain(EMAIL);
    expect(out).toContain("[DONE]");
  });
});

describe("streamed answers: OpenAI Completions and Responses", () => {
  it("redacts a completion's text", () => {
    const { stream } = checker("openai", "completions");
    const bytes = sse([
      ...pieces(answer).map((p) => ({
        data: { id: "x", choices: [{ index: 0, text: p, finish_reason: null }] },
      })),
      { data: { id: "x", choices: [{ index: 0, text: "", finish_reason: "length" }] } },
      { data: "[DONE]" },
    ]);
    const docs = sseData(run(stream, bytes, 33))
      .filter((e) => e.data !== "[DONE]")
      .map((e) => JSON.parse(e.data));
    expect(docs.map((d) => d.choices[0]?.text ?? "").join("")).toBe(redacted);
  });

  it("redacts Responses deltas, done texts and the final response; sequence numbers stay in order", () => {
    let n = 0;
    const at = { item_id: "msg_1", output_index: 0, content_index: 0 };
    const bytes = sse([
      {
        event: "response.created",
        data: { type: "response.created", sequence_number: n++, response: { output: [] } },
      },
      ...pieces(answer, 5).map((p) => ({
        event: "response.output_text.delta",
        data: { type: "response.output_text.delta", ...at, delta: p, sequence_number: n++ },
      })),
      {
        event: "response.output_text.done",
        data: { type: "response.output_text.done", ...at, text: answer, sequence_number: n++ },
      },
      {
        event: "response.output_item.done",
        data: {
          type: "response.output_item.done",
          output_index: 0,
          item: { id: "msg_1", type: "message", content: [{ type: "output_text", text: answer }] },
          sequence_number: n++,
        },
      },
      {
        event: "response.completed",
        data: {
          type: "response.completed",
          sequence_number: n++,
          response: { output: [{ type: "message", content: [{ type: "output_text", text: answer }] }] },
        },
      },
    ]);
    const { stream } = checker("openai", "responses");
    const events = sseData(run(stream, bytes, 50)).map((e) => ({ event: e.event, doc: JSON.parse(e.data) }));
    const deltas = events.filter((e) => e.event === "response.output_text.delta").map((e) => e.doc.delta);
    expect(deltas.join("")).toBe(redacted);
    const byType = (t: string) => events.find((e) => e.event === t)?.doc;
    expect(byType("response.output_text.done")?.text).toBe(redacted);
    expect(byType("response.output_item.done")?.item.content[0].text).toBe(redacted);
    expect(byType("response.completed")?.response.output[0].content[0].text).toBe(redacted);
    const numbers = events.map((e) => e.doc.sequence_number);
    expect(numbers).toEqual(numbers.map((_, i) => i));
  });
});

describe("streamed answers: Anthropic Messages", () => {
  it("redacts text blocks and sends held text before each block stops", () => {
    const bytes = sse([
      {
        event: "message_start",
        data: { type: "message_start", message: { content: [], usage: { input_tokens: 3 } } },
      },
      {
        event: "content_block_start",
        data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      },
      ...pieces(answer, 4).map((p) => ({
        event: "content_block_delta",
        data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: p } },
      })),
      { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
      {
        event: "message_delta",
        data: { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 9 } },
      },
      { event: "message_stop", data: { type: "message_stop" } },
    ]);
    const { stream } = checker("anthropic", "messages");
    const events = sseData(run(stream, bytes, 13)).map((e) => ({ event: e.event, doc: JSON.parse(e.data) }));
    const text = events
      .filter((e) => e.event === "content_block_delta")
      .map((e) => e.doc.delta.text)
      .join("");
    expect(text).toBe(redacted);
    const stop = events.findIndex((e) => e.event === "content_block_stop");
    expect(events.slice(stop).some((e) => e.event === "content_block_delta")).toBe(false);
    expect(events.map((e) => e.event).at(-1)).toBe("message_stop");
    // Every event is named by its type, as Anthropic's SDK expects.
    for (const e of events) expect(e.event).toBe(e.doc.type);
  });
});

describe("streamed answers: tool inputs the model writes", () => {
  const input = JSON.stringify({ to: EMAIL, subject: "hello", body: "see you" });

  it("Anthropic: a tool_use block's input JSON is redacted and stays JSON", () => {
    const bytes = sse([
      {
        event: "content_block_start",
        data: {
          type: "content_block_start",
          index: 1,
          content_block: { type: "tool_use", id: "t", name: "send", input: {} },
        },
      },
      ...pieces(input, 5).map((p) => ({
        event: "content_block_delta",
        data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: p } },
      })),
      { event: "content_block_stop", data: { type: "content_block_stop", index: 1 } },
      { event: "message_stop", data: { type: "message_stop" } },
    ]);
    const { stream } = checker("anthropic", "messages");
    const json = sseData(run(stream, bytes, 9))
      .map((e) => JSON.parse(e.data))
      .filter((d) => d.type === "content_block_delta")
      .map((d) => d.delta.partial_json)
      .join("");
    expect(JSON.parse(json)).toEqual({ to: "[EMAIL_1]", subject: "hello", body: "see you" });
  });

  it("Bedrock Converse: a toolUse block's input is redacted", () => {
    const bytes = Buffer.concat([
      frame("contentBlockStart", {
        contentBlockIndex: 0,
        start: { toolUse: { toolUseId: "t", name: "send" } },
      }),
      ...pieces(input, 7).map((p) =>
        frame("contentBlockDelta", { contentBlockIndex: 0, delta: { toolUse: { input: p } } }),
      ),
      frame("contentBlockStop", { contentBlockIndex: 0 }),
      frame("messageStop", { stopReason: "tool_use" }),
    ]);
    const { stream } = checker("bedrock", "converse_stream");
    const json = new EventStreamDecoder()
      .push(run(stream, bytes, 50))
      .map((m) => JSON.parse(Buffer.from(m.body).toString()))
      .map((d) => d.delta?.toolUse?.input ?? "")
      .join("");
    expect(JSON.parse(json)).toEqual({ to: "[EMAIL_1]", subject: "hello", body: "see you" });
  });
});

describe("streamed answers: Bedrock event streams", () => {
  const decode = (bytes: Buffer) =>
    new EventStreamDecoder().push(bytes).map((m) => ({
      type: String(m.headers[":event-type"]),
      doc: JSON.parse(Buffer.from(m.body).toString()),
    }));

  it("ConverseStream: redacts content blocks; the frames decode with valid CRCs", () => {
    const bytes = Buffer.concat([
      frame("messageStart", { role: "assistant" }),
      ...pieces(answer, 6).map((p) =>
        frame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: p } }),
      ),
      frame("contentBlockStop", { contentBlockIndex: 0 }),
      frame("messageStop", { stopReason: "end_turn" }),
      frame("metadata", { usage: { inputTokens: 3, outputTokens: 9 } }),
    ]);
    const { stream } = checker("bedrock", "converse_stream");
    const events = decode(run(stream, bytes, 77));
    const text = events
      .filter((e) => e.type === "contentBlockDelta")
      .map((e) => e.doc.delta.text)
      .join("");
    expect(text).toBe(redacted);
    expect(events.map((e) => e.type).slice(-3)).toEqual(["contentBlockStop", "messageStop", "metadata"]);
  });

  it("InvokeModelWithResponseStream: Claude's events and Titan's text inside base64 chunks", () => {
    const chunk = (inner: unknown) =>
      frame("chunk", { bytes: Buffer.from(JSON.stringify(inner)).toString("base64") });
    const claude = Buffer.concat([
      chunk({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
      ...pieces(answer, 5).map((p) =>
        chunk({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: p } }),
      ),
      chunk({ type: "content_block_stop", index: 0 }),
      chunk({ type: "message_stop" }),
    ]);
    const inner = (bytes: Buffer) =>
      decode(bytes).map(
        (e) => JSON.parse(Buffer.from(e.doc.bytes, "base64").toString()) as Record<string, unknown>,
      );
    const a = checker("bedrock", "invoke_stream");
    const claudeText = inner(run(a.stream, claude, 40))
      .map((d) => (d.delta as { text?: string } | undefined)?.text ?? "")
      .join("");
    expect(claudeText).toBe(redacted);

    const titan = Buffer.concat([
      ...pieces(answer, 8).map((p) => chunk({ outputText: p, index: 0, completionReason: null })),
      chunk({ outputText: "", index: 0, completionReason: "FINISH" }),
    ]);
    const b = checker("bedrock", "invoke_stream");
    expect(
      inner(run(b.stream, titan, 64))
        .map((d) => d.outputText)
        .join(""),
    ).toBe(redacted);
    // A Llama stream that ends without its stop chunk: the held text goes out as Llama's own field.
    const llama = Buffer.concat(pieces(answer, 8).map((p) => chunk({ generation: p, stop_reason: null })));
    const c = checker("bedrock", "invoke_stream");
    const llamaDocs = inner(run(c.stream, llama, 64));
    expect(llamaDocs.map((d) => d.generation ?? "").join("")).toBe(redacted);
    expect(llamaDocs.every((d) => d.delta === undefined)).toBe(true);
  });

  it("security: a blocked value in a Converse stream ends it; no frame holds the value", () => {
    const bytes = Buffer.concat(
      pieces(`pay with ${CARD} ${"now ".repeat(80)}`, 3).map((p) =>
        frame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: p } }),
      ),
    );
    const { stream } = checker("bedrock", "converse_stream");
    const out = run(stream, bytes, 100);
    expect(stream.blocked).toMatchObject({ type: "card" });
    const text = decode(out)
      .map((e) => e.doc.delta?.text ?? "")
      .join("");
    expect(text).not.toMatch(/4111|1111/);
  });
});
