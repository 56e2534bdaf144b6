/**
 * Load from vegeta, pinned to the load core: a constant arrival rate (open loop, the rate does
 * not bend to a slow contestant) or a fixed number of workers each sending as fast as answers
 * come (closed loop). Latencies are vegeta's own, to the last byte of the body.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  requests: number;
  /** Answered requests per second (successful ones). */
  throughput: number;
  /** Fraction of 2xx answers. */
  success: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  statusCodes: Record<string, number>;
  errors: string[];
}

/** `vegeta report -type=json` output, the fields we read; latencies in nanoseconds. */
interface VegetaReport {
  latencies: { "50th": number; "90th": number; "99th": number; max: number };
  requests: number;
  throughput: number;
  success: number;
  status_codes: Record<string, number> | null;
  errors: string[] | null;
}

export function parseReport(json: string): LoadResult {
  const r = JSON.parse(json) as VegetaReport;
  const ms = (ns: number) => ns / 1e6;
  return {
    requests: r.requests,
    throughput: r.throughput,
    success: r.success,
    p50Ms: ms(r.latencies["50th"]),
    p90Ms: ms(r.latencies["90th"]),
    p99Ms: ms(r.latencies["99th"]),
    maxMs: ms(r.latencies.max),
    statusCodes: r.status_codes ?? {},
    errors: (r.errors ?? []).slice(0, 5),
  };
}

/** vegeta's HTTP target format: the request line, headers, then `@file` for the body. */
export function targetFile(dir: string, name: string, t: Target): string {
  const bodyPath = join(dir, `${name}.body.json`);
  const path = join(dir, `${name}.targets`);
  writeFileSync(bodyPath, t.body);
  const headers = Object.entries(t.headers).map(([k, v]) => `${k}: ${v}`);
  writeFileSync(path, [`POST ${t.url}`, ...headers, `@${bodyPath}`, ""].join("\n"));
  return path;
}

export type Load = { rate: number } | { workers: number };

/** One run: `vegeta attack | vegeta report`, both on `cpu`. */
export function attack(o: {
  vegeta: string;
  cpu: number;
  targets: string;
  load: Load;
  seconds: number;
}): Promise<LoadResult> {
  const shape =
    "rate" in o.load
      ? [`-rate=${o.load.rate}/s`]
      : ["-rate=0", `-workers=${o.load.workers}`, `-max-workers=${o.load.workers}`];
  const pinned = (args: string[]) => ["-c", String(o.cpu), o.vegeta, ...args];
  const run = spawn(
    "taskset",
    pinned([
      "attack",
      `-targets=${o.targets}`,
      `-duration=${o.seconds}s`,
      "-timeout=10s",
      // Enough idle keep-alive connections that open-loop load never waits to reconnect.
      "-connections=4096",
      ...shape,
    ]),
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const report = spawn("taskset", pinned(["report", "-type=json"]), {
    stdio: ["pipe", "pipe", "inherit"],
  });
  run.stdout.pipe(report.stdin);
  let out = "";
  report.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    report.once("error", reject);
    run.once("error", reject);
    report.once("exit", (code) => {
      if (code !== 0) reject(new Error(`vegeta report exited with ${code}`));
      else resolve(parseReport(out));
    });
  });
}
