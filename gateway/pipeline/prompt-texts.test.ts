import { describe, expect, it } from "vitest";
import { applyGuardrails } from "./apply-guardrails.js";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./json-depth.js";
import { promptTexts } from "./prompt-texts.js";
import type { InboundRequest, Operation } from "./types.js";

const texts = (operation: Operation, body: Record<string, unknown>) =>
  promptTexts(operation, body).map((s) => s.text);

describe("the text a model sees in a request", () => {
  it("OpenAI chat: string and part contents, and the tool calls and results the model reads", () => {
    const body = {
      model: "gpt-4o",
      messages: [
        { role: "system", content: "sys" },
        {
          role: "user",
          content: [
            { type: "text", text: "part" },
            { type: "image_url", image_url: { url: "data:x" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", function: { name: "f", arguments: '{"a":1}' } }],
        },
        { role: "tool", tool_call_id: "c1", content: "tool result" },
      ],
    };
    expect(texts("chat", body)).toEqual(["sys", "part", '{"a":1}', "tool result"]);
  });

  it("completions, embeddings and responses", () => {
    expect(texts("completions", { prompt: ["a", "b", 3] })).toEqual(["a", "b"]);
    expect(texts("embeddings", { input: [1, 2, 3] })).toEqual([]);
    expect(texts("embeddings", { input: "embed me" })).toEqual(["embed me"]);
    const responses = {
      instructions: "be brief",
      input: [
        { role: "user", content: [{ type: "input_text", text: "question" }] },
        { type: "function_call", call_id: "c", name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "c", output: "result" },
      ],
    };
    expect(texts("responses", responses)).toEqual(["be brief", "question", "{}", "result"]);
    expect(texts("responses", { input: "just text" })).toEqual(["just text"]);
  });

  it("Anthropic messages and count_tokens: system blocks, text blocks, tool results", () => {
    const body = {
      system: [{ type: "text", text: "sys" }],
      messages: [
        { role: "user", content: "hello" },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "from the tool" }] },
            { type: "image", source: { type: "base64", data: "iVBOR" } },
          ],
        },
      ],
    };
    expect(texts("messages", body)).toEqual(["sys", "hello", "from the tool"]);
    expect(texts("count_tokens", { system: "s", messages: [] })).toEqual(["s"]);
  });

  it("Bedrock: Converse text and tool results; InvokeModel's Claude messages, prompt or inputText", () => {
    const converse = {
      system: [{ text: "sys" }],
      messages: [
        {
          role: "user",
          content: [
            { text: "hi" },
            { toolResult: { toolUseId: "t", content: [{ text: "r" }, { json: {} }] } },
          ],
        },
      ],
    };
    expect(texts("converse_stream", converse)).toEqual(["sys", "hi", "r"]);
    expect(
      texts("invoke", {
        anthropic_version: "bedrock-2023-05-31",
        messages: [{ role: "user", content: "c" }],
      }),
    ).toEqual(["c"]);
    expect(texts("invoke_stream", { prompt: "llama" })).toEqual(["llama"]);
    expect(texts("invoke", { inputText: "titan" })).toEqual(["titan"]);
  });

  it("writes a redacted text back where it was found", () => {
    const body = { messages: [{ role: "user", content: [{ type: "text", text: "mail a@b.co" }] }] };
    const [slot] = promptTexts("chat", body);
    slot?.replace("mail [EMAIL_1]");
    expect(body.messages[0]?.content[0]?.text).toBe("mail [EMAIL_1]");
  });

  it("hostile shapes: wrong types where text goes are skipped, never thrown on", () => {
    const odd = [
      { messages: "not a list" },
      {
        messages: [
          null,
          7,
          "x",
          { content: { text: "object, not blocks" } },
          { content: [null, 3, { text: 5 }] },
        ],
      },
      { system: 42, messages: [{ content: [{ toolResult: "x" }, { toolResult: { content: "y" } }] }] },
      { prompt: { nested: true }, input: null },
    ];
    for (const body of odd) {
      for (const op of ["chat", "messages", "converse", "invoke", "completions", "responses"] as const) {
        expect(() => promptTexts(op, body)).not.toThrow();
      }
    }
    expect(texts("converse", odd[2] ?? {})).toEqual(["y"]);
  });
});

const EMAIL = "a.person@example.com";
const metrics = { guardrailHits: { inc: () => undefined } } as unknown as Parameters<
  typeof applyGuardrails
>[2];

/**
 * Runs the email guardrail (redact) on `json` as the operation's request body, as the gateway
 * does: the value is found wherever it is put, every occurrence is rewritten in place, and the
 * body is the same JSON as before but for the placeholder.
 */
