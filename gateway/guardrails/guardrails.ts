import { type CompiledCustomRules, compileCustomRules, type GuardrailIssue } from "./custom-rules.js";
import { PII_DETECTORS, SECRET_DETECTORS } from "./detectors/builtin.js";
import { type BlockReason, blockedBy, type TextFinding } from "./inspection.js";
import { redact } from "./redact.js";
import type { RedactionState } from "./redaction-state.js";
import { mergeOverlaps, scan } from "./scan.js";
import { StreamInspector } from "./stream-inspector.js";
import { type ArmedDetector, type GuardrailSettings, PII_TYPES, SECRET_TYPES } from "./types.js";

/**
 * The most characters scanned in one text (a message, a system prompt, a streamed response). A
 * longer text is refused rather than half-checked. 1 Mi characters scan in ~tens of ms; request
 * bodies are capped well below that by `limits.maxRequestBodyBytes` in practice.
 */
export const MAX_SCAN_CHARS = 1_048_576;

export interface InspectResult {
  /** The texts to forward: redacted where a redact type was found, otherwise the same strings. Empty when blocked. */
  texts: string[];
  /** What was acted on, one per redacted span or blocking value; offsets into the input texts. */
  findings: TextFinding[];
  /** Set when the request must not go on: answer 400 (blockMessage) and forward nothing. */
  blocked?: BlockReason;
}

export interface Guardrails {
  /** False when every type is off: the pipeline can skip inspection entirely. */
  readonly active: boolean;
  inspect(texts: readonly string[], state: RedactionState): InspectResult;
  /** A checker for one streamed response, sharing the request's placeholders. */
  streamInspector(state: RedactionState): StreamInspector;
}

export type CompiledGuardrails =
  | { ok: true; guardrails: Guardrails }
  | { ok: false; issues: GuardrailIssue[] };

/** Secrets first, then custom rules, then PII: on equal spans the earlier type names the finding. */
function armBuiltins(settings: GuardrailSettings): { secrets: ArmedDetector[]; pii: ArmedDetector[] } {
  const secretAction = settings.secrets ?? "off";
  const secrets =
    secretAction === "off"
      ? []
      : SECRET_TYPES.map((type) => ({ ...SECRET_DETECTORS[type], action: secretAction }));
  const pii: ArmedDetector[] = [];
  for (const type of PII_TYPES) {
    const action = settings.pii?.[type] ?? "off";
    if (action !== "off") pii.push({ ...PII_DETECTORS[type], action });
  }
  return { secrets, pii };
}

function inspectWith(detectors: readonly ArmedDetector[], maxScanChars: number) {
  return (texts: readonly string[], state: RedactionState): InspectResult => {
    const tooLong = texts.find((t) => t.length > maxScanChars);
    if (tooLong !== undefined)
      return { texts: [], findings: [], blocked: { reason: "tooLarge", limit: maxScanChars } };
    const scanned = texts.map((text) => scan(text, detectors));
    for (const [textIndex, findings] of scanned.entries()) {
      const blocking = findings.find((f) => f.action === "block");
      if (blocking !== undefined) {
        return { texts: [], findings: [{ ...blocking, textIndex }], blocked: blockedBy(blocking) };
      }
    }
    const findings: TextFinding[] = [];
    const redacted = texts.map((text, textIndex) => {
      const spans = mergeOverlaps(scanned[textIndex] ?? []);
      for (const span of spans) findings.push({ ...span, textIndex });
      return redact(text, spans, state);
    });
    return { texts: redacted, findings };
  };
}

/**
 * Turns a Policy's guardrail settings into a checker, once per config generation: custom rules are
 * compiled here, so the request path only runs them. Returns every problem with its field's path.
 */
export function compileGuardrails(settings: GuardrailSettings): CompiledGuardrails {
  const custom: CompiledCustomRules = compileCustomRules(settings.custom ?? []);
  if (!custom.ok) return custom;
  const { secrets, pii } = armBuiltins(settings);
  const detectors = [...secrets, ...custom.detectors, ...pii];
  const maxScanChars = settings.maxScanChars ?? MAX_SCAN_CHARS;
  return {
    ok: true,
    guardrails: {
      active: detectors.length > 0,
      inspect: inspectWith(detectors, maxScanChars),
      streamInspector: (state) => new StreamInspector(detectors, state, maxScanChars),
    },
  };
}
