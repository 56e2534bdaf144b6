import type { Detector } from "../types.js";

/** Test helper: the values a detector finds in a text, in order. */
export function valuesFound(detector: Detector, text: string): string[] {
  const found: [number, number][] = [];
  detector.detect(text, (start, end) => found.push([start, end]));
  return found.sort((a, b) => a[0] - b[0]).map(([start, end]) => text.slice(start, end));
}
