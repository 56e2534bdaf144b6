/**
 * One standalone gateway per adversarial file, with what every file needs around it: a fetch
 * that never hangs a test and keeps every answer for the leak scan, liveness and restart (a
 * crash in one case must not fail the next), and the canary scan when the file is done.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertNoCanary, CanaryScanner, type Produced } from "../harness/canary.js";
import { type KuberelayProcess, type LogLine, startKuberelay } from "../harness/kuberelay-process.js";
import { type AdversarialConfig, writeAdversarialConfig } from "./adversarial-config.js";

export interface Captured {
  status: number;
  headers: Headers;
  text: string;
  /** "complete" when the body ended normally, "cut" when the connection closed mid-body. */
  ending: "complete" | "cut";
}

export type GatewayFetchInit = RequestInit & { timeoutMs?: number };

export interface AdversarialGateway {
  port: number;
  metricsPort: number;
  readonly process: KuberelayProcess;
  /** Every canary of the file: the config's secrets are in it already; add the test's own. */
  readonly scanner: CanaryScanner;
  /** Fails with "client-side timeout" rather than hanging when the gateway never answers. */
  fetch(path: string, init?: GatewayFetchInit): Promise<Captured>;
  /** Keeps something else the gateway sent (a raw socket's bytes, an h2 stream) for the scan. */
  record(source: string, text: string): void;
  isAlive(): boolean;
  /** Starts a fresh process on the same ports when the last one died (e.g. crashed). */
  ensureRunning(): Promise<void>;
  /** The request's one log line, once it has been written. */
  requestLog(requestId: string, timeoutMs?: number): Promise<LogLine>;
  /** Scans everything produced by every process of the file, then stops it; throws on a leak. */
  finish(extra?: Produced): Promise<void>;
}

export async function startAdversarialGateway(
  name: string,
  config: AdversarialConfig,
  canaries: string[],
  /** More gateway flags, e.g. shorter caller timeouts. */
  extraArgs: string[] = [],
): Promise<AdversarialGateway> {
  const dir = mkdtempSync(join(tmpdir(), `kuberelay-adv-${name}-`));
  writeAdversarialConfig(join(dir, "config"), config);
  const scanner = new CanaryScanner().add(config.relayKey, ...config.upstreams.map((u) => u.credential));
  scanner.add(...canaries);
  const produced: Produced = [];
  const processes: KuberelayProcess[] = [];

  const spawn = async (port: number, metricsPort: number) => {
    const p = startKuberelay(
      `gateway-${name}`,
      [
        "gateway",
        "--config-dir",
        join(dir, "config"),
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--metrics-port",
        String(metricsPort),
        "--drain-seconds",
        "1",
        "--drain-idle-grace-ms",
        "250",
        // Hostile callers, not the ledger, are under test; and no file in this user's home.
        "--no-ledger",
        ...extraArgs,
      ],
      {},
      join(dir, `gateway-${processes.length}.log`),
    );
    processes.push(p);
    const line = await p.waitForLine((l) => l.msg === "listening");
    await p.waitForLine((l) => l.msg === "config applied", 10_000);
    const problem = p.lines.find((l) => l.msg === "config problem");
    if (problem) throw new Error(`the adversarial config has a problem: ${JSON.stringify(problem)}`);
    return { p, port: Number(line.port), metricsPort: Number(line.metricsPort) };
  };

  let current = await spawn(0, 0);
  const isAlive = () => {
    try {
      process.kill(current.p.pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  const gw: AdversarialGateway = {
    port: current.port,
    metricsPort: current.metricsPort,
    get process() {
      return current.p;
    },
    scanner,
    async fetch(path, init = {}) {
      const { timeoutMs = 10_000, ...rest } = init;
      const signal = AbortSignal.timeout(timeoutMs);
      let res: Response;
      try {
        res = await fetch(`http://127.0.0.1:${gw.port}${path}`, { ...rest, signal });
      } catch (err) {
        if (signal.aborted) throw new Error(`client-side timeout (${timeoutMs} ms): no answer to ${path}`);
        throw err;
      }
      let text = "";
      let ending: Captured["ending"] = "complete";
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body ?? []) text += decoder.decode(chunk, { stream: true });
      } catch {
        if (signal.aborted) {
          produced.push({ source: `response ${path} (timed out)`, text });
          throw new Error(`client-side timeout (${timeoutMs} ms): the body of ${path} never ended`);
        }
        ending = "cut";
      }
      const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
      produced.push({ source: `response ${path}`, text: `${headers}\n\n${text}` });
      return { status: res.status, headers: res.headers, text, ending };
    },
    record(source, text) {
      produced.push({ source, text });
    },
    isAlive,
    async ensureRunning() {
      if (isAlive()) return;
      await current.p.stop();
      current = await spawn(gw.port, gw.metricsPort);
    },
    requestLog(requestId, timeoutMs = 5_000) {
      return current.p.waitForLine((l) => l.msg === "request" && l.requestId === requestId, timeoutMs);
    },
    async finish(extra = []) {
      if (isAlive()) {
        const metrics = await fetch(`http://127.0.0.1:${gw.metricsPort}/metrics`, {
          signal: AbortSignal.timeout(5_000),
        }).then(
          (r) => r.text(),
          (err: unknown) => `metrics unreadable: ${String(err)}`,
        );
        produced.push({ source: "/metrics", text: metrics });
      }
      for (const p of processes) await p.stop(5_000);
      const outputs = processes.map((p, i) => ({ source: `gateway output #${i}`, text: p.output() }));
      rmSync(dir, { recursive: true, force: true });
      assertNoCanary(scanner, [...outputs, ...produced, ...extra]);
    },
  };
  return gw;
}
