/**
 * Every caller surface through the real stack (operator, two gateways, control plane) with
 * the official clients: OpenAI, Azure OpenAI, Anthropic (to Anthropic and to Claude on
 * Bedrock) and the Bedrock runtime (SigV4 re-signed, over HTTP/2 as the SDK speaks it).
 */
import { randomBytes } from "node:crypto";
import Anthropic from "@anthropic-ai/sdk";
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRelayKey, issuedRelayKey } from "./harness/issued-relay-key.js";
import { type Stack, startStack } from "./harness/kuberelay-stack.js";
import { waitFor } from "./harness/wait-for.js";
import { generateTestServiceAccount } from "./mock-provider/google-service-account.js";

const NS = "surfaces";
// Random in every 8-character window, so the stack's leak scan can tell a leak from a coincidence.
const anthropicKey = `sk-ant-${randomBytes(24).toString("hex")}`;
const azureKey = randomBytes(16).toString("hex");
const aws = {
  accessKeyId: "AKIAMOCKUPSTREAM0001",
  secretAccessKey: randomBytes(30).toString("base64"),
  region: "us-east-1",
};
const CLAUDE_ON_BEDROCK = "anthropic.claude-3-5-haiku-20241022-v1:0";
const CLAUDE_ON_VERTEX = "claude-sonnet-4@20250514";
const serviceAccount = generateTestServiceAccount("kuberelay-e2e");
let stack: Stack;
let relayKey = "";
const secrets = () => [
  stack.providerSecret,
  anthropicKey,
  azureKey,
  aws.secretAccessKey,
  serviceAccount.privateKeyPem.split("\n")[1] ?? "",
];

function manifests(upstream: string, vertexKey: string, openaiKey: string): string {
  const provider = (name: string, provider: string, secret: string, extra = "") => `---
apiVersion: v1
kind: Secret
metadata: { name: ${name}-cred, namespace: ${NS} }
stringData: { value: '${secret}' }
---
apiVersion: kuberelay.dev/v1alpha1
kind: ProviderKey
metadata: { name: ${name}, namespace: ${NS} }
spec:
  provider: ${provider}
  baseURL: ${upstream}
  allowPrivateNetwork: true
  credentials: { secretKeyRef: { name: ${name}-cred, key: value } }
${extra}`;
  return `apiVersion: v1
kind: Namespace
metadata: { name: ${NS} }
${provider("anthropic", "anthropic", anthropicKey)}
${provider("azure", "azure-openai", azureKey)}
${provider("bedrock", "bedrock", JSON.stringify({ accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey }), "  region: us-east-1")}
${provider("vertex", "vertex", vertexKey, "  region: us-east5")}
${provider("openai", "openai-compatible", openaiKey).replace(`baseURL: ${upstream}`, `baseURL: ${upstream}/v1`)}
---
apiVersion: kuberelay.dev/v1alpha1
kind: ProviderKey
metadata: { name: bedrock-ambient, namespace: ${NS} }
spec:
  provider: bedrock
  region: us-east-1
  baseURL: ${upstream}
  allowPrivateNetwork: true
  credentials: { ambient: true }
---
apiVersion: kuberelay.dev/v1alpha1
kind: Policy
metadata: { name: all, namespace: ${NS} }
spec:
  routes:
    - model: "claude-*"
      targets: [{ providerKeyRef: { name: anthropic } }]
    - model: bedrock-claude
      targets: [{ providerKeyRef: { name: bedrock }, model: "${CLAUDE_ON_BEDROCK}" }]
    - model: "anthropic.*"
      targets: [{ providerKeyRef: { name: bedrock } }]
    - model: chat-prod
      targets: [{ providerKeyRef: { name: azure } }]
    - model: ambient-claude
      targets: [{ providerKeyRef: { name: bedrock-ambient }, model: "${CLAUDE_ON_BEDROCK}" }]
    - model: "gemini-*"
      targets: [{ providerKeyRef: { name: vertex } }]
    - model: vertex-claude
      targets: [{ providerKeyRef: { name: vertex }, model: "${CLAUDE_ON_VERTEX}" }]
---
apiVersion: kuberelay.dev/v1alpha1
kind: RelayKey
metadata: { name: caller, namespace: ${NS} }
spec:
  policyRef: { name: all }
  secretName: caller-key
`;
}

