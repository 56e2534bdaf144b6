/**
 * What guardrails add to a request through the gateway, in `npm run bench`: kuberelay (memory
 * limiter, no ledger) answering a 4 KB and a 100 KB prompt at a constant rate, with a Policy
 * without guardrails and with every PII type redacted, secrets blocked and 10 custom rules. The
 * prompts hold a few emails and tickets to redact and nothing to block, so every one is forwarded.
 * Then streamed answers (benchmock's 20 chunks and a usage chunk), with the same rules on the
 * prompt only and on the answer too (`answers: true`, every event parsed, checked, re-written).
 */
import { join } from "node:path";
import { LOAD_CPU, startBenchBed } from "./bench-setup.js";
import { kuberelay } from "./contestants.js";
import { attack, targetFile } from "./vegeta.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const GUARDRAILS = {
  pii: "redact",
  secrets: "block",
  custom: Array.from({ length: 10 }, (_, i) => ({
    name: `rule-${i}`,
    pattern: `R${i}-[0-9]{4}-[A-Z]{2}`,
    action: "redact",
  })),
};

/**
 * Prose of about `bytes`: three emails and three custom-rule matches in all, or (dense) one of
 * each in every ~250 bytes, the worst a long document with many addresses does.
 */
function prompt(bytes: number, dense: boolean): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const value = dense || i < 3;
    const line = `Paragraph ${i}: the quarterly review covers shipping, invoices and the roadmap; write to ${value ? `owner${i % 7}@example.com` : "the owner"} about ${value ? `R${i % 10}-${String(1000 + i).slice(-4)}-QA` : "the plan"} before Friday, and keep the notes short and readable for everyone involved in the launch. `;
    parts.push(line);
    size += line.length;
  }
  return parts.join("").slice(0, bytes);
}

const body = (bytes: number, dense: boolean) =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt(bytes, dense) }] });

type Bed = Awaited<ReturnType<typeof startBenchBed>>;
type BenchPolicy = { name: string; spec: Record<string, unknown> } | undefined;

/** One gateway with `policy`, `body` sent at `rate` for SECONDS after 2 s of warm-up. */
async function measure(bed: Bed, policy: BenchPolicy, name: string, requestBody: string, rate: number) {
  const running = await kuberelay("memory", undefined, policy).start(bed.setup);
  try {
    const targets = targetFile(bed.setup.dir, name, {
      url: running.endpoint.url,
      headers: { "content-type": "application/json", ...running.endpoint.headers },
      body: requestBody,
    });
    const vegeta = join(bed.tools, "vegeta");
    await attack({ vegeta, cpu: LOAD_CPU, targets, load: { rate }, seconds: 2 });
    return await attack({ vegeta, cpu: LOAD_CPU, targets, load: { rate }, seconds: SECONDS });
  } finally {
    await running.process?.stop();
  }
}

const row = (what: string, policy: string, r: { p50Ms: number; p99Ms: number; success: number }) =>
  `| ${what} | ${policy} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${(100 * r.success).toFixed(2)}% |`;

const ON_PROMPTS = { name: "guardrails", spec: { guardrails: GUARDRAILS } };
const ON_ANSWERS = { name: "guardrails on answers", spec: { guardrails: { ...GUARDRAILS, answers: true } } };

/** Streamed answers: no guardrails, guardrails on the prompt, and on the answer too. */
async function streamedRows(bed: Bed): Promise<string[]> {
  const lines = [
    `| streamed answer, 4 KB prompt, rate for ${SECONDS} s | Policy | p50 ms | p99 ms | success |`,
  ];
  lines.push("|---|---|--:|--:|--:|");
  const streamed = JSON.stringify({ ...JSON.parse(body(4 * 1024, false)), stream: true });
  const named = new Map<BenchPolicy, string>([
    [undefined, "no guardrails"],
    [ON_PROMPTS, "the same rules, on the prompt"],
    [ON_ANSWERS, "the same, answers: true"],
  ]);
  for (const rate of [200, 400]) {
    for (const [policy, name] of named) {
      const r = await measure(bed, policy, `guardrails-stream-${policy?.name ?? "none"}`, streamed, rate);
      lines.push(row(`${rate}/s`, name, r));
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const bed = await startBenchBed("50ms");
  const lines = [
    `| prompt, rate for ${SECONDS} s | Policy | p50 ms | p99 ms | success |`,
    "|---|---|--:|--:|--:|",
  ];
  try {
    // Rates the guarded gateway keeps up with on one core: latency added, not queueing.
    for (const { bytes, rate, dense } of [
      { bytes: 4 * 1024, rate: 200, dense: false },
      { bytes: 100 * 1024, rate: 20, dense: false },
      { bytes: 100 * 1024, rate: 10, dense: true },
    ]) {
      for (const policy of [undefined, ON_PROMPTS]) {
        const r = await measure(bed, policy, `guardrails-${bytes}-${dense}`, body(bytes, dense), rate);
        const what = `${bytes / 1024} KB${dense ? ", a value every 250 bytes" : ", 6 values"}, ${rate}/s`;
        lines.push(row(what, policy ? "pii redact, secrets block, 10 custom rules" : "no guardrails", r));
      }
    }
    lines.push("", ...(await streamedRows(bed)));
  } finally {
    await bed.stop();
  }
  console.log(`\nguardrails through the gateway (Node ${process.version}):\n\n${lines.join("\n")}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
