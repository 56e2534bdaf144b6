import type { RedactionState } from "./redaction-state.js";
import type { Finding } from "./types.js";

/** Replaces each span (sorted, not overlapping: mergeOverlaps' output) with its placeholder. */
export function redact(text: string, spans: readonly Finding[], state: RedactionState): string {
  if (spans.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (const span of spans) {
    parts.push(
      text.slice(from, span.start),
      state.placeholderFor(span.label, text.slice(span.start, span.end)),
    );
    from = span.end;
  }
  parts.push(text.slice(from));
  return parts.join("");
}
