import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response } from "express";
import { anthropicRouter } from "./anthropic.js";
import { type AzureMockConfig, azureRouter } from "./azure.js";
import { type BedrockCredentials, bedrockRouter } from "./bedrock.js";
import { FailureQueue } from "./failures.js";
import { type GoogleTokenStats, GoogleTokenStore } from "./google-token-store.js";
import { openaiRouter } from "./openai.js";
import { notFoundError, openaiError } from "./openai-errors.js";
import { sendOpenAIJson } from "./openai-respond.js";
import { type RecordedRequest, recordRequests } from "./recorder.js";
import { type VertexMockConfig, vertexRouter } from "./vertex.js";

export type { RecordedRequest } from "./recorder.js";

export interface MockProviderOptions {
  openaiKey: string;
  /** 0 or omitted picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1; use 0.0.0.0 when pods in a cluster must reach the mock. */
  host?: string;
  /** Pause between streamed chunks; defaults to 20ms so chunk-by-chunk delivery is observable. */
  chunkDelayMs?: number;
  /** Serves the Bedrock runtime, accepting only requests SigV4-signed with these credentials. */
  bedrock?: BedrockCredentials;
  /** Serves Anthropic's /v1/messages and /v1/messages/count_tokens for this key (x-api-key or Bearer). */
  anthropicKey?: string;
  /** Serves Azure OpenAI's /openai/deployments/{name}/... for these deployments, accepting this api-key. */
  azure?: AzureMockConfig;
  /** Serves Vertex AI's Claude and Gemini models and the OAuth /token endpoint for one service account. */
  vertex?: VertexMockConfig;
}

export interface MockProvider {
  url: string;
  port: number;
  /** Every request received, in arrival order, including rejected ones. */
  requests: RecordedRequest[];
  /** Makes the next request that reaches a provider route answer with this status (queued, FIFO). */
  failNext(status: number, body?: unknown): void;
  /** Access tokens /token has issued (the token endpoint never takes injected failures). */
  vertexTokens: GoogleTokenStats;
  close(): Promise<void>;
}

const DEFAULT_CHUNK_DELAY_MS = 20;

export async function startMockProvider(options: MockProviderOptions): Promise<MockProvider> {
  const requests: RecordedRequest[] = [];
  const failures = new FailureQueue();
  const vertexTokens = new GoogleTokenStore(options.vertex?.tokenLifetimeSeconds ?? 3599);
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use(recordRequests(requests));
  // Before OpenAI's router: Anthropic's paths share its /v1 prefix.
  if (options.anthropicKey !== undefined) {
    app.use(
      anthropicRouter({
        apiKey: options.anthropicKey,
        chunkDelayMs: options.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS,
        failures,
      }),
    );
  }
  app.use(
    openaiRouter({
      apiKey: options.openaiKey,
      chunkDelayMs: options.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS,
      failures,
    }),
  );
  app.use(bedrockRouter(options, failures));
  if (options.azure) {
    app.use(
      azureRouter({
        ...options.azure,
        chunkDelayMs: options.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS,
        failures,
      }),
    );
  }
  if (options.vertex) {
    const chunkDelayMs = options.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS;
    app.use(vertexRouter(options.vertex, { tokens: vertexTokens, chunkDelayMs, failures }));
  }
  // OpenAI's shapes for the fallbacks because it is the only provider so far; revisit when
  // another provider needs its own 404 under its own prefix.
  app.use((req: Request, res: Response) => {
    sendOpenAIJson(res, 404, notFoundError(req.method, req.path), performance.now());
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    sendOpenAIJson(res, 500, openaiError(message, { type: "server_error" }), performance.now());
  });

  const server = createServer(app);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${formatHost(host)}:${port}`,
    port,
    requests,
    failNext: (status, body) => failures.push({ status, body }),
    vertexTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SDK clients keep connections alive; without this close() waits for them to idle out.
        server.closeAllConnections();
      }),
  };
}

/** A wildcard bind is not an address a client can dial, and IPv6 literals need brackets in a URL. */
function formatHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