beforeAll(async () => {
  stack = await startStack({
    gateways: 2,
    // The ambient AWS chain's first link: what IRSA or pod identity would provide in a cluster.
    gatewayEnv: { AWS_ACCESS_KEY_ID: aws.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.secretAccessKey },
    mock: {
      anthropicKey,
      azure: { apiKey: azureKey, deployments: { "chat-prod": "gpt-4o-mini" } },
      bedrock: aws,
      vertex: serviceAccount.vertexOptions,
    },
  });
  const vertexKey = JSON.stringify(serviceAccount.keyFile(`${stack.mock.url}/token`)).replace(/'/g, "''");
  await stack.cp.kubectl(["apply", "-f", "-"], manifests(stack.mock.url, vertexKey, stack.providerSecret));
  relayKey = await issuedRelayKey(stack, NS, "caller", "caller-key");
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

const gateway = () => stack.gateways[1]?.url ?? "";

/** The body of the 400 an OpenAI SDK call was refused with. */
function badRequestBody(err: unknown): { message: string; code: string } {
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  return (err as InstanceType<typeof OpenAI.BadRequestError>).error as { message: string; code: string };
}

/** The Bedrock runtime SDK against the gateway, with a relay key as its bearer token. */
const bedrockWith = (key: string) =>
  new BedrockRuntimeClient({
    region: "us-east-1",
    endpoint: gateway(),
    token: { token: key },
    authSchemePreference: ["httpBearerAuth"],
    maxAttempts: 1,
  });

/** Routes to Anthropic, Claude on Bedrock and Azure OpenAI: one model per caller surface the Policy tests use. */
const threeSurfaceRoutes = `  routes:
    - model: "claude-*"
      targets: [{ providerKeyRef: { name: anthropic } }]
    - model: "anthropic.*"
      targets: [{ providerKeyRef: { name: bedrock } }]
    - model: chat-prod
      targets: [{ providerKeyRef: { name: azure } }]
`;

/** Applies a Policy in the test namespace and a RelayKey on it; resolves to the key once the gateways take it. */
async function keyOnPolicy(name: string, policySpecYaml: string): Promise<string> {
  await stack.cp.kubectl(
    ["apply", "-f", "-"],
    `apiVersion: kuberelay.dev/v1alpha1
kind: Policy
metadata: { name: ${name}, namespace: ${NS} }
spec:
${policySpecYaml}`,
  );
  await applyRelayKey(stack, NS, name, { policy: name, secretName: `${name}-key` });
  return issuedRelayKey(stack, NS, name, `${name}-key`);
}

describe("Anthropic surface", () => {
  const client = () => new Anthropic({ apiKey: relayKey, baseURL: gateway(), maxRetries: 0 });

  it("creates, streams and counts tokens against Anthropic", async () => {
    const msg = await client().messages.create({
      model: "claude-sonnet-4-0",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi anthropic" }],
    });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "echo: hi anthropic" });
    const events: string[] = [];
    const stream = client().messages.stream({
      model: "claude-sonnet-4-0",
      max_tokens: 64,
      messages: [{ role: "user", content: "one two three" }],
    });
    for await (const e of stream) events.push(e.type);
    expect(events[0]).toBe("message_start");
    expect(events).toContain("content_block_delta");
    expect((await stream.finalMessage()).content[0]).toMatchObject({ text: "echo: one two three" });
    const count = await client().messages.countTokens({
      model: "claude-sonnet-4-0",
      messages: [{ role: "user", content: "count me" }],
    });
    expect(count.input_tokens).toBeGreaterThan(0);
    const sent = stack.mock.requests.filter((r) => r.path.startsWith("/v1/messages"));
    for (const r of sent) {
      expect(r.headers["x-api-key"]).toBe(anthropicKey);
      expect(JSON.stringify(r.headers)).not.toContain(relayKey);
    }
  });

  it("reaches Claude on Bedrock, streamed as Anthropic server-sent events", async () => {
    const msg = await client().messages.create({
      model: "bedrock-claude",
      max_tokens: 64,
      messages: [{ role: "user", content: "via bedrock" }],
    });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "echo: via bedrock" });
    const stream = client().messages.stream({
      model: "bedrock-claude",
      max_tokens: 64,
      messages: [{ role: "user", content: "streamed via bedrock" }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ text: "echo: streamed via bedrock" });
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it("reaches Claude on Vertex AI with a cached OAuth token from the service-account key", async () => {
    const before = stack.mock.vertexTokens.issued;
    for (let i = 0; i < 3; i++) {
      const msg = await client().messages.create({
        model: "vertex-claude",
        max_tokens: 64,
        messages: [{ role: "user", content: `vertex ${i}` }],
      });
      expect(msg.content[0]).toMatchObject({ type: "text", text: `echo: vertex ${i}` });
    }
    const stream = client().messages.stream({
      model: "vertex-claude",
      max_tokens: 64,
      messages: [{ role: "user", content: "vertex streamed" }],
    });
    expect((await stream.finalMessage()).content[0]).toMatchObject({ text: "echo: vertex streamed" });
    // One gateway, four calls: one token minted, then reused.
    expect(stack.mock.vertexTokens.issued - before).toBe(1);
    const calls = stack.mock.requests.filter((r) => r.path.includes("/publishers/anthropic/models/"));
    expect(calls.at(-1)?.path).toBe(
      `/v1/projects/kuberelay-e2e/locations/us-east5/publishers/anthropic/models/${encodeURIComponent(CLAUDE_ON_VERTEX)}:streamRawPredict`,
    );
    expect(calls.at(-1)?.headers.authorization).toMatch(/^Bearer ya29\./);
  });

  it("refuses a wrong key with an Anthropic-shaped 401", async () => {
    const wrong = new Anthropic({ apiKey: "krk_wrong", baseURL: gateway(), maxRetries: 0 });
    await expect(
      wrong.messages.create({ model: "claude-x", max_tokens: 8, messages: [{ role: "user", content: "x" }] }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });
});

describe("OpenAI surface to Gemini on Vertex AI", () => {
  it("translates chat completions, streamed and not", async () => {
    const openai = new OpenAI({ apiKey: relayKey, baseURL: `${gateway()}/v1`, maxRetries: 0 });
    const r = await openai.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hello gemini" },
      ],
    });
    expect(r.choices[0]?.message.content).toBe("echo: hello gemini");
    expect(r.usage?.prompt_tokens).toBeGreaterThan(0);
    const sent = stack.mock.requests.filter((q) => q.path.includes("/publishers/google/models/")).at(-1);
    expect(sent?.body).toMatchObject({
      systemInstruction: { parts: [{ text: "be brief" }] },
      contents: [{ role: "user" }],
    });
    const stream = await openai.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "stream from gemini" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage = 0;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? "";
      usage = c.usage?.total_tokens ?? usage;
    }
    expect(text).toBe("echo: stream from gemini");
    expect(usage).toBeGreaterThan(0);
  });
});

