import { afterAll, describe, expect, it } from "vitest";
import { PII_DETECTORS, SECRET_DETECTORS } from "./detectors/builtin.js";

/**
 * Every built-in detector against 100 KB inputs built to make a backtracking regex go quadratic or
 * worse. The bound is generous (500 ms) so a busy CI machine cannot flake it; the real figures are
 * printed, and are a few ms.
 */

const SIZE = 100_000;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

const INPUTS: Record<string, string> = {
  digits: fill("1"),
  "digits and spaces": fill("4 "),
  "digits and dashes": fill("1-"),
  "at signs": fill("@"),
  "a@": fill("a@"),
  "a.": fill("a."),
  "a.@": fill("a.a.a.a@"),
  dashes: fill("-"),
  "plus digits": fill("+1 "),
  letters: fill("a"),
  "upper and digits": fill("AB12 "),
  base64: fill("aB3+/_-"),
  colons: fill(":"),
  "hex and colons": fill("ab:"),
  "dotted digits": fill("1.1."),
  eyJ: fill("eyJ"),
  "eyJ dots": fill("eyJabcdefgh."),
  "sk-": fill("sk-"),
  "sk- word": fill("sk-a1"),
  AKIA: fill("AKIA"),
  "BEGIN lines": fill("-----BEGIN PRIVATE KEY-----\n"),
  "service account": `"type": "service_account" ${fill('"private_key": "\\')}`,
  "phone words": fill("call 0"),
  "ssn words": fill("ssn 1"),
};

const worst: { detector: string; input: string; ms: number }[] = [];

describe("detectors on adversarial 100 KB inputs", () => {
  const detectors = [...Object.values(PII_DETECTORS), ...Object.values(SECRET_DETECTORS)];
  it.each(detectors.map((d) => [d.type, d] as const))("%s stays linear", (_type, detector) => {
    let slowest = { input: "", ms: 0 };
    for (const [name, text] of Object.entries(INPUTS)) {
      const start = performance.now();
      detector.detect(text, () => {});
      const ms = performance.now() - start;
      if (ms > slowest.ms) slowest = { input: name, ms };
      expect(ms, `${detector.type} on ${name}`).toBeLessThan(500);
    }
    worst.push({ detector: detector.type, ...slowest });
  });

  afterAll(() => {
    const rows = worst.map(
      (w) => `  ${w.detector.padEnd(18)} ${w.ms.toFixed(1).padStart(6)} ms  (${w.input})`,
    );
    console.log(`slowest adversarial input per detector (100 KB):\n${rows.join("\n")}`);
  });
});
