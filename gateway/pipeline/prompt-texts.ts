import { content, deepStrings, isObject, type Json, strings, type TextSlot } from "./json-text-slots.js";
import type { Operation } from "./types.js";

export type { TextSlot } from "./json-text-slots.js";

/** Each element of `holder[key]` that is an object. */
const each = (holder: unknown, key: string): Json[] =>
  isObject(holder) && Array.isArray(holder[key]) ? (holder[key] as unknown[]).filter(isObject) : [];

/** Anthropic's blocks of a tool call: the caller's tools, its server tools and MCP servers' tools. */
const toolUseTypes: ReadonlySet<unknown> = new Set(["tool_use", "server_tool_use", "mcp_tool_use"]);

/**
 * What content blocks hold beside their text: the inputs of tools the model called in earlier
 * turns (Anthropic's tool-use blocks, Converse's `toolUse`) and Converse's JSON tool results,
 * each JSON value read whole (json-text-slots.ts deepStrings).
 */
function toolBlocks(blocks: unknown, out: TextSlot[]): void {
  if (!Array.isArray(blocks)) return;
  for (const block of blocks) {
    if (!isObject(block)) continue;
    if (toolUseTypes.has(block.type)) deepStrings(block, "input", out);
    if (isObject(block.toolUse)) deepStrings(block.toolUse, "input", out);
    for (const part of each(block.toolResult, "content")) deepStrings(part, "json", out);
  }
}

/** Chat-style messages (OpenAI, Anthropic, Bedrock Converse and messages on InvokeModel). */
function messages(body: Json, out: TextSlot[]): void {
  for (const message of each(body, "messages")) {
    content(message, "content", out);
    toolBlocks(message.content, out);
    for (const call of each(message, "tool_calls")) strings(call.function, "arguments", out);
    if (isObject(message.function_call)) strings(message.function_call, "arguments", out); // OpenAI, legacy
  }
}

/** One tool's description and its parameters' schema, read whole, in whichever field its API uses. */
function toolDefinition(tool: unknown, out: TextSlot[]): void {
  if (!isObject(tool)) return;
  strings(tool, "description", out);
  deepStrings(tool, "input_schema", out); // Anthropic
  deepStrings(tool, "parameters", out); // OpenAI functions, Responses, Mistral and AI21 on InvokeModel
  deepStrings(tool, "parameter_definitions", out); // Cohere on InvokeModel
}

/**
 * The tools a request offers the model, whose descriptions and schemas it reads: flat
 * (Anthropic, Responses, Cohere, OpenAI's legacy `functions`), under `function` or `custom`
 * (OpenAI chat), or under `toolSpec` (Converse's `toolConfig.tools`). Names are left alone:
 * they are identifiers the caller's code matches the model's calls against.
 */
function toolDefinitions(tools: unknown, out: TextSlot[]): void {
  if (!Array.isArray(tools)) return;
  for (const tool of tools) {
    if (!isObject(tool)) continue;
    toolDefinition(tool, out);
    toolDefinition(tool.function, out);
    toolDefinition(tool.custom, out);
    if (isObject(tool.toolSpec)) {
      strings(tool.toolSpec, "description", out);
      deepStrings(tool.toolSpec.inputSchema, "json", out);
    }
  }
}

/** Responses input items beyond what `content` reads: outputs given as parts, custom tools' inputs. */
function responsesItems(body: Json, out: TextSlot[]): void {
  for (const item of each(body, "input")) {
    if (Array.isArray(item.output)) content(item, "output", out); // function_call_output as parts
    if (item.type === "custom_tool_call") strings(item, "input", out);
  }
}

/** Cohere's Command R chat on InvokeModel: the message, its history, preamble, documents and tool results. */
function cohere(body: Json, out: TextSlot[]): void {
  strings(body, "preamble", out);
  for (const turn of each(body, "chat_history")) {
    strings(turn, "message", out);
    deepStrings(turn, "tool_calls", out);
    deepStrings(turn, "tool_results", out);
  }
  strings(body, "message", out);
  deepStrings(body, "documents", out);
  deepStrings(body, "tool_results", out);
}

/**
 * The text a model sees in a request, per operation: messages, system prompts, tool results
 * and tool arguments, the tools offered (descriptions and schemas), prompts and embedding
 * inputs. Images, audio, files and token arrays are left alone (no text to read); so are values
 * that are not where the API puts text. Each value is read once, so the cost is linear in the body.
 */
export function promptTexts(operation: Operation, body: Json): TextSlot[] {
  const out: TextSlot[] = [];
  switch (operation) {
    case "chat":
      toolDefinitions(body.tools, out);
      toolDefinitions(body.functions, out);
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
      toolDefinitions(body.tools, out);
      content(body, "input", out);
      responsesItems(body, out);
      break;
    case "messages":
    case "count_tokens":
    case "converse":
    case "converse_stream":
      content(body, "system", out);
      toolDefinitions(body.tools, out);
      if (isObject(body.toolConfig)) toolDefinitions(body.toolConfig.tools, out);
      messages(body, out);
      break;
    case "invoke":
    case "invoke_stream":
      // The body is the model family's own: Claude's or Nova's messages, a prompt, Titan's
      // inputText, Cohere's message or texts; the tools any of them offer.
      content(body, "system", out);
      toolDefinitions(body.tools, out);
      if (isObject(body.toolConfig)) toolDefinitions(body.toolConfig.tools, out);
      messages(body, out);
      strings(body, "prompt", out);
      strings(body, "inputText", out);
      strings(body, "texts", out);
      cohere(body, out);
      break;
  }
  return out;
}
