/** Guardrails: PII, secret and custom-rule detection with redaction and blocking, for prompts and streams. */
export { type GuardrailIssue, MAX_CUSTOM_RULES, MAX_PATTERN_LENGTH } from "./custom-rules.js";
export {
  type CompiledGuardrails,
  compileGuardrails,
  type Guardrails,
  type InspectResult,
  MAX_SCAN_CHARS,
} from "./guardrails.js";
export { type BlockReason, blockMessage, countHits, type Hit, type TextFinding } from "./inspection.js";
export { MAX_CUSTOM_MATCH } from "./re2-engine.js";
export { RedactionState } from "./redaction-state.js";
export { MAX_HOLD, STREAM_WINDOW, StreamInspector, type StreamStep } from "./stream-inspector.js";
export * from "./types.js";