describe("Azure OpenAI surface", () => {
  it("serves the deployments path with the api-key header", async () => {
    const azure = new AzureOpenAI({
      apiKey: relayKey,
      endpoint: gateway(),
      apiVersion: "2024-10-21",
      deployment: "chat-prod",
      maxRetries: 0,
    });
    const r = await azure.chat.completions.create({
      model: "chat-prod",
      messages: [{ role: "user", content: "hello azure" }],
    });
    expect(r.choices[0]?.message.content).toBe("echo: hello azure");
    const stream = await azure.chat.completions.create({
      model: "chat-prod",
      messages: [{ role: "user", content: "stream azure" }],
      stream: true,
    });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
    expect(text).toBe("echo: stream azure");
    const upstream = stack.mock.requests.filter((q) => q.path.startsWith("/openai/deployments/chat-prod"));
    expect(upstream.at(-1)?.headers["api-key"]).toBe(azureKey);
  });
});

describe("Bedrock runtime surface", () => {
  const bedrock = () => bedrockWith(relayKey);

  it("converses, streamed and not, re-signed with SigV4", async () => {
    const out = await bedrock().send(
      new ConverseCommand({
        modelId: CLAUDE_ON_BEDROCK,
        messages: [{ role: "user", content: [{ text: "hello bedrock" }] }],
      }),
    );
    expect(out.output?.message?.content?.[0]?.text).toBe("echo: hello bedrock");
    const stream = await bedrock().send(
      new ConverseStreamCommand({
        modelId: CLAUDE_ON_BEDROCK,
        messages: [{ role: "user", content: [{ text: "a b c" }] }],
      }),
    );
    let text = "";
    let usage = 0;
    for await (const e of stream.stream ?? []) {
      text += e.contentBlockDelta?.delta?.text ?? "";
      usage = e.metadata?.usage?.totalTokens ?? usage;
    }
    expect(text).toBe("echo: a b c");
    expect(usage).toBeGreaterThan(0);
    const signed = stack.mock.requests.filter((r) => r.path.startsWith("/model/"));
    for (const r of signed)
      expect(r.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAMOCKUPSTREAM0001\//);
  });

  it("invokes, streamed and not", async () => {
    const body = JSON.stringify({
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 64,
      messages: [{ role: "user", content: "invoke me" }],
    });
    const out = await bedrock().send(
      new InvokeModelCommand({ modelId: CLAUDE_ON_BEDROCK, body, contentType: "application/json" }),
    );
    expect(JSON.parse(Buffer.from(out.body).toString()).content[0].text).toBe("echo: invoke me");
    const stream = await bedrock().send(
      new InvokeModelWithResponseStreamCommand({
        modelId: CLAUDE_ON_BEDROCK,
        body,
        contentType: "application/json",
      }),
    );
    const types: string[] = [];
    for await (const e of stream.body ?? []) {
      if (e.chunk?.bytes) types.push(JSON.parse(Buffer.from(e.chunk.bytes).toString()).type);
    }
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
  });

  it("signs with the gateway's ambient AWS credentials when the ProviderKey says ambient", async () => {
    const anthropic = new Anthropic({ apiKey: relayKey, baseURL: gateway(), maxRetries: 0 });
    const msg = await anthropic.messages.create({
      model: "ambient-claude",
      max_tokens: 32,
      messages: [{ role: "user", content: "ambient" }],
    });
    expect(msg.content[0]).toMatchObject({ text: "echo: ambient" });
  });

  it("refuses a wrong key", async () => {
    const wrong = bedrockWith("krk_wrong");
    const err = await wrong
      .send(
        new ConverseCommand({
          modelId: CLAUDE_ON_BEDROCK,
          messages: [{ role: "user", content: [{ text: "x" }] }],
        }),
      )
      .catch((e: unknown) => e);
    expect((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(401);
  });
});

describe("a disabled or expired key, on every surface", () => {
  let off = "";
  const chatOnEverySurface = async (key: string) => {
    const anthropic = await new Anthropic({ apiKey: key, baseURL: gateway(), maxRetries: 0 }).messages
      .create({ model: "claude-sonnet-4-0", max_tokens: 8, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    const azure = await new AzureOpenAI({
      apiKey: key,
      endpoint: gateway(),
      apiVersion: "2024-10-21",
      deployment: "chat-prod",
      maxRetries: 0,
    }).chat.completions
      .create({ model: "chat-prod", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    const bedrock = await bedrockWith(key)
      .send(
        new ConverseCommand({
          modelId: CLAUDE_ON_BEDROCK,
          messages: [{ role: "user", content: [{ text: "x" }] }],
        }),
      )
      .catch((e: unknown) => e);
    return { anthropic, azure, bedrock };
  };
  const expectRefused = async (key: string, message: string) => {
    const { anthropic, azure, bedrock } = await chatOnEverySurface(key);
    expect(anthropic).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((anthropic as InstanceType<typeof Anthropic.AuthenticationError>).error).toEqual({
      type: "error",
      error: { type: "authentication_error", message },
    });
    expect(azure).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((azure as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({
      message,
      code: "invalid_api_key",
    });
    expect(bedrock).toMatchObject({ name: "UnrecognizedClientException", message });
    expect((bedrock as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(401);
    expect(JSON.stringify([anthropic, azure, bedrock])).not.toContain(key);
  };

  beforeAll(async () => {
    await applyRelayKey(stack, NS, "off", { policy: "all", secretName: "off-key" });
    off = await issuedRelayKey(stack, NS, "off", "off-key");
  });

  const patchOff = (spec: object) =>
    stack.cp.kubectl(["patch", "relaykey", "off", "-n", NS, "--type=merge", "-p", JSON.stringify({ spec })]);

  const refusedAtGateway = (key: string) =>
    waitFor("the gateway to refuse the key", async () => {
      const res = await fetch(`${gateway()}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
      await res.arrayBuffer();
      return res.status === 401 ? true : undefined;
    });

  it("disabled: each surface's own 401, saying so", async () => {
    await patchOff({ disabled: true });
    await refusedAtGateway(off);
    await expectRefused(off, "This API key is disabled.");
  });

  it("expired: each surface's own 401, saying so", async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    await patchOff({ disabled: false, expiresAt: past });
    await waitFor("the expiry to reach the gateway", async () => {
      const { anthropic } = await chatOnEverySurface(off);
      const body = (anthropic as { error?: { error?: { message?: string } } }).error;
      return body?.error?.message === "This API key has expired." ? true : undefined;
    });
    await expectRefused(off, "This API key has expired.");
  });
});

describe("issue 14: a Policy's scopes, on every surface", () => {
  let scoped = "";
  beforeAll(async () => {
    scoped = await keyOnPolicy(
      "scoped",
      `  routes:
    - model: "claude-*"
      targets: [{ providerKeyRef: { name: anthropic } }]
    - model: "anthropic.*"
      targets: [{ providerKeyRef: { name: bedrock } }]
  scopes:
    surfaces: [anthropic, bedrock]
    operations: [messages, models, converse]
`,
    );
  });

  it("serves what the scopes name, streamed or not", async () => {
    const anthropic = new Anthropic({ apiKey: scoped, baseURL: gateway(), maxRetries: 0 });
    const msg = await anthropic.messages.create({
      model: "claude-sonnet-4-0",
      max_tokens: 16,
      messages: [{ role: "user", content: "in scope" }],
    });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "echo: in scope" });
    expect((await anthropic.models.list()).data.map((m) => m.id)).toEqual([]);
    const bedrock = bedrockWith(scoped);
    const messages = [{ role: "user" as const, content: [{ text: "conversing" }] }];
    const out = await bedrock.send(new ConverseCommand({ modelId: CLAUDE_ON_BEDROCK, messages }));
    expect(out.output?.message?.content?.[0]?.text).toBe("echo: conversing");
    // converse-stream is converse: streaming is not a scope of its own.
    const stream = await bedrock.send(new ConverseStreamCommand({ modelId: CLAUDE_ON_BEDROCK, messages }));
    let text = "";
    for await (const e of stream.stream ?? []) text += e.contentBlockDelta?.delta?.text ?? "";
    expect(text).toBe("echo: conversing");
  });

  it("refuses the rest with 403 in each surface's own shape, before anything reaches a provider", async () => {
    const upstreamBefore = stack.mock.requests.length;
    const anthropic = new Anthropic({ apiKey: scoped, baseURL: gateway(), maxRetries: 0 });
    const counted = await anthropic.messages
      .countTokens({ model: "claude-sonnet-4-0", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(counted).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((counted as InstanceType<typeof Anthropic.PermissionDeniedError>).error).toEqual({
      type: "error",
      error: {
        type: "permission_error",
        message: "This key's Policy does not allow the count_tokens operation.",
      },
    });
    const chat = await new OpenAI({
      apiKey: scoped,
      baseURL: `${gateway()}/v1`,
      maxRetries: 0,
    }).chat.completions
      .create({ model: "claude-sonnet-4-0", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((chat as InstanceType<typeof OpenAI.PermissionDeniedError>).error).toMatchObject({
      message: "This key's Policy does not allow the openai API.",
      code: "scope_not_allowed",
    });
    const invoked = await bedrockWith(scoped)
      .send(
        new InvokeModelCommand({
          modelId: CLAUDE_ON_BEDROCK,
          body: JSON.stringify({ anthropic_version: "bedrock-2023-05-31", max_tokens: 8, messages: [] }),
        }),
      )
      .catch((e: unknown) => e);
    expect(invoked).toMatchObject({
      name: "AccessDeniedException",
      message: "This key's Policy does not allow the invoke operation.",
    });
    expect((invoked as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(403);
    expect(stack.mock.requests.length).toBe(upstreamBefore);
  });
});

describe("issue 13: maxOutputTokens on Bedrock InvokeModel, in the model family's own field", () => {
  const LLAMA = "meta.llama3-8b-instruct-v1:0";
  let capped = "";
  beforeAll(async () => {
    capped = await keyOnPolicy(
      "capped",
      `  routes:
    - model: "meta.llama*"
      targets: [{ providerKeyRef: { name: bedrock } }]
  limits: { maxOutputTokens: 3 }
`,
    );
  });

  const invokeLlama = async (body: object) => {
    const from = stack.mock.requests.length;
    const out = await bedrockWith(capped).send(
      new InvokeModelCommand({ modelId: LLAMA, body: JSON.stringify(body), contentType: "application/json" }),
    );
    const sent = stack.mock.requests.slice(from).find((r) => r.path.includes("/model/meta.llama"));
    return {
      answer: JSON.parse(Buffer.from(out.body).toString()) as Record<string, unknown>,
      sent: sent?.body,
    };
  };

  it("lowers a larger max_gen_len and adds a missing one, never a max_tokens Llama would refuse", async () => {
    const lowered = await invokeLlama({ prompt: "one two three four five six", max_gen_len: 500 });
    expect(lowered.sent).toEqual({ prompt: "one two three four five six", max_gen_len: 3 });
    // The mock stops at the cap, as Llama does, and says why.
    expect(lowered.answer).toMatchObject({ generation: "echo: one two", stop_reason: "length" });
    const added = await invokeLlama({ prompt: "no cap named", temperature: 0.2 });
    expect(added.sent).toEqual({ prompt: "no cap named", temperature: 0.2, max_gen_len: 3 });
  });
});

describe("issue 14: a Policy's guardrails, on every surface, before anything leaves the gateway", () => {
  let guarded = "";
  const email = "jane.doe@example.com";
  const card = "4111 1111 1111 1111";
  const ticket = "TICKET-4821";
  const sentUpstream = (from: number) => JSON.stringify(stack.mock.requests.slice(from).map((r) => r.body));
  beforeAll(async () => {
    guarded = await keyOnPolicy(
      "guarded",
      `${threeSurfaceRoutes}  guardrails:
    pii: redact
    piiTypes: { card: block }
    secrets: block
    custom:
      - { name: ticket, pattern: "TICKET-[0-9]{4}", action: redact }
`,
    );
  });

  it("redacts with typed placeholders, the same value to the same one, streamed or not (Anthropic)", async () => {
    const from = stack.mock.requests.length;
    const anthropic = new Anthropic({ apiKey: guarded, baseURL: gateway(), maxRetries: 0 });
    const msg = await anthropic.messages.create({
      model: "claude-sonnet-4-0",
      max_tokens: 64,
      system: `Reply to ${email}.`,
      messages: [{ role: "user", content: `mail ${email} about ${ticket}` }],
    });
    expect(msg.content[0]).toMatchObject({ text: "echo: mail [EMAIL_1] about [TICKET_1]" });
    let streamed = "";
    const stream = anthropic.messages.stream({
      model: "claude-sonnet-4-0",
      max_tokens: 64,
      messages: [{ role: "user", content: `stream to ${email}` }],
    });
    for await (const e of stream)
      if (e.type === "content_block_delta" && e.delta.type === "text_delta") streamed += e.delta.text;
    expect(streamed).toBe("echo: stream to [EMAIL_1]");
    const upstream = sentUpstream(from);
    expect(upstream).toContain("Reply to [EMAIL_1].");
    expect(upstream).not.toContain(email);
    expect(upstream).not.toContain(ticket);
  });

  it("redacts in Bedrock Converse too", async () => {
    const from = stack.mock.requests.length;
    const out = await bedrockWith(guarded).send(
      new ConverseCommand({
        modelId: CLAUDE_ON_BEDROCK,
        messages: [{ role: "user", content: [{ text: `about ${ticket}` }] }],
      }),
    );
    expect(out.output?.message?.content?.[0]?.text).toBe("echo: about [TICKET_1]");
    expect(sentUpstream(from)).not.toContain(ticket);
  });

  it("blocks a card or a credential with a 400 in the caller's shape naming the type, forwarding nothing", async () => {
    const from = stack.mock.requests.length;
    const azure = await new AzureOpenAI({
      apiKey: guarded,
      endpoint: gateway(),
      apiVersion: "2024-10-21",
      deployment: "chat-prod",
      maxRetries: 0,
    }).chat.completions
      .create({ model: "chat-prod", messages: [{ role: "user", content: `charge ${card}` }] })
      .catch((e: unknown) => e);
    const azureError = badRequestBody(azure);
    expect(azureError).toMatchObject({ code: "guardrail_blocked" });
    expect(azureError.message).toContain("CARD");
    expect(azureError.message).not.toContain("4111");
    // A relay key pasted into a prompt is a credential like any other.
    const anthropic = await new Anthropic({ apiKey: guarded, baseURL: gateway(), maxRetries: 0 }).messages
      .create({
        model: "claude-sonnet-4-0",
        max_tokens: 8,
        messages: [{ role: "user", content: `my key is ${guarded}` }],
      })
      .catch((e: unknown) => e);
    expect(anthropic).toBeInstanceOf(Anthropic.BadRequestError);
    expect(JSON.stringify((anthropic as InstanceType<typeof Anthropic.BadRequestError>).error)).not.toContain(
      guarded,
    );
    expect(stack.mock.requests.length).toBe(from);
  });

  it("counts hits by type and action in the gateway's metrics, never the value", async () => {
    const metrics = await (await fetch(`${stack.gateways[1]?.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /kuberelay_gateway_guardrail_hits_total\{kind="pii",type="email",action="redact"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /kuberelay_gateway_guardrail_hits_total\{kind="pii",type="card",action="block"\} 1/,
    );
    expect(metrics).toMatch(
      /kuberelay_gateway_guardrail_hits_total\{kind="custom",type="custom",action="redact"\} [1-9]/,
    );
    // The card whole, as sent and without its spaces: a bare "4111" can be any number in the text.
    for (const value of [email, ticket, card, card.replaceAll(" ", "")]) expect(metrics).not.toContain(value);
  });
});

describe("issue 14: a Policy that checks answers", () => {
  let key = "";
  beforeAll(async () => {
    // The mock answers "echo: <prompt>": these rules match an answer and never its prompt.
    key = await keyOnPolicy(
      "answers",
      `${threeSurfaceRoutes}    - model: "gpt-*"
      targets: [{ providerKeyRef: { name: openai } }]
  guardrails:
    answers: true
    custom:
      - { name: echoed, pattern: "echo: code-[0-9]+", action: redact }
      - { name: verdict, pattern: "echo: forbidden", action: block }
`,
    );
  });
  const azure = () =>
    new AzureOpenAI({
      apiKey: key,
      endpoint: gateway(),
      apiVersion: "2024-10-21",
      deployment: "chat-prod",
      maxRetries: 0,
    }).chat.completions;

  it("redacts a value in the answer, on the Anthropic, Azure OpenAI and Bedrock surfaces", async () => {
    const msg = await new Anthropic({ apiKey: key, baseURL: gateway(), maxRetries: 0 }).messages.create({
      model: "claude-sonnet-4-0",
      max_tokens: 32,
      messages: [{ role: "user", content: "code-42" }],
    });
    expect(msg.content[0]).toMatchObject({ text: "[ECHOED_1]" });
    const chat = await azure().create({
      model: "chat-prod",
      messages: [{ role: "user", content: "code-7" }],
    });
    expect(chat.choices[0]?.message.content).toBe("[ECHOED_1]");
    const out = await bedrockWith(key).send(
      new ConverseCommand({
        modelId: CLAUDE_ON_BEDROCK,
        messages: [{ role: "user", content: [{ text: "code-9" }] }],
      }),
    );
    expect(out.output?.message?.content?.[0]?.text).toBe("[ECHOED_1]");
  });

  it("withholds an answer with a blocked value: a 400 naming the rule, the answer's usage still billed", async () => {
    const asked = stack.mock.requests.length;
    const err = await azure()
      .create({ model: "chat-prod", messages: [{ role: "user", content: "forbidden" }] })
      .catch((e: unknown) => e);
    const body = badRequestBody(err);
    expect(body).toMatchObject({ code: "guardrail_blocked" });
    expect(body.message).toContain('The answer was withheld: it contains a match of the rule "verdict"');
    // The provider answered: the request went out.
    expect(stack.mock.requests.length).toBe(asked + 1);
  });

  it("checks a streamed answer as it streams, through each SDK: the value split over events is redacted", async () => {
    // The mock streams its echo a word at a time: "echo:" and "code-5" arrive in separate events.
    const anthropic = new Anthropic({ apiKey: key, baseURL: gateway(), maxRetries: 0 }).messages.stream({
      model: "claude-sonnet-4-0",
      max_tokens: 32,
      messages: [{ role: "user", content: "code-5" }],
    });
    expect(await anthropic.finalText()).toBe("[ECHOED_1]");
    const chunks = await azure().create({
      model: "chat-prod",
      stream: true,
      messages: [{ role: "user", content: "code-6 and more" }],
    });
    let chat = "";
    for await (const c of chunks) chat += c.choices[0]?.delta?.content ?? "";
    expect(chat).toBe("[ECHOED_1] and more");
    const conversed = await bedrockWith(key).send(
      new ConverseStreamCommand({
        modelId: CLAUDE_ON_BEDROCK,
        messages: [{ role: "user", content: [{ text: "code-8" }] }],
      }),
    );
    let bedrockText = "";
    for await (const e of conversed.stream ?? []) bedrockText += e.contentBlockDelta?.delta?.text ?? "";
    expect(bedrockText).toBe("[ECHOED_1]");
    // The Responses API's stream helper rebuilds the response from the events (numbered, in order).
    const responses = new OpenAI({ apiKey: key, baseURL: `${gateway()}/v1`, maxRetries: 0 }).responses.stream(
      {
        model: "gpt-4o-mini",
        input: "code-9 again",
      },
    );
    let deltas = "";
    responses.on("response.output_text.delta", (e) => {
      deltas += e.delta;
    });
    const final = await responses.finalResponse();
    expect(deltas).toBe("[ECHOED_1] again");
    expect(final.output_text).toBe("[ECHOED_1] again");
  });

  it("cuts a streamed answer at a blocked value: the SDK raises the error, the value never arrives", async () => {
    const asked = stack.mock.requests.length;
    const chunks = await azure().create({
      model: "chat-prod",
      stream: true,
      messages: [{ role: "user", content: "forbidden words follow" }],
    });
    let received = "";
    const err = await (async () => {
      for await (const c of chunks) received += c.choices[0]?.delta?.content ?? "";
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String((err as Error).message)).toContain('it contains a match of the rule "verdict"');
    expect(received).not.toContain("forbidden");
    const anthropic = new Anthropic({ apiKey: key, baseURL: gateway(), maxRetries: 0 }).messages.stream({
      model: "claude-sonnet-4-0",
      max_tokens: 32,
      messages: [{ role: "user", content: "forbidden" }],
    });
    const anthropicErr = await anthropic.finalText().catch((e: unknown) => e);
    expect(anthropicErr).toBeInstanceOf(Anthropic.APIError);
    expect(String((anthropicErr as Error).message)).toContain("verdict");
    // The provider answered both: the requests went out, and their usage is billed.
    expect(stack.mock.requests.length).toBe(asked + 2);
  });
});

describe("secrets", () => {
  it("never show up in any process output", () => {
    for (const p of stack.processes()) {
      for (const s of [...secrets(), relayKey]) expect(p.output()).not.toContain(s);
    }
  });
});
