/**
 * `npm run bench:soak`: memory over time at a constant rate. kuberelay (memory limiter) runs
 * alone on core 0 while vegeta sends BENCH_SOAK_RATE requests/s (default 1,000) from core 1 for
 * BENCH_SOAK_SECONDS (default 300), in 30-second slices. After each slice the gateway's RSS is
 * read: the table shows whether it stays flat, and the latency of each slice beside it.
 * BENCH_ONLY (comma-separated name prefixes) soaks other contestants instead.
 */
import { join } from "node:path";
import { chatBody, LOAD_CPU, startBenchBed } from "./bench-setup.js";
import { contestants } from "./contestants.js";
import { attack, targetFile } from "./vegeta.js";

const RATE = Number(process.env.BENCH_SOAK_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
const SLICE_SECONDS = 30;
const ONLY = (process.env.BENCH_ONLY ?? "kuberelay (memory").split(",").map((s) => s.trim().toLowerCase());

async function main(): Promise<void> {
  const bed = await startBenchBed("50ms");
  try {
    const chosen = contestants.filter((c) => ONLY.some((o) => c.name.toLowerCase().startsWith(o)));
    if (chosen.length === 0) throw new Error(`BENCH_ONLY matches no contestant: ${ONLY.join(", ")}`);
    for (const c of chosen) {
      const running = await c.start(bed.setup);
      try {
        const headers = { "content-type": "application/json", ...running.endpoint.headers };
        const targets = targetFile(bed.setup.dir, "soak", {
          url: running.endpoint.url,
          headers,
          body: chatBody(false),
        });
        const rows = [
          `| after | RSS MiB | p50 ms | p99 ms | max ms | success |`,
          `|---|---|---|---|---|---|`,
        ];
        const rss = () => running.process?.rssMiB().toFixed(0) ?? "-";
        rows.push(`| 0 s (idle) | ${rss()} | | | | |`);
        for (let done = 0; done < SECONDS; done += SLICE_SECONDS) {
          const seconds = Math.min(SLICE_SECONDS, SECONDS - done);
          const r = await attack({
            vegeta: join(bed.tools, "vegeta"),
            cpu: LOAD_CPU,
            targets,
            load: { rate: RATE },
            seconds,
          });
          const row = `| ${done + seconds} s | ${rss()} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.maxMs.toFixed(1)} | ${(100 * r.success).toFixed(2)}% |`;
          console.error(row);
          rows.push(row);
        }
        console.log(
          `\n${c.name}, ${RATE} req/s for ${SECONDS} s (Node ${process.version}):\n\n${rows.join("\n")}\n`,
        );
      } finally {
        await running.process?.stop();
      }
    }
  } finally {
    await bed.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
