import { describe, expect, it } from "vitest";
import {
  type BenchRun,
  type ContestantResult,
  latencyCell,
  renderRun,
  renderTargets,
} from "./bench-results.js";
import type { LoadResult } from "./vegeta.js";

const load = (p50Ms: number, p99Ms: number, success = 1): LoadResult => ({
  requests: 1000,
  throughput: 1000 * success,
  success,
  p50Ms,
  p90Ms: p99Ms,
  p99Ms,
  maxMs: p99Ms,
  statusCodes: { "200": 1000 * success },
  errors: [],
});

function contestant(name: string, max: number, p50Ms: number, p99Ms: number): ContestantResult {
  const mode = { rates: { "1000": load(p50Ms, p99Ms) }, max: { throughput: max, workers: 8, p99Ms } };
  return { name, plain: mode, streamed: mode, openStreams: undefined, rssMiB: 100 };
}

const run = (contestants: ContestantResult[]): BenchRun => ({
  date: "2026-12-05T00:00:00.000Z",
  machine: { cpu: "test", cores: 2, node: "v24", kernel: "6" },
  command: "npm run bench",
  settings: { rates: [1000], seconds: 10, closedLoopSeconds: 5, p99BoundMs: 50, streams: 1000 },
  contestants,
});

describe("bench results", () => {
  it("prints p50/p99 and says how many requests failed", () => {
    expect(latencyCell(load(0.42, 1.234))).toBe("0.42/1.23");
    expect(latencyCell(load(12.5, 250, 0.9))).toBe("12.5/250 (10.0% failed)");
    expect(latencyCell(undefined)).toBe("-");
  });

  it("renders one row per contestant, and a failed mode says why", () => {
    const failing = contestant("Portkey gateway 1.15.2", 700, 5, 40);
    failing.streamed = { rates: {}, max: undefined, failure: "500 Internal Server Error" };
    const text = renderRun(run([contestant("mock, called directly", 9000, 0.3, 1), failing]));
    expect(text).toContain("| mock, called directly  |");
    expect(text).toMatch(/Portkey gateway 1\.15\.2 \| +700 \| +5\.00\/40\.0 \| +100 \|/);
    expect(text).toMatch(/\| Portkey gateway 1\.15\.2 \| +failed¹ \| +- \| +100 \|/);
    expect(text).toContain("¹ Portkey gateway 1.15.2: every request failed (500 Internal Server Error).");
  });

  it("reads the targets off the run: share of the bare proxy, multiple of Portkey, added latency", () => {
    const text = renderTargets(
      run([
        contestant("mock, called directly", 9000, 0.3, 1),
        contestant("bare node:http proxy", 6000, 0.5, 2),
        contestant("kuberelay (memory limiter)", 4800, 0.6, 2.5),
        contestant("Portkey gateway 1.15.2", 800, 5, 40),
      ]),
    );
    expect(text).toContain(
      "kuberelay (memory limiter), non-streamed: 80% of the bare proxy; 6.0× Portkey; added at 1000/s p50 0.30 ms, p99 1.50 ms",
    );
  });
});
