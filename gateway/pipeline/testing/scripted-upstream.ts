import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RuntimeProvider } from "../../snapshot.js";
import { type InProcessGateway, RELAY_KEY, startGatewayWith } from "./in-process-gateway.js";

export type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** The credentials the scripted providers hold, for tests that look for them in answers. */
export const CREDENTIALS = {
  openai: "sk-scripted-openai-credential-0123456789",
  azure: "azure-scripted-credential-0123456789abcdef",
  anthropic: "sk-ant-scripted-credential-0123456789",
  bedrock: JSON.stringify({
    accessKeyId: "AKIASCRIPTEDKEY12345",
    secretAccessKey: "scripted/secret/access/key/0123456789abcdef",
  }),
} as const;

/**
 * One loopback upstream whose answer each test scripts, behind a gateway with a ProviderKey of
 * each kind pointing at it. Models: `gpt` (OpenAI-compatible), `azure-gpt` (Azure OpenAI),
 * `claude` (Anthropic), `claude-bedrock` (Anthropic callers translated to Bedrock),
 * `bedrock-model` (Bedrock callers), `fallback` (an OpenAI-compatible key, then one on a
 * closed port).
 */
export interface ScriptedUpstream {
  gateway: InProcessGateway;
  behave(b: Behaviour): void;
  close(): Promise<void>;
}

export async function startScripted(opts: { timeoutMs?: number; maxAttempts?: number } = {}) {
  let behaviour: Behaviour = (_req, res) => res.writeHead(500).end();
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => behaviour(req, res, Buffer.concat(parts).toString()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was open a moment ago and is now closed: connections to it are refused.
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const closedURL = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((r) => closed.close(r));

  const provider = (
    id: string,
    kind: RuntimeProvider["provider"],
    baseURL: string,
    credential: string,
  ): RuntimeProvider => ({
    id,
    provider: kind,
    baseURL,
    region: kind === "bedrock" ? "us-east-1" : undefined,
    credential,
    allowPrivateNetwork: true,
  });
  const gateway = await startGatewayWith({
    providers: [
      provider("ns/openai", "openai-compatible", `${url}/v1`, CREDENTIALS.openai),
      provider("ns/azure", "azure-openai", url, CREDENTIALS.azure),
      provider("ns/anthropic", "anthropic", url, CREDENTIALS.anthropic),
      provider("ns/bedrock", "bedrock", url, CREDENTIALS.bedrock),
      provider("ns/closed", "openai-compatible", `${closedURL}/v1`, CREDENTIALS.openai),
    ],
    routes: {
      gpt: ["ns/openai"],
      "azure-gpt": ["ns/azure"],
      claude: ["ns/anthropic"],
      "claude-bedrock": ["ns/bedrock"],
      "bedrock-model": ["ns/bedrock"],
      fallback: ["ns/openai", "ns/closed"],
    },
    maxAttempts: opts.maxAttempts ?? 1,
    timeoutMs: opts.timeoutMs ?? 5000,
  });
  return {
    gateway,
    behave: (b: Behaviour) => {
      behaviour = b;
    },
    close: async () => {
      await gateway.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  } satisfies ScriptedUpstream;
}

export type CallerAPI = "openai" | "azure" | "anthropic" | "bedrock";

export interface CallerAnswer {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
}

/** One request as an SDK of that API would send it, to the model given. */
export async function ask(
  gateway: InProcessGateway,
  api: CallerAPI,
  model: string,
  opts: { stream?: boolean } = {},
): Promise<CallerAnswer> {
  const stream = opts.stream === true;
  const base = `http://127.0.0.1:${gateway.port}`;
  const messages = [{ role: "user", content: "hello" }];
  const request: { path: string; headers: Record<string, string>; body: unknown } =
    api === "openai"
      ? {
          path: "/v1/chat/completions",
          headers: { authorization: `Bearer ${RELAY_KEY}` },
          body: { model, messages, stream },
        }
      : api === "azure"
        ? {
            path: `/openai/deployments/${model}/chat/completions?api-version=2024-10-21`,
            headers: { "api-key": RELAY_KEY },
            body: { messages, stream },
          }
        : api === "anthropic"
          ? {
              path: "/v1/messages",
              headers: { "x-api-key": RELAY_KEY, "anthropic-version": "2023-06-01" },
              body: { model, messages, max_tokens: 16, stream },
            }
          : {
              path: `/model/${model}/${stream ? "invoke-with-response-stream" : "invoke"}`,
              headers: { authorization: `Bearer ${RELAY_KEY}` },
              body: { anthropic_version: "bedrock-2023-05-31", messages, max_tokens: 16 },
            };
  const res = await fetch(base + request.path, {
    method: "POST",
    headers: { ...request.headers, "content-type": "application/json" },
    body: JSON.stringify(request.body),
    signal: AbortSignal.timeout(10_000),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, text: bytes.toString(), bytes };
}
