/** What one benchmark run found, per contestant, and how it prints as a table. */
import type { LoadResult } from "./vegeta.js";

/** One body kind under every load the benchmark applies. */
export interface ModeResult {
  /** Constant arrival rate (req/s) → what vegeta measured. */
  rates: Record<string, LoadResult>;
  /** Closed loop: the most answers per second with p99 under the bound, and the workers that gave it. */
  max: { throughput: number; workers: number; p99Ms: number } | undefined;
  /** Why the contestant was not measured in this mode: it failed every warm-up request. */
  failure?: string;
}

export interface StreamProbeResult {
  streams: number;
  completed: number;
  errors: string[];
  chunks: number;
  firstChunkMs: { p50: number; p99: number; max: number };
  chunkDelayMs: { p50: number; p99: number; max: number };
  wallMs: number;
  /** The contestant's largest resident memory while the streams were open. */
  peakRssMiB: number | undefined;
}

export interface ContestantResult {
  name: string;
  plain: ModeResult;
  streamed: ModeResult;
  openStreams: StreamProbeResult | undefined;
  /** Resident memory after all of the above. */
  rssMiB: number | undefined;
}

export interface BenchRun {
  date: string;
  machine: { cpu: string; cores: number; node: string; kernel: string };
  command: string;
  settings: {
    rates: number[];
    seconds: number;
    closedLoopSeconds: number;
    p99BoundMs: number;
    streams: number;
  };
  contestants: ContestantResult[];
}

const rss = (c: ContestantResult) => (c.rssMiB === undefined ? "-" : c.rssMiB.toFixed(0));

const f = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));

/** `p50/p99` in ms, or what went wrong when not every request succeeded. */
export function latencyCell(r: LoadResult | undefined): string {
  if (!r) return "-";
  const cell = `${f(r.p50Ms)}/${f(r.p99Ms)}`;
  return r.success < 0.999 ? `${cell} (${(100 * (1 - r.success)).toFixed(1)}% failed)` : cell;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/** Markdown tables: each mode's latencies and maximum throughput, then the open streams. */
export function renderRun(run: BenchRun): string {
  const { rates, p99BoundMs } = run.settings;
  const mode = (title: string, pick: (c: ContestantResult) => ModeResult) => {
    const head = [
      title,
      `max req/s (p99 < ${p99BoundMs} ms)`,
      ...rates.map((r) => `${r}/s p50/p99 ms`),
      "RSS MiB",
    ];
    const rows = run.contestants.map((c) => {
      const m = pick(c);
      if (m.failure) return [c.name, "failed¹", ...rates.map(() => "-"), rss(c)];
      return [
        c.name,
        m.max ? m.max.throughput.toFixed(0) : "-",
        ...rates.map((r) => latencyCell(m.rates[String(r)])),
        rss(c),
      ];
    });
    const failures = run.contestants
      .filter((c) => pick(c).failure)
      .map((c) => `¹ ${c.name}: every request failed (${pick(c).failure}).`);
    return [table(head, rows), ...failures].join("\n");
  };
  const probes = run.contestants.filter((c) => c.openStreams);
  const streams = table(
    [
      `${run.settings.streams} open streams`,
      "completed",
      "first chunk p50/p99 ms",
      "per chunk p50/p99 ms",
      "peak RSS MiB",
    ],
    probes.map((c) => {
      const p = c.openStreams as StreamProbeResult;
      return [
        c.name,
        `${p.completed}/${p.streams}`,
        `${f(p.firstChunkMs.p50)}/${f(p.firstChunkMs.p99)}`,
        `${f(p.chunkDelayMs.p50)}/${f(p.chunkDelayMs.p99)}`,
        p.peakRssMiB === undefined ? "-" : p.peakRssMiB.toFixed(0),
      ];
    }),
  );
  return [
    mode("non-streamed", (c) => c.plain),
    "",
    mode("streamed (20 chunks)", (c) => c.streamed),
    "",
    streams,
  ].join("\n");
}

/** The issue's targets, read off the run: kuberelay against the bare proxy, Portkey and the mock. */
export function renderTargets(run: BenchRun, addedAtRate = 1000): string {
  const find = (prefix: string) => run.contestants.find((c) => c.name.startsWith(prefix));
  const mock = find("mock");
  const bare = find("bare");
  const portkey = find("Portkey");
  const lines: string[] = [];
  for (const c of run.contestants.filter((x) => x.name.startsWith("kuberelay"))) {
    for (const [label, pick] of [
      ["non-streamed", (x: ContestantResult) => x.plain],
      ["streamed", (x: ContestantResult) => x.streamed],
    ] as const) {
      const own = pick(c).max?.throughput;
      const parts: string[] = [];
      const ratio = (other: ContestantResult | undefined) => {
        const theirs = other && pick(other).max?.throughput;
        return own && theirs ? own / theirs : undefined;
      };
      const ofBare = ratio(bare);
      const ofPortkey = ratio(portkey);
      if (ofBare !== undefined) parts.push(`${(100 * ofBare).toFixed(0)}% of the bare proxy`);
      if (ofPortkey !== undefined) parts.push(`${ofPortkey.toFixed(1)}× Portkey`);
      const at = pick(c).rates[String(addedAtRate)];
      const floor = mock && pick(mock).rates[String(addedAtRate)];
      if (at && floor)
        parts.push(
          `added at ${addedAtRate}/s p50 ${f(at.p50Ms - floor.p50Ms)} ms, p99 ${f(at.p99Ms - floor.p99Ms)} ms`,
        );
      if (parts.length > 0) lines.push(`${c.name}, ${label}: ${parts.join("; ")}`);
    }
  }
  return lines.join("\n");
}
