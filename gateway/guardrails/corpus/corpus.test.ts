import { afterAll, describe, expect, it } from "vitest";
import { PII_DETECTORS, SECRET_DETECTORS } from "../detectors/builtin.js";
import type { Detector } from "../types.js";
import { corpus } from "./corpus.js";

/**
 * Recall and false-positive rate of every built-in detector on the corpus. Recall: the share of
 * labelled values of a type that its detector finds (a span covering the value). False-positive
 * rate: the share of lines holding no value of a type in which its detector still finds something
 * that covers no labelled value. Floors: recall 100% (every corpus value is in a format we claim to
 * handle), false positives ≤ 1% per type over ~500 negative lines (a few stray lines at most).
 */

const lines = corpus();
const detectors: Detector[] = [...Object.values(PII_DETECTORS), ...Object.values(SECRET_DETECTORS)];
const figures: { type: string; positives: number; recall: number; negatives: number; fp: number }[] = [];

function spans(detector: Detector, text: string): [number, number][] {
  const out: [number, number][] = [];
  detector.detect(text, (s, e) => out.push([s, e]));
  return out;
}

describe("corpus", () => {
  it("holds a few hundred labelled lines", () => {
    expect(lines.length).toBeGreaterThan(500);
    expect(lines.filter((l) => l.labels.length === 0).length).toBeGreaterThan(200);
  });

  it.each(detectors.map((d) => [d.type, d] as const))(
    "%s: recall 100%%, false positives ≤ 1%%",
    (type, detector) => {
      let positives = 0;
      let missed = 0;
      let negatives = 0;
      let falsePositives = 0;
      const fpLines: string[] = [];
      for (const line of lines) {
        const found = spans(detector, line.text);
        const mine = line.labels.filter((l) => l.type === type);
        const covers = (value: string) => {
          const at = line.text.indexOf(value);
          return found.some(([s, e]) => s <= at && e >= at + value.length);
        };
        for (const label of mine) {
          positives++;
          if (!covers(label.value)) missed++;
        }
        if (mine.length === 0) {
          negatives++;
          const stray = found.filter(
            ([s, e]) =>
              !line.labels.some((l) => {
                const at = line.text.indexOf(l.value);
                return s < at + l.value.length && e > at;
              }),
          );
          if (stray.length > 0) {
            falsePositives++;
            fpLines.push(line.text.slice(0, 80));
          }
        }
      }
      const recall = positives === 0 ? 1 : (positives - missed) / positives;
      const fp = falsePositives / negatives;
      figures.push({ type, positives, recall, negatives, fp });
      if (process.env.CORPUS_DEBUG) console.log(type, fpLines);
      expect(recall, `${type} missed ${missed} of ${positives}`).toBe(1);
      expect(fp, `${type} false positives in:\n${fpLines.join("\n")}`).toBeLessThanOrEqual(0.01);
    },
  );

  afterAll(() => {
    const rows = figures.map(
      (f) =>
        `  ${f.type.padEnd(18)} recall ${(f.recall * 100).toFixed(1).padStart(5)}% of ${String(f.positives).padStart(3)}   FP ${(f.fp * 100).toFixed(2).padStart(5)}% of ${f.negatives} lines`,
    );
    console.log(`guardrails corpus (${lines.length} lines):\n${rows.join("\n")}`);
  });
});
