/**
 * `npm run bench`: the gateway's added latency. The mock provider and a standalone gateway
 * run as separate processes; each tick of a fixed-rate schedule sends one chat completion
 * straight to the mock and one through the gateway, so both see the same conditions.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKuberelay } from "../harness/kuberelay-process.js";
import { standaloneConfig } from "../harness/standalone-config.js";
import { type Summary, summarise } from "./latency-stats.js";
import { startNodeScript } from "./node-script.js";
import { openLoop } from "./open-loop.js";

const RATE = Number(process.env.BENCH_RATE ?? 100);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;

function row(name: string, s: Summary): string {
  const f = (n: number) => n.toFixed(2).padStart(8);
  return `${name.padEnd(22)}${String(s.count).padStart(7)}${String(s.errors).padStart(7)}${f(s.p50)}${f(s.p90)}${f(s.p99)}${f(s.max)}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "kuberelay-bench-"));
  const providerKey = `sk-bench-${randomBytes(16).toString("hex")}`;
  const relayKey = `krk_${randomBytes(32).toString("base64url")}`;
  const mock = await startNodeScript("dist/e2e/mock-provider/main.js", [
    "--openai-key",
    providerKey,
    "--chunk-delay-ms",
    "0",
  ]);
  const configDir = join(dir, "config");
  standaloneConfig(configDir, { upstreamURL: `http://127.0.0.1:${mock.port}/v1`, providerKey, relayKey });
  const gateway = startKuberelay(
    "gateway",
    ["gateway", "--config-dir", configDir, "--host", "127.0.0.1", "--port", "0", "--metrics-port", "0"],
    {},
    join(dir, "gateway.log"),
  );
  try {
    const listening = await gateway.waitForLine((l) => l.msg === "listening");
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "benchmark" }] });
    const post = (url: string, key: string) => async () => {
      const res = await fetch(`${url}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body,
      });
      await res.arrayBuffer();
      return res.status === 200;
    };
    const direct = post(`http://127.0.0.1:${mock.port}/v1`, providerKey);
    const viaGateway = post(`http://127.0.0.1:${listening.port}/v1`, relayKey);
    await openLoop({ ratePerSecond: 50, durationMs: 2000, targets: [direct, viaGateway] }); // warm-up
    const [d, g] = await openLoop({
      ratePerSecond: RATE,
      durationMs: DURATION_MS,
      targets: [direct, viaGateway],
    });
    const sd = summarise(d?.latencies ?? [], d?.errors ?? 0);
    const sg = summarise(g?.latencies ?? [], g?.errors ?? 0);
    console.log(
      `\ngateway added latency — non-streaming chat completion, ${RATE} req/s each for ${DURATION_MS / 1000} s, Node ${process.version}`,
    );
    console.log(
      `${"".padEnd(22)}${"n".padStart(7)}${"errors".padStart(7)}${"p50 ms".padStart(8)}${"p90 ms".padStart(8)}${"p99 ms".padStart(8)}${"max ms".padStart(8)}`,
    );
    console.log(row("direct to mock", sd));
    console.log(row("through gateway", sg));
    console.log(`added: p50 ${(sg.p50 - sd.p50).toFixed(2)} ms, p99 ${(sg.p99 - sd.p99).toFixed(2)} ms`);
  } finally {
    await gateway.stop();
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
