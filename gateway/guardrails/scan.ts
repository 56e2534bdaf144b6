import type { ArmedDetector, Finding } from "./types.js";

/**
 * Runs every detector over the text. Findings come back sorted by start, longer first, then in
 * detector order, so the same text always gives the same list.
 */
export function scan(text: string, detectors: readonly ArmedDetector[]): Finding[] {
  const found: { finding: Finding; rank: number }[] = [];
  detectors.forEach((detector, rank) => {
    const { type, kind, label, action } = detector;
    detector.detect(text, (start, end) => {
      if (end > start) found.push({ finding: { type, kind, label, action, start, end }, rank });
    });
  });
  found.sort((a, b) => a.finding.start - b.finding.start || b.finding.end - a.finding.end || a.rank - b.rank);
  return found.map((f) => f.finding);
}

/**
 * Overlapping findings merged into one span each, so that redaction replaces every character any
 * detector found. A merged span takes the label of its longest member; among equally long ones the
 * first in scan order (earlier start, then detector order). Input must be scan's order.
 */
export function mergeOverlaps(findings: readonly Finding[]): Finding[] {
  const merged: Finding[] = [];
  let best: Finding | undefined;
  let start = 0;
  let end = -1;
  for (const finding of findings) {
    if (best !== undefined && finding.start < end) {
      if (finding.end - finding.start > best.end - best.start) best = finding;
      end = Math.max(end, finding.end);
      continue;
    }
    if (best !== undefined) merged.push({ ...best, start, end });
    best = finding;
    start = finding.start;
    end = finding.end;
  }
  if (best !== undefined) merged.push({ ...best, start, end });
  return merged;
}
