/**
 * The usage ledger in `npm run bench`: how many rows a second its writer puts into PostgreSQL
 * and into the embedded database, and what it adds to a gateway's latency — kuberelay (memory
 * limiter) at a constant rate without a ledger, then with one in each database. The machine's
 * PostgreSQL (DATABASE_URL, or 127.0.0.1:5432/test) is not pinned: it writes a batch a second.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrate } from "../../common/db/migrate.js";
import { migrations } from "../../common/db/migrations.js";
import { TEST_DATABASE_URL, testEmbedded, testPostgres } from "../../common/db/testing/test-databases.js";
import { UsageLedger } from "../../gateway/ledger/usage-ledger.js";
import type { UsageRow } from "../../gateway/ledger/usage-row.js";
import { chatBody, LOAD_CPU, startBenchBed } from "./bench-setup.js";
import { kuberelay } from "./contestants.js";
import { attack, targetFile } from "./vegeta.js";

const ROWS = Number(process.env.BENCH_LEDGER_ROWS ?? 50_000);
const RATE = Number(process.env.BENCH_LEDGER_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const row = (i: number): UsageRow => ({
  requestId: `req_bench_${i}`,
  occurredAt: Date.now(),
  relayKey: "bench/bench",
  policy: "bench/bench",
  surface: "openai",
  operation: "chat",
  model: "gpt-4o-mini",
  providerKey: "bench/mock",
  provider: "openai-compatible",
  upstreamModel: "gpt-4o-mini",
  status: 200,
  inputTokens: 12,
  outputTokens: 30,
  costUsd: 0.0000198,
  durationMs: 2,
  firstByteMs: 2,
  streamed: false,
  cancelled: false,
  usageEstimated: false,
});

async function writerThroughput(): Promise<string[]> {
  const lines = ["| database | rows | rows/s |", "|---|--:|--:|"];
  for (const [name, open] of [
    ["PostgreSQL 127.0.0.1", testPostgres],
    ["embedded (PGlite)", testEmbedded],
  ] as const) {
    const t = await open();
    try {
      await migrate(t.db, migrations);
      const ledger = new UsageLedger({ db: t.db, flushIntervalMs: 60_000, maxPending: ROWS + 1 });
      const started = performance.now();
      for (let i = 0; i < ROWS; i++) ledger.record(row(i));
      const left = await ledger.close();
      if (left > 0) throw new Error(`${name}: ${left} rows not written`);
      const seconds = (performance.now() - started) / 1000;
      lines.push(`| ${name} | ${ROWS} | ${Math.round(ROWS / seconds)} |`);
    } finally {
      await t.drop();
    }
  }
  return lines;
}

async function gatewayLatency(): Promise<string[]> {
  const schema = `kr_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const dataDir = mkdtempSync(join(tmpdir(), "kuberelay-bench-ledger-"));
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const bed = await startBenchBed("50ms");
  const lines = [
    `| kuberelay, ${RATE} req/s for ${SECONDS} s | p50 ms | p99 ms | success | RSS MiB | rows |`,
    "|---|--:|--:|--:|--:|--:|",
  ];
  try {
    const variants = [
      { contestant: kuberelay("memory"), rows: async () => "-" },
      {
        contestant: kuberelay("memory", {
          name: "ledger in PostgreSQL",
          args: () => ["--database-url", url.href],
        }),
        rows: async () =>
          (await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".usage_events`)).rows[0]
            ?.n ?? "0",
      },
      {
        contestant: kuberelay("memory", { name: "ledger embedded", args: () => ["--data-dir", dataDir] }),
        rows: async () => "(in the data directory)",
      },
    ];
    for (const { contestant, rows } of variants) {
      const running = await contestant.start(bed.setup);
      try {
        const headers = { "content-type": "application/json", ...running.endpoint.headers };
        const targets = targetFile(bed.setup.dir, "ledger", {
          url: running.endpoint.url,
          headers,
          body: chatBody(false),
        });
        const vegeta = join(bed.tools, "vegeta");
        await attack({ vegeta, cpu: LOAD_CPU, targets, load: { rate: RATE }, seconds: 3 });
        const r = await attack({ vegeta, cpu: LOAD_CPU, targets, load: { rate: RATE }, seconds: SECONDS });
        const rss = running.process?.rssMiB().toFixed(0) ?? "-";
        await running.process?.stop();
        lines.push(
          `| ${contestant.name} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${(100 * r.success).toFixed(2)}% | ${rss} | ${await rows()} |`,
        );
      } finally {
        await running.process?.stop();
      }
    }
  } finally {
    await bed.stop();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return lines;
}

async function main(): Promise<void> {
  const writer = await writerThroughput();
  console.log(`\nusage ledger writer, batches of 500 (Node ${process.version}):\n\n${writer.join("\n")}\n`);
  const gateway = await gatewayLatency();
  console.log(`${gateway.join("\n")}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