function redactsEverywhere(operation: Operation, json: string) {
  const body = JSON.parse(json) as Record<string, unknown>;
  const inbound: InboundRequest = {
    surface: "openai",
    operation,
    model: "m",
    stream: false,
    passHeaders: {},
    body,
  };
  const outcome = applyGuardrails({ routes: [], guardrails: { pii: { email: "redact" } } }, inbound, metrics);
  const occurrences = json.split(EMAIL).length - 1;
  expect(outcome?.hits).toEqual([{ type: "email", kind: "pii", action: "redact", count: occurrences }]);
  const forwarded = JSON.stringify(inbound.body);
  expect(forwarded).not.toContain(EMAIL);
  expect(JSON.parse(forwarded)).toEqual(JSON.parse(json.replaceAll(EMAIL, "[EMAIL_1]")));
  return inbound.body;
}

const json = (value: unknown) => JSON.stringify(value);

describe("the text a model sees beyond the messages' text: tool calls, tool results, tool definitions", () => {
  const anthropicTurns = (assistant: unknown[]) => ({
    model: "claude",
    messages: [
      { role: "user", content: "go" },
      { role: "assistant", content: assistant },
    ],
  });
  const converseTurns = (content: unknown[]) => ({ messages: [{ role: "assistant", content }] });

  it.each<[string, Operation, unknown]>([
    [
      "Anthropic: an earlier tool_use's input",
      "messages",
      anthropicTurns([
        { type: "text", text: "calling" },
        { type: "tool_use", id: "t", name: "send", input: { to: EMAIL, cc: [EMAIL], n: 1 } },
      ]),
    ],
    [
      "Anthropic: an earlier server_tool_use's or mcp_tool_use's input",
      "messages",
      anthropicTurns([
        { type: "server_tool_use", id: "s", name: "web_search", input: { query: EMAIL } },
        { type: "mcp_tool_use", id: "m", name: "lookup", server_name: "crm", input: { who: EMAIL } },
      ]),
    ],
    [
      "Anthropic count_tokens: a tool_use's input",
      "count_tokens",
      anthropicTurns([{ type: "tool_use", id: "t", name: "f", input: { q: EMAIL } }]),
    ],
    [
      "Anthropic: a tool's description",
      "messages",
      { tools: [{ name: "send", description: `mail ${EMAIL}`, input_schema: { type: "object" } }] },
    ],
    [
      "Anthropic: a tool's input_schema",
      "messages",
      {
        tools: [
          {
            name: "send",
            input_schema: {
              type: "object",
              properties: { to: { type: "string", description: `e.g. ${EMAIL}`, enum: [EMAIL] } },
            },
          },
        ],
      },
    ],
    [
      "Bedrock Converse: an earlier toolUse's input",
      "converse",
      converseTurns([{ toolUse: { toolUseId: "t", name: "send", input: { to: [{ address: EMAIL }] } } }]),
    ],
    [
      "Bedrock Converse stream: a toolResult's json content",
      "converse_stream",
      converseTurns([
        { toolResult: { toolUseId: "t", content: [{ text: "ok" }, { json: { found: { email: EMAIL } } }] } },
      ]),
    ],
    [
      "Bedrock Converse: a tool's description and input schema",
      "converse",
      {
        toolConfig: {
          tools: [
            {
              toolSpec: {
                name: "send",
                description: `mail ${EMAIL}`,
                inputSchema: { json: { type: "object", properties: { to: { description: EMAIL } } } },
              },
            },
          ],
        },
      },
    ],
    [
      "InvokeModel, Claude: a tool_use's input and a tool's definition",
      "invoke",
      {
        anthropic_version: "bedrock-2023-05-31",
        messages: [
          { role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: { to: EMAIL } }] },
        ],
        tools: [{ name: "f", description: EMAIL, input_schema: { type: "object" } }],
      },
    ],
    [
      "InvokeModel, Nova: a toolUse's input and toolConfig",
      "invoke_stream",
      {
        messages: [
          { role: "assistant", content: [{ toolUse: { toolUseId: "t", name: "f", input: { to: EMAIL } } }] },
        ],
        toolConfig: { tools: [{ toolSpec: { name: "f", description: EMAIL, inputSchema: { json: {} } } }] },
      },
    ],
    ["InvokeModel, Cohere: the message", "invoke", { message: `write to ${EMAIL}` }],
    ["InvokeModel, Cohere: the preamble", "invoke", { message: "hi", preamble: `you are ${EMAIL}` }],
    [
      "InvokeModel, Cohere: the chat history",
      "invoke",
      {
        message: "hi",
        chat_history: [
          { role: "USER", message: EMAIL },
          { role: "CHATBOT", message: "ok" },
        ],
      },
    ],
    [
      "InvokeModel, Cohere: the documents",
      "invoke",
      { message: "hi", documents: [{ title: "contacts", snippet: `reach ${EMAIL}` }] },
    ],
    [
      "InvokeModel, Cohere: tools and tool results",
      "invoke",
      {
        message: "hi",
        tools: [{ name: "f", description: EMAIL, parameter_definitions: { to: { description: EMAIL } } }],
        tool_results: [{ call: { name: "f", parameters: { to: EMAIL } }, outputs: [{ address: EMAIL }] }],
      },
    ],
    [
      "OpenAI chat: a function tool's description and parameters",
      "chat",
      {
        messages: [{ role: "user", content: "hi" }],
        tools: [
          {
            type: "function",
            function: {
              name: "f",
              description: EMAIL,
              parameters: { properties: { to: { description: EMAIL } } },
            },
          },
        ],
      },
    ],
    [
      "OpenAI chat: a custom tool's description",
      "chat",
      { messages: [], tools: [{ type: "custom", custom: { name: "f", description: EMAIL } }] },
    ],
    [
      "OpenAI chat: legacy functions and an earlier function_call",
      "chat",
      {
        messages: [
          { role: "assistant", content: null, function_call: { name: "f", arguments: json({ to: EMAIL }) } },
        ],
        functions: [{ name: "f", description: EMAIL, parameters: { type: "object" } }],
      },
    ],
    [
      "OpenAI Responses: a function tool's description and parameters",
      "responses",
      {
        input: "hi",
        tools: [
          {
            type: "function",
            name: "f",
            description: EMAIL,
            parameters: { properties: { to: { enum: [EMAIL] } } },
          },
        ],
      },
    ],
    [
      "OpenAI Responses: a function_call_output given as content parts",
      "responses",
      {
        input: [
          { type: "function_call", call_id: "c", name: "f", arguments: "{}" },
          { type: "function_call_output", call_id: "c", output: [{ type: "input_text", text: EMAIL }] },
        ],
      },
    ],
    [
      "OpenAI Responses: an earlier custom_tool_call's input",
      "responses",
      { input: [{ type: "custom_tool_call", call_id: "c", name: "f", input: `to ${EMAIL}` }] },
    ],
  ])("%s", (_name, operation, body) => {
    redactsEverywhere(operation, json(body));
  });

  it("hostile: a tool input nested as deep as the body's depth guard is read to its bottom", () => {
    let input: unknown = { to: EMAIL };
    // body, messages, a message, its content, the block: the input is the 6th level, its innermost object the 128th.
    for (let depth = 1; depth <= MAX_JSON_DEPTH - 6; depth++) input = depth % 2 ? [input] : { deeper: input };
    const body = anthropicTurns([{ type: "tool_use", id: "t", name: "f", input }]);
    expect(nestsDeeperThan(body, MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(body, MAX_JSON_DEPTH - 1)).toBe(true);
    redactsEverywhere("messages", json(body));
  });

  it("hostile: __proto__ keys in a tool input are read and rewritten as own keys, never as the prototype", () => {
    const raw = `{"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{"__proto__":{"to":"${EMAIL}"},"x":{"__proto__":"${EMAIL}"}}}]}]}`;
    const body = redactsEverywhere("messages", raw) as {
      messages: [{ content: [{ input: Record<string, unknown> }] }];
    };
    const input = body.messages[0].content[0].input;
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(input.x)).toBe(Object.prototype);
    expect(Object.hasOwn(input.x as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).to).toBeUndefined();
  });

  it("hostile: mixtures of numbers, nulls, booleans, arrays and objects keep their shape; a string input is read whole", () => {
    redactsEverywhere(
      "messages",
      json(
        anthropicTurns([
          {
            type: "tool_use",
            id: "t",
            name: "f",
            input: [1, null, true, { a: [EMAIL, 2.5, { b: null }] }, [], {}, "x"],
          },
        ]),
      ),
    );
    redactsEverywhere(
      "messages",
      json(anthropicTurns([{ type: "tool_use", id: "t", name: "f", input: `mail ${EMAIL}` }])),
    );
    redactsEverywhere(
      "converse",
      json(
        converseTurns([
          { toolUse: { toolUseId: "t", name: "f", input: EMAIL } },
          { toolResult: { content: [{ json: EMAIL }] } },
        ]),
      ),
    );
  });

  it("hostile: wrong types where tools and tool inputs go are skipped, never thrown on", () => {
    const odd = [
      { tools: "x", functions: 3, toolConfig: { tools: "y" } },
      {
        tools: [
          null,
          5,
          "s",
          { function: "x", custom: 1, toolSpec: 2 },
          { input_schema: 7, parameters: null },
        ],
      },
      { toolConfig: { tools: [null, { toolSpec: { inputSchema: "z" } }] } },
      {
        messages: [
          {
            content: [{ type: "tool_use" }, { toolUse: 5 }, { toolResult: { content: [null, { json: 7 }] } }],
          },
        ],
      },
      { chat_history: [null, 3, { message: 4 }], documents: "d", tool_results: 9, message: null },
      {
        input: [
          null,
          { type: "function_call_output", output: [null, 1] },
          { type: "custom_tool_call", input: {} },
        ],
      },
    ];
    for (const body of odd) {
      for (const op of ["chat", "messages", "converse", "invoke", "responses", "count_tokens"] as const) {
        expect(() => promptTexts(op, body)).not.toThrow();
      }
    }
    expect(texts("invoke", odd[4] ?? {})).toEqual(["d"]);
  });
});
