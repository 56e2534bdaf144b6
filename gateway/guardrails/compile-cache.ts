import { stableStringify } from "../../common/stable-json.js";
import { type CompiledGuardrails, compileGuardrails } from "./guardrails.js";
import type { GuardrailSettings } from "./types.js";

/** Distinct settings kept compiled; past it the oldest goes (its RE2 memory is not freed: bounded, not zero). */
const MAX_ENTRIES = 1024;
const compiled = new Map<string, CompiledGuardrails>();

/**
 * A Policy's guardrails, compiled once per distinct settings rather than once per config
 * generation: generations change with every RelayKey, and RE2 patterns are never freed.
 */
export function guardrailsFor(settings: GuardrailSettings): CompiledGuardrails {
  const key = stableStringify(settings);
  const hit = compiled.get(key);
  if (hit) return hit;
  const result = compileGuardrails(settings);
  if (compiled.size >= MAX_ENTRIES) {
    const oldest = compiled.keys().next().value;
    if (oldest !== undefined) compiled.delete(oldest);
  }
  compiled.set(key, result);
  return result;
}
