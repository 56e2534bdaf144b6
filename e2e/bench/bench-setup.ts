/**
 * What every gateway benchmark starts from: the load tools (vegeta, benchmock, streamprobe,
 * built by loadgen/build.sh), and benchmock pinned to the load core with a fresh provider key.
 * The Redis limiter gets a Redis of its own on the load core too (unless REDIS_URL names one):
 * in a cluster Redis runs on another machine, and left unpinned it ran its scripts on the
 * contestant's core, woken by the gateway's writes.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../harness/kuberelay-process.js";
import type { BenchSetup } from "./contestants.js";
import { freePort, type PinnedProcess, startPinned } from "./pinned-process.js";

export const CONTESTANT_CPU = 0;
export const LOAD_CPU = 1;

export interface BenchBed {
  /** The folder holding vegeta, benchmock and streamprobe. */
  tools: string;
  setup: BenchSetup;
  /** Stops benchmock and removes the scratch directory. */
  stop(): Promise<void>;
}

/** Builds (or finds) the load tools and starts benchmock; `pace` spaces a stream's chunks. */
export async function startBenchBed(pace: string): Promise<BenchBed> {
  if (cpus().length < 2)
    throw new Error("the benchmark needs two cores: one for the contestant, one for load");
  const tools = execFileSync("bash", [join(repoRoot, "e2e", "bench", "loadgen", "build.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const dir = mkdtempSync(join(tmpdir(), "kuberelay-bench-"));
  const providerKey = `sk-bench-${randomBytes(16).toString("hex")}`;
  const mockPort = await freePort();
  const started: PinnedProcess[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redisUrl = process.env.REDIS_URL ?? (await startRedis(dir, started));
    const mock = await startPinned({
      cpu: LOAD_CPU,
      command: join(tools, "benchmock"),
      args: ["-listen", `127.0.0.1:${mockPort}`, "-key", providerKey, "-pace", pace],
      port: mockPort,
      logPath: join(dir, "benchmock.log"),
    });
    started.push(mock);
    return {
      tools,
      setup: {
        cpu: CONTESTANT_CPU,
        mockUrl: `http://127.0.0.1:${mockPort}/v1`,
        providerKey,
        relayKey: `krk_${randomBytes(32).toString("base64url")}`,
        dir,
        redisUrl,
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** A throwaway redis-server on the load core, nothing persisted; its URL. */
async function startRedis(dir: string, started: PinnedProcess[]): Promise<string> {
  const port = await freePort();
  const redis = await startPinned({
    cpu: LOAD_CPU,
    command: "redis-server",
    args: ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"],
    port,
    logPath: join(dir, "redis.log"),
  }).catch((err: unknown) => {
    throw new Error(`the Redis limiter's benchmark needs redis-server on the PATH, or REDIS_URL: ${err}`);
  });
  started.push(redis);
  return `redis://127.0.0.1:${port}`;
}

/** The chat completion every gateway benchmark sends. */
export const chatBody = (stream: boolean): string =>
  JSON.stringify({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "benchmark" }],
    ...(stream ? { stream: true } : {}),
  });
