import { PII_DETECTORS, SECRET_DETECTORS } from "./detectors/builtin.js";
import {
  compileRe2,
  MAX_CUSTOM_MATCH,
  matchesIn,
  type Re2Pattern,
  type Segment,
  segments,
} from "./re2-engine.js";
import type { ArmedDetector, CustomRuleSpec } from "./types.js";

/** Bounds on what a Policy may ask for: compile time and memory stay small per config generation. */
export const MAX_CUSTOM_RULES = 32;
export const MAX_PATTERN_LENGTH = 512;
const NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** A problem with the guardrail settings, at a path into them. Never carries scanned text. */
export interface GuardrailIssue {
  path: string;
  message: string;
}

const BUILTIN_LABELS = new Set(
  [...Object.values(PII_DETECTORS), ...Object.values(SECRET_DETECTORS)].map((d) => d.label),
);

/** EMPLOYEE-ID → EMPLOYEE_ID: the placeholder stem of a rule. */
export function customLabel(name: string): string {
  return name.toUpperCase().replaceAll("-", "_");
}

function checkSpec(spec: CustomRuleSpec, path: string, seen: Set<string>): GuardrailIssue[] {
  const issues: GuardrailIssue[] = [];
  if (!NAME.test(spec.name)) {
    issues.push({
      path: `${path}.name`,
      message: "must be 1–40 lower-case letters, digits or dashes, starting with a letter",
    });
  } else if (seen.has(spec.name)) {
    issues.push({ path: `${path}.name`, message: `duplicate rule name "${spec.name}"` });
  } else if (BUILTIN_LABELS.has(customLabel(spec.name))) {
    issues.push({ path: `${path}.name`, message: `"${spec.name}" is the name of a built-in type` });
  }
  seen.add(spec.name);
  if (spec.action !== "redact" && spec.action !== "block") {
    issues.push({ path: `${path}.action`, message: "must be redact or block" });
  }
  if (spec.pattern.length === 0 || spec.pattern.length > MAX_PATTERN_LENGTH) {
    issues.push({ path: `${path}.pattern`, message: `must be 1–${MAX_PATTERN_LENGTH} characters` });
  }
  return issues;
}

/** RE2's reason without the pattern it echoes back. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const colon = message.lastIndexOf(": ");
  return colon >= 0 ? message.slice(colon + 2) : message;
}

function compileOne(spec: CustomRuleSpec, path: string): Re2Pattern | GuardrailIssue {
  let re: Re2Pattern;
  try {
    re = compileRe2(spec.pattern);
  } catch (error) {
    return {
      path: `${path}.pattern`,
      message: `not a valid RE2 pattern (no lookaround or backreferences): ${reason(error)}`,
    };
  }
  re.lastIndex = 0;
  if (re.exec("") !== null) return { path: `${path}.pattern`, message: "matches the empty string" };
  return re;
}

/**
 * One pattern that matches wherever any rule does: a segment it finds nothing in (the usual case)
 * costs one RE2 call instead of one per rule. Undefined when the rules cannot be joined (two of them
 * use the same group name), and then each rule runs on its own.
 */
function joined(specs: readonly CustomRuleSpec[]): Re2Pattern | undefined {
  if (specs.length < 2) return undefined;
  try {
    return compileRe2(specs.map((s) => `(?:${s.pattern})`).join("|"));
  } catch {
    return undefined;
  }
}

/** Remembers, for the last text scanned, which segments the joined pattern matched in. */
class SegmentCache {
  #text: string | undefined;
  #segments: Segment[] = [];

  constructor(private readonly any: Re2Pattern | undefined) {}

  /** Lets go of the text: the last rule calls this, so no request text outlives its scan. */
  clear(): void {
    this.#text = undefined;
    this.#segments = [];
  }

  candidates(text: string): readonly Segment[] {
    if (text === this.#text) return this.#segments;
    const all = [...segments(text)];
    const any = this.any;
    this.#segments =
      any === undefined
        ? all
        : all.filter((segment) => {
            any.lastIndex = 0;
            return any.test(segment.text);
          });
    this.#text = text;
    return this.#segments;
  }
}

/**
 * Each match costs an RE2 call over its segment (~30 µs, see SEGMENT),
 * so matches per rule per text are capped: past the cap, the rest of the text counts as one match.
 * For a redact rule that replaces the rest with one placeholder, for a block rule it blocks: either
 * way nothing the rule would have caught goes out, and a text costs at most ~50 ms per rule.
 */
export const MAX_MATCHES_PER_TEXT = 1_000;

function ruleDetector(
  spec: CustomRuleSpec,
  re: Re2Pattern,
  cache: SegmentCache,
  last: boolean,
): ArmedDetector {
  return {
    type: spec.name,
    kind: "custom",
    label: customLabel(spec.name),
    action: spec.action,
    detect(text, found) {
      try {
        scanRule(re, text, cache, found);
      } finally {
        if (last) cache.clear();
      }
    },
  };
}

function scanRule(
  re: Re2Pattern,
  text: string,
  cache: SegmentCache,
  found: (start: number, end: number) => void,
): void {
  let from = 0;
  let count = 0;
  const each = (start: number, end: number): boolean => {
    if (++count > MAX_MATCHES_PER_TEXT) {
      found(start, text.length);
      return false;
    }
    found(start, end);
    return true;
  };
  for (const segment of cache.candidates(text)) {
    const lastEnd = matchesIn(re, segment, Math.max(0, from - segment.base), each);
    if (lastEnd < 0) return;
    from = Math.max(from, segment.base + lastEnd);
  }
}

export type CompiledCustomRules =
  | { ok: true; detectors: ArmedDetector[] }
  | { ok: false; issues: GuardrailIssue[] };

/**
 * Compiles a Policy's custom rules once, for a config generation: every problem at once, with the
 * path of the field at fault. Matches are at most MAX_CUSTOM_MATCH characters.
 */
export function compileCustomRules(specs: readonly CustomRuleSpec[], path = "custom"): CompiledCustomRules {
  if (specs.length > MAX_CUSTOM_RULES) {
    return { ok: false, issues: [{ path, message: `at most ${MAX_CUSTOM_RULES} rules` }] };
  }
  const seen = new Set<string>();
  const issues: GuardrailIssue[] = [];
  const compiled: { spec: CustomRuleSpec; re: Re2Pattern }[] = [];
  specs.forEach((spec, i) => {
    const specIssues = checkSpec(spec, `${path}[${i}]`, seen);
    issues.push(...specIssues);
    if (specIssues.length > 0) return;
    const re = compileOne(spec, `${path}[${i}]`);
    if ("path" in re) issues.push(re);
    else compiled.push({ spec, re });
  });
  if (issues.length > 0) return { ok: false, issues };
  const cache = new SegmentCache(joined(specs));
  return {
    ok: true,
    detectors: compiled.map(({ spec, re }, i) => ruleDetector(spec, re, cache, i === compiled.length - 1)),
  };
}

export { MAX_CUSTOM_MATCH };
