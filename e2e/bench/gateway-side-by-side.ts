/**
 * `npm run bench`, first part: the gateway beside a bare Node proxy and Portkey's gateway,
 * under the same load. Each contestant runs alone, pinned to core 0; vegeta and benchmock
 * share core 1. Constant rates, then the closed-loop maximum at p99 under the bound, for
 * plain and streamed answers; then many streams held open at once. Prints Markdown tables
 * and writes e2e/bench/results.json.
 *
 * BENCH_SECONDS (per rate, default 10), BENCH_ONLY (comma-separated name prefixes),
 * BENCH_STREAMS (default 1000) shorten or narrow a run.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, release } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { repoRoot } from "../harness/kuberelay-process.js";
import {
  type BenchRun,
  type ContestantResult,
  type ModeResult,
  renderRun,
  renderTargets,
  type StreamProbeResult,
} from "./bench-results.js";
import { CONTESTANT_CPU, chatBody, LOAD_CPU, startBenchBed } from "./bench-setup.js";
import { type BenchSetup, contestants, type Running } from "./contestants.js";
import { attack, targetFile } from "./vegeta.js";

const RATES = [200, 500, 1000, 2000];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLOSED_LOOP_SECONDS = Math.max(3, Math.round(SECONDS / 2));
const WORKERS = [1, 2, 4, 8, 16, 32, 64, 128];
const P99_BOUND_MS = 50;
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
/** benchmock's pace for held streams: 20 chunks 200 ms apart keep each open about 4 s. */
const PACE = "200ms";
const ONLY = process.env.BENCH_ONLY?.split(",").map((s) => s.trim().toLowerCase());

async function measureMode(
  tools: string,
  dir: string,
  running: Running,
  stream: boolean,
): Promise<ModeResult> {
  const name = stream ? "streamed" : "plain";
  const headers = { "content-type": "application/json", ...running.endpoint.headers };
  const targets = targetFile(dir, name, { url: running.endpoint.url, headers, body: chatBody(stream) });
  const run = (load: { rate: number } | { workers: number }, seconds: number) =>
    attack({ vegeta: join(tools, "vegeta"), cpu: LOAD_CPU, targets, load, seconds });
  const warm = await run({ rate: 200 }, 3); // warm-up: JIT, pools, keep-alive connections
  // A contestant that answers nothing in this mode is not loaded further: the table says why.
  if (warm.success === 0) return { rates: {}, max: undefined, failure: warm.errors[0] ?? "no answer" };
  const rates: ModeResult["rates"] = {};
  for (const rate of RATES) {
    rates[String(rate)] = await run({ rate }, SECONDS);
    console.error(`  ${name} ${rate}/s: p50 ${rates[String(rate)]?.p50Ms.toFixed(2)} ms`);
    await sleep(500);
  }
  let max: ModeResult["max"];
  for (const workers of WORKERS) {
    const r = await run({ workers }, CLOSED_LOOP_SECONDS);
    console.error(
      `  ${name} ${workers} workers: ${r.throughput.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(1)} ms`,
    );
    if (r.success < 0.999 || r.p99Ms >= P99_BOUND_MS) break;
    if (!max || r.throughput > max.throughput) max = { throughput: r.throughput, workers, p99Ms: r.p99Ms };
    await sleep(500);
  }
  return { rates, max };
}

/** Holds STREAMS paced streams open at once through the contestant, sampling its memory. */
async function probeStreams(tools: string, running: Running): Promise<StreamProbeResult> {
  let peak: number | undefined;
  const sample = setInterval(() => {
    const rss = running.process?.rssMiB();
    if (rss !== undefined) peak = Math.max(peak ?? 0, rss);
  }, 100);
  try {
    const headers = Object.entries(running.endpoint.headers)
      .filter(([k]) => k !== "authorization")
      .flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
    const key = (running.endpoint.headers.authorization ?? "").replace(/^Bearer /, "");
    // Asynchronous, so the memory samples go on while the streams are open.
    const { stdout } = await promisify(execFile)(
      "taskset",
      ["-c", String(LOAD_CPU), join(tools, "streamprobe"), "-url", running.endpoint.url, "-key", key]
        .concat(["-streams", String(STREAMS), "-ramp", "2s"])
        .concat(headers),
      { encoding: "utf8", maxBuffer: 1 << 20 },
    );
    return { ...(JSON.parse(stdout) as Omit<StreamProbeResult, "peakRssMiB">), peakRssMiB: peak };
  } finally {
    clearInterval(sample);
  }
}

async function measure(tools: string, setup: BenchSetup, start: () => Promise<Running>, name: string) {
  const dir = join(setup.dir, name.replace(/[^a-z0-9]+/gi, "-"));
  mkdirSync(dir, { recursive: true });
  const running = await start();
  try {
    console.error(`${name}:`);
    const plain = await measureMode(tools, dir, running, false);
    const streamed = await measureMode(tools, dir, running, true);
    const openStreams = await probeStreams(tools, running);
    const result: ContestantResult = {
      name,
      plain,
      streamed,
      openStreams,
      rssMiB: running.process?.rssMiB(),
    };
    return result;
  } finally {
    await running.process?.stop();
  }
}

async function main(): Promise<void> {
  const bed = await startBenchBed(PACE);
  const { tools, setup } = bed;
  try {
    const chosen = contestants.filter((c) => !ONLY || ONLY.some((o) => c.name.toLowerCase().startsWith(o)));
    const results: ContestantResult[] = [];
    for (const c of chosen) results.push(await measure(tools, setup, () => c.start(setup), c.name));
    const run: BenchRun = {
      date: new Date().toISOString(),
      machine: {
        cpu: cpus()[0]?.model ?? "unknown",
        cores: cpus().length,
        node: process.version,
        kernel: release(),
      },
      command: "npm run bench",
      settings: {
        rates: RATES,
        seconds: SECONDS,
        closedLoopSeconds: CLOSED_LOOP_SECONDS,
        p99BoundMs: P99_BOUND_MS,
        streams: STREAMS,
      },
      contestants: results,
    };
    console.log(
      `\ngateway side by side: ${run.machine.cpu}, contestant on core ${CONTESTANT_CPU}, vegeta and benchmock on core ${LOAD_CPU}, Node ${process.version}\n`,
    );
    console.log(renderRun(run));
    console.log(`\n${renderTargets(run)}`);
    writeFileSync(join(repoRoot, "e2e", "bench", "results.json"), `${JSON.stringify(run, null, 2)}\n`);
  } finally {
    await bed.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
