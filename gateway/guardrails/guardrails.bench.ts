/**
 * Added latency of the guardrails on the request path: inspect (scan + redact) of a 4 KB and a
 * 100 KB prompt with every built-in detector on, then with 10 custom rules as well, and the
 * streaming inspector's cost per chunk. In-process, bounded loops; stops by itself.
 *
 *   npx tsx gateway/guardrails/guardrails.bench.ts
 */
import { SeededRandom } from "./corpus/random.js";
import * as gen from "./corpus/values.js";
import { fakeJwt, fakeOpenaiKey } from "./detectors/fixtures.js";
import { compileGuardrails, type Guardrails } from "./guardrails.js";
import { RedactionState } from "./redaction-state.js";
import type { CustomRuleSpec, GuardrailSettings } from "./types.js";

const WORDS = (
  "the a of to and in is it that for on with as was be this by are from at or an which have not " +
  "deploy request model token latency cluster policy budget retry upstream stream response prompt " +
  "customer invoice report quarter revenue function return const value config service error timeout"
).split(" ");

/** Prose with code, ids and numbers (look-alikes) and a few real values, about `size` characters. */
function prompt(size: number, r: SeededRandom): string {
  const parts: string[] = [];
  let length = 0;
  let n = 0;
  while (length < size) {
    n++;
    const words = Array.from({ length: r.int(8, 20) }, () => r.pick(WORDS)).join(" ");
    let sentence = `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
    if (n % 7 === 0)
      sentence += ` Request ${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-a${r.hex(3)}-${r.hex(12)} took ${r.int(10, 999)} ms.`;
    if (n % 11 === 0)
      sentence += ` const total = items.reduce((a, b) => a + b.price * 1.2, 0); // v${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`;
    if (n % 13 === 0)
      sentence += ` Order ${r.digits(12)} shipped 2024-0${r.int(1, 9)}-1${r.int(0, 9)}T10:30:00Z.`;
    if (n % 40 === 0) sentence += ` Contact ${gen.email(r)} or ${gen.phone(r)}.`;
    if (n % 90 === 0) sentence += ` Card ${gen.card(r)}, IBAN ${gen.iban(r)}.`;
    if (n % 150 === 0) sentence += ` key ${fakeOpenaiKey(n)} and token ${fakeJwt(n)}`;
    parts.push(sentence);
    length += sentence.length + 1;
  }
  // Make sure even the 4 KB prompt carries a few values.
  parts.splice(
    3,
    0,
    `Mail ${gen.email(r)}, call ${gen.phone(r)}, card ${gen.card(r)}, key ${fakeOpenaiKey(7)}.`,
  );
  return parts.join(" ").slice(0, size);
}

const CUSTOM: CustomRuleSpec[] = [
  { name: "employee-id", pattern: "EMP-[0-9]{6}", action: "redact" },
  { name: "project-code", pattern: "PRJ-[A-Z]{3}-[0-9]{4}", action: "redact" },
  { name: "internal-host", pattern: "[a-z0-9-]+\\.corp\\.internal", action: "redact" },
  { name: "ticket", pattern: "(?i)ticket #[0-9]{4,8}", action: "redact" },
  { name: "codename", pattern: "(?i)\\b(?:bluebird|nightjar|kestrel)\\b", action: "block" },
  { name: "badge", pattern: "badge [0-9]{5}", action: "redact" },
  { name: "contract", pattern: "CTR/[0-9]{4}/[0-9]{3}", action: "redact" },
  { name: "patient-id", pattern: "MRN[: ]?[0-9]{7,10}", action: "block" },
  { name: "vin", pattern: "\\b[A-HJ-NPR-Z0-9]{17}\\b", action: "redact" },
  { name: "license-plate", pattern: "\\b[A-Z]{2}[0-9]{2} ?[A-Z]{3}\\b", action: "redact" },
];

const ALL_BUILTINS: GuardrailSettings = {
  pii: {
    email: "redact",
    phone: "redact",
    card: "redact",
    iban: "redact",
    ssn: "redact",
    nationalId: "redact",
    ip: "redact",
  },
  secrets: "redact",
};

function compiled(settings: GuardrailSettings): Guardrails {
  const result = compileGuardrails(settings);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.guardrails;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

function measure(iterations: number, op: () => void): { p50: number; p99: number } {
  for (let i = 0; i < Math.min(50, iterations); i++) op();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    op();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

function row(name: string, m: { p50: number; p99: number }, unit = "ms"): string {
  const f = (x: number) => (unit === "µs" ? (x * 1000).toFixed(1) : x.toFixed(3)).padStart(9);
  return `  ${name.padEnd(46)} p50 ${f(m.p50)} ${unit}   p99 ${f(m.p99)} ${unit}`;
}

function streamPerChunk(g: Guardrails, text: string, chunkSize: number): { p50: number; p99: number } {
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const inspector = g.streamInspector(new RedactionState());
    for (let i = 0; i < text.length; i += chunkSize) {
      const start = performance.now();
      inspector.push(text.slice(i, i + chunkSize));
      if (round > 0) times.push(performance.now() - start);
    }
    inspector.end();
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

function main(): void {
  const r = new SeededRandom(2024);
  const small = prompt(4 * 1024, r);
  const large = prompt(100 * 1024, r);
  const builtins = compiled(ALL_BUILTINS);
  const withCustom = compiled({ ...ALL_BUILTINS, custom: CUSTOM });
  const found = builtins.inspect([large], new RedactionState()).findings.length;

  console.log(
    `guardrails: inspect = scan + redact, one text, a fresh RedactionState each time (${found} values in 100 KB)`,
  );
  console.log(
    row(
      "4 KB prompt, all built-in detectors",
      measure(2000, () => builtins.inspect([small], new RedactionState())),
    ),
  );
  console.log(
    row(
      "4 KB prompt, built-ins + 10 custom rules",
      measure(2000, () => withCustom.inspect([small], new RedactionState())),
    ),
  );
  console.log(
    row(
      "100 KB prompt, all built-in detectors",
      measure(200, () => builtins.inspect([large], new RedactionState())),
    ),
  );
  console.log(
    row(
      "100 KB prompt, built-ins + 10 custom rules",
      measure(200, () => withCustom.inspect([large], new RedactionState())),
    ),
  );
  const codes = "EMP-123456 in the log. ".repeat(2_000);
  console.log(
    row(
      "46 KB, 2,000 custom-rule matches (cap 1,000)",
      measure(20, () => withCustom.inspect([codes], new RedactionState())),
    ),
  );
  console.log("guardrails: streaming inspector, 100 KB response, cost of one push()");
  console.log(
    row("16-character chunks, built-ins + 10 custom rules", streamPerChunk(withCustom, large, 16), "µs"),
  );
  console.log(
    row("64-character chunks, built-ins + 10 custom rules", streamPerChunk(withCustom, large, 64), "µs"),
  );
  console.log(row("64-character chunks, built-ins only", streamPerChunk(builtins, large, 64), "µs"));
}

main();
