/**
 * `npm run bench:profile`: where the gateway's time goes under load. kuberelay (memory limiter,
 * or Redis with BENCH_LIMITER=redis) runs with --cpu-prof on core 0 while vegeta keeps
 * BENCH_WORKERS requests in flight from core 1 (closed loop) for BENCH_SECONDS; then the
 * profile's self time is printed by origin and by function. BENCH_STREAM=1 profiles streamed
 * answers.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chatBody, LOAD_CPU, startBenchBed } from "./bench-setup.js";
import { type BenchSetup, kuberelay } from "./contestants.js";
import { busyFraction, byFunction, byOrigin, type CpuProfile, lastSeconds } from "./cpu-profile-summary.js";
import { attack, targetFile } from "./vegeta.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 16);
const STREAM = process.env.BENCH_STREAM === "1";
const LIMITER = process.env.BENCH_LIMITER === "redis" ? "redis" : "memory";
const TOP = Number(process.env.BENCH_TOP ?? 30);

async function main(): Promise<void> {
  const bed = await startBenchBed("50ms");
  const { tools } = bed;
  try {
    const profiles = join(bed.setup.dir, "profiles");
    mkdirSync(profiles);
    const setup: BenchSetup = { ...bed.setup, nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${profiles}`] };
    const gateway = await kuberelay(LIMITER).start(setup);
    const body = chatBody(STREAM);
    const headers = { "content-type": "application/json", ...gateway.endpoint.headers };
    const targets = targetFile(setup.dir, "profile", { url: gateway.endpoint.url, headers, body });
    const load = (seconds: number) =>
      attack({ vegeta: join(tools, "vegeta"), cpu: LOAD_CPU, targets, load: { workers: WORKERS }, seconds });
    await load(3);
    const result = await load(SECONDS);
    const loadEnded = Date.now();
    await gateway.process?.stop();
    const file = readdirSync(profiles).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("the gateway wrote no CPU profile");
    // The load's window only: the gateway stopped right after it (shutdown takes well under 1 s).
    const whole = JSON.parse(readFileSync(join(profiles, file), "utf8")) as CpuProfile;
    const profile = lastSeconds(whole, SECONDS - 1, (Date.now() - loadEnded) / 1000 + 0.5);
    console.log(
      `\nkuberelay gateway, ${STREAM ? "streamed" : "non-streamed"}, ${WORKERS} workers for ${SECONDS} s: ${result.throughput.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, success ${(100 * result.success).toFixed(1)}%; busy ${(100 * busyFraction(profile)).toFixed(0)}% of the profile\n`,
    );
    const print = (title: string, shares: { name: string; percent: number }[]) => {
      console.log(title);
      for (const s of shares.slice(0, TOP)) console.log(`${s.percent.toFixed(1).padStart(6)}%  ${s.name}`);
      console.log("");
    };
    print("self time by origin (% of busy samples)", byOrigin(profile));
    print("self time by function", byFunction(profile));
  } finally {
    await bed.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
