/**
 * Who the gateway benchmark compares, each started fresh on the contestant core: the mock
 * itself (the floor), a bare Node proxy (the yardstick), kuberelay with its limits in memory
 * and in Redis, and Portkey's gateway from npm. Every one calls the same benchmock.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cliEntry, repoRoot } from "../harness/kuberelay-process.js";
import { standaloneConfig } from "../harness/standalone-config.js";
import { imageNodeFlags } from "./image-node-flags.js";
import { freePort, type PinnedProcess, startPinned } from "./pinned-process.js";

export interface BenchSetup {
  /** The core contestants run on. */
  cpu: number;
  mockUrl: string;
  providerKey: string;
  relayKey: string;
  /** A scratch directory for config and logs. */
  dir: string;
  redisUrl: string;
  /** Flags for every Node contestant, such as --cpu-prof. */
  nodeFlags?: readonly string[];
}

/** Where load goes and what it sends besides the body. */
export interface Endpoint {
  url: string;
  headers: Record<string, string>;
}

export interface Running {
  endpoint: Endpoint;
  /** The contestant's process; none when load goes straight to the mock. */
  process: PinnedProcess | undefined;
}

export interface Contestant {
  name: string;
  start(setup: BenchSetup): Promise<Running>;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const chatUrl = (port: number) => `http://127.0.0.1:${port}/v1/chat/completions`;

/** Limits, a concurrency cap and a budget none of the load reaches: checked and counted, never refused. */
const BENCH_POLICY = {
  limits: { requestsPerMinute: 100_000_000, tokensPerMinute: 1_000_000_000, maxConcurrentRequests: 100_000 },
  budget: { usdPerDay: 1_000_000 },
};

async function node(setup: BenchSetup, name: string, args: (port: number) => string[], env = {}) {
  const port = await freePort();
  const process = await startPinned({
    cpu: setup.cpu,
    command: globalThis.process.execPath,
    args: [...(setup.nodeFlags ?? []), ...args(port)],
    port,
    logPath: join(setup.dir, `${name}.log`),
    env,
  });
  return { port, process };
}

export function kuberelay(
  limiter: "memory" | "redis",
  ledger?: { name: string; args: (setup: BenchSetup) => string[] },
  /** Policy fields besides the benchmark's limits and budget, such as guardrails. */
  policy?: { name: string; spec: Record<string, unknown> },
): Contestant {
  const variant = [ledger?.name, policy?.name].filter(Boolean).join(", ");
  return {
    name: `kuberelay (${limiter} limiter${variant ? `, ${variant}` : ""})`,
    async start(setup) {
      const configDir = join(setup.dir, "config");
      standaloneConfig(configDir, {
        upstreamURL: setup.mockUrl,
        providerKey: setup.providerKey,
        relayKey: setup.relayKey,
        model: "gpt-4o-mini*",
        policy: { ...BENCH_POLICY, ...policy?.spec },
      });
      const metricsPort = await freePort();
      const { port, process } = await node(setup, `kuberelay-${limiter}`, (p) => [
        ...imageNodeFlags(),
        cliEntry,
        "gateway",
        ...["--config-dir", configDir, "--host", "127.0.0.1"],
        ...["--port", String(p), "--metrics-port", String(metricsPort)],
        ...(limiter === "redis" ? ["--redis-url", setup.redisUrl] : []),
        // Without one, the standalone gateway would keep its embedded ledger in this user's home.
        ...(ledger ? ledger.args(setup) : ["--no-ledger"]),
      ]);
      return { endpoint: { url: chatUrl(port), headers: bearer(setup.relayKey) }, process };
    },
  };
}

const portkeyDir = join(repoRoot, "node_modules", "@portkey-ai", "gateway");
export const portkeyVersion = (): string =>
  (JSON.parse(readFileSync(join(portkeyDir, "package.json"), "utf8")) as { version: string }).version;

export const contestants: readonly Contestant[] = [
  {
    name: "mock, called directly",
    start: async (setup) => ({
      endpoint: { url: `${setup.mockUrl}/chat/completions`, headers: bearer(setup.providerKey) },
      process: undefined,
    }),
  },
  {
    name: "bare node:http proxy",
    async start(setup) {
      const { port, process } = await node(setup, "bare-proxy", (p) => [
        // Node runs it from source (type stripping): it is erasable TypeScript, no build needed.
        join(repoRoot, "e2e", "bench", "bare-proxy.ts"),
        ...["--upstream", new URL(setup.mockUrl).origin, "--port", String(p)],
      ]);
      return { endpoint: { url: chatUrl(port), headers: bearer(setup.providerKey) }, process };
    },
  },
  kuberelay("memory"),
  kuberelay("redis"),
  {
    name: `Portkey gateway ${portkeyVersion()}`,
    async start(setup) {
      const { port, process } = await node(
        setup,
        "portkey",
        (p) => [join(portkeyDir, "build", "start-server.js"), `--port=${p}`, "--headless"],
        { NODE_ENV: "production" },
      );
      const headers = {
        ...bearer(setup.providerKey),
        "x-portkey-provider": "openai",
        "x-portkey-custom-host": setup.mockUrl,
      };
      return { endpoint: { url: chatUrl(port), headers }, process };
    },
  },
];
