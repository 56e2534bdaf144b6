import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { CompiledPolicy, CompiledRoute } from "../../../common/config/gateway-config.js";
import { hashRelayKey } from "../../../common/crypto/relay-key.js";
import { createLogger } from "../../../common/log.js";
import { createGatewayApp } from "../../app.js";
import type { ContentSettings } from "../../content/capture.js";
import type { UsageRow } from "../../ledger/usage-row.js";
import { createGatewayMetrics } from "../../metrics.js";
import { type RuntimeProvider, SnapshotHolder } from "../../snapshot.js";
import type { AdmissionGate } from "../admission.js";
import type { UsageGrace } from "../forward-stream.js";

export const RELAY_KEY = "krk_pipeline-test-key-0123456789abcdef";
/** A model the test Policy routes to a ProviderKey that does not exist. */
export const UNAVAILABLE_MODEL = "claude-typo";
/** The test key's body limit. */
export const KEY_BODY_LIMIT = 4096;

export interface Settled {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface InProcessGateway {
  port: number;
  /** Usage settled against the limiter, one entry per admitted request. */
  settled: Settled[];
  /** What each admission reserved against budgets (USD). */
  reserved: number[];
  /** The usage ledger's rows, one per authenticated request. */
  ledger: UsageRow[];
  /** The request log lines, parsed. */
  requests(): Record<string, unknown>[];
  close(): Promise<void>;
}

/** What a test gateway routes: models to ProviderKeys, and how many attempts a request gets. */
export interface GatewaySetup {
  providers: RuntimeProvider[];
  /** Model name → the ProviderKey ids it falls back through, in order. */
  routes: Record<string, string[]>;
  maxAttempts?: number;
  usageGrace?: UsageGrace;
  timeoutMs?: number;
  /** Routes in their compiled form, after those of `routes` (e.g. an unavailable one). */
  moreRoutes?: CompiledRoute[];
  /** The test Policy's content capture, and what the gateway can do with it. */
  content?: { policy: NonNullable<CompiledPolicy["content"]>; settings: ContentSettings };
  /** More of the test Policy (e.g. unreadable). */
  policy?: Partial<CompiledPolicy>;
}

/** The gateway app on a loopback port, routing `gpt-4o-mini` to one OpenAI-compatible upstream. */
export function startGateway(
  upstreamURL: string,
  usageGrace?: UsageGrace,
  timeoutMs = 5000,
): Promise<InProcessGateway> {
  return startGatewayWith({
    providers: [
      {
        id: "ns/a",
        provider: "openai-compatible",
        baseURL: `${upstreamURL}/v1`,
        region: undefined,
        credential: "sk-upstream-pipeline-test",
        // The mock upstream listens on loopback.
        allowPrivateNetwork: true,
      },
    ],
    routes: { "gpt-4o-mini": ["ns/a"] },
    moreRoutes: [
      {
        model: UNAVAILABLE_MODEL,
        targets: [],
        unavailable: { reason: "ProviderKeyNotFound", message: 'ProviderKey "ns/mock-opneai" not found' },
      },
      // Never reached for UNAVAILABLE_MODEL: an unavailable route keeps its place.
      { model: "claude-*", targets: [{ provider: "ns/a", weight: 1 }] },
    ],
    timeoutMs,
    ...(usageGrace ? { usageGrace } : {}),
  });
}

/** The gateway app on a loopback port with the given providers and routes, one test key. */
export async function startGatewayWith(setup: GatewaySetup): Promise<InProcessGateway> {
  const { usageGrace } = setup;
  const settled: Settled[] = [];
  const ledger: UsageRow[] = [];
  const reserved: number[] = [];
  const logs: string[] = [];
  const limiter: AdmissionGate = {
    admit: async (req) => {
      reserved.push(req.reserveUsd ?? 0);
      return {
        allowed: true,
        headers: {},
        finish: async (usage) => {
          settled.push(usage);
        },
      };
    },
  };
  const snapshots = new SnapshotHolder();
  const hash = hashRelayKey(RELAY_KEY);
  const routes: CompiledRoute[] = Object.entries(setup.routes).map(([model, ids]) => ({
    model,
    // All weight on the first: the rest are tried in order, as fallbacks.
    targets: ids.map((provider, i) => ({ provider, weight: i === 0 ? 1 : 0 })),
  }));
  routes.push(...(setup.moreRoutes ?? []));
  snapshots.swap({
    generation: "1",
    keys: new Map([
      [hash, { hash, id: "ns/app", policy: "ns/p", limits: { maxRequestBodyBytes: KEY_BODY_LIMIT } }],
    ]),
    policies: new Map([
      ["ns/p", { routes, ...(setup.content ? { content: setup.content.policy } : {}), ...setup.policy }],
    ]),
    providers: new Map(setup.providers.map((p) => [p.id, p])),
  });
  const server = http
    .createServer(
      createGatewayApp({
        snapshots,
        metrics: createGatewayMetrics(),
        log: createLogger("gateway", { sink: (l) => logs.push(l) }),
        limiter,
        price: () => 0.001,
        defaultMaxBodyBytes: 1 << 20,
        maxAttempts: setup.maxAttempts ?? 1,
        defaultTimeoutMs: setup.timeoutMs ?? 5000,
        ...(usageGrace ? { usageGrace } : {}),
        ledger: { record: (row) => ledger.push(row) },
        ...(setup.content ? { content: setup.content.settings } : {}),
      }),
    )
    .listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return {
    port: (server.address() as AddressInfo).port,
    settled,
    ledger,
    reserved,
    requests: () =>
      logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "request"),
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

export interface PacedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Body bytes written before the answer came. */
  sent: number;
  total: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * POSTs a body one chunk every `gapMs`, starting after a gap, and stops sending as soon as
 * an answer arrives: `sent` tells how much of the body the gateway waited for.
 */
export function sendPaced(
  port: number,
  headers: Record<string, string>,
  chunks: readonly Buffer[],
  gapMs = 20,
  path = "/v1/chat/completions",
): Promise<PacedAnswer> {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path, headers });
    req.on("response", (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("error", () => undefined);
      res.on("close", () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts).toString(),
          sent,
          total,
        });
        req.destroy();
      });
    });
    // The gateway may close the connection on a body it will not read: writes then fail.
    req.on("error", (e) => {
      if (!answered) reject(e);
    });
    req.flushHeaders();
    void (async () => {
      for (const c of chunks) {
        await sleep(gapMs);
        if (answered || req.destroyed) return;
        req.write(c);
        sent += c.length;
      }
      if (!answered) req.end();
    })();
  });
}
