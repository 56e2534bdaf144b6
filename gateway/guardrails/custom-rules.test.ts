import { describe, expect, it } from "vitest";
import {
  compileCustomRules,
  MAX_CUSTOM_RULES,
  MAX_MATCHES_PER_TEXT,
  MAX_PATTERN_LENGTH,
} from "./custom-rules.js";
import { SEGMENT } from "./re2-engine.js";
import type { ArmedDetector } from "./types.js";

function compiled(rules: Parameters<typeof compileCustomRules>[0]): ArmedDetector[] {
  const result = compileCustomRules(rules);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.detectors;
}

function matches(detector: ArmedDetector, text: string): string[] {
  const out: string[] = [];
  detector.detect(text, (s, e) => out.push(text.slice(s, e)));
  return out;
}

describe("custom rules", () => {
  it("compiles rules and finds every match", () => {
    const [employee] = compiled([{ name: "employee-id", pattern: "EMP-[0-9]{6}", action: "redact" }]);
    if (employee === undefined) throw new Error("no detector");
    expect(employee.label).toBe("EMPLOYEE_ID");
    expect(matches(employee, "EMP-123456 and EMP-654321, not EMP-12")).toEqual(["EMP-123456", "EMP-654321"]);
  });

  it("reports offsets in UTF-16 units after emoji and lone surrogates", () => {
    const [rule] = compiled([{ name: "code", pattern: "X[0-9]+", action: "redact" }]);
    if (rule === undefined) throw new Error("no detector");
    const text = "😀 é \uDE00 X42 😀 X7";
    expect(matches(rule, text)).toEqual(["X42", "X7"]);
  });

  it("finds matches across segment boundaries, each once", () => {
    const [rule] = compiled([{ name: "code", pattern: "ZZ-[0-9]{4}", action: "redact" }]);
    if (rule === undefined) throw new Error("no detector");
    const text = `${"a".repeat(SEGMENT - 3)}ZZ-1234 ${"b".repeat(SEGMENT)}ZZ-9999 ZZ-0000`;
    expect(matches(rule, text)).toEqual(["ZZ-1234", "ZZ-9999", "ZZ-0000"]);
  });

  it("caps matches per text: past the cap the rest of the text is one match", () => {
    const [rule] = compiled([{ name: "code", pattern: "order-[0-9]+", action: "redact" }]);
    if (rule === undefined) throw new Error("no detector");
    const text = "order-12345 ".repeat(10_000);
    const start = performance.now();
    const found = matches(rule, text);
    const ms = performance.now() - start;
    expect(found).toHaveLength(MAX_MATCHES_PER_TEXT + 1);
    expect(found.slice(0, MAX_MATCHES_PER_TEXT).every((m) => m === "order-12345")).toBe(true);
    expect(text.endsWith(found[MAX_MATCHES_PER_TEXT] ?? "")).toBe(true);
    expect(found[MAX_MATCHES_PER_TEXT]?.length).toBe(text.length - MAX_MATCHES_PER_TEXT * 12);
    expect(ms).toBeLessThan(2_000);
  });

  it("sees the character before each search: \\b holds between matches and across segments", () => {
    const [rule] = compiled([{ name: "emp", pattern: "\\bEMP[0-9]", action: "redact" }]);
    if (rule === undefined) throw new Error("no detector");
    expect(matches(rule, "EMP1EMP2 EMP3")).toEqual(["EMP1", "EMP3"]);
    const glued = `${"a".repeat(SEGMENT - 1)}xEMP4 EMP5`;
    expect(glued.indexOf("EMP4")).toBe(SEGMENT);
    expect(matches(rule, glued)).toEqual(["EMP5"]);
  });

  it("anchors ^ to the start of the text, not of a segment", () => {
    const [rule] = compiled([{ name: "head", pattern: "^[a-z]{3}", action: "redact" }]);
    if (rule === undefined) throw new Error("no detector");
    expect(matches(rule, "abc".repeat(SEGMENT))).toEqual(["abc"]);
  });

  it("runs a catastrophic-backtracking pattern in linear time", () => {
    const [rule] = compiled([{ name: "evil", pattern: "(a+)+$", action: "block" }]);
    if (rule === undefined) throw new Error("no detector");
    const start = performance.now();
    matches(rule, `${"a".repeat(100_000)}!`);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it("supports inline flags", () => {
    const [rule] = compiled([{ name: "project", pattern: "(?i)project-[a-z]+", action: "redact" }]);
    if (rule === undefined) throw new Error("no detector");
    expect(matches(rule, "PROJECT-Apollo")).toEqual(["PROJECT-Apollo"]);
  });

  it("reports every problem with its path, without scanned text", () => {
    const result = compileCustomRules([
      { name: "Bad Name", pattern: "x", action: "redact" },
      { name: "backref", pattern: "(a)\\1", action: "redact" },
      { name: "lookahead", pattern: "a(?=b)", action: "block" },
      { name: "empty", pattern: "a*", action: "block" },
      { name: "long", pattern: "a".repeat(MAX_PATTERN_LENGTH + 1), action: "block" },
      { name: "email", pattern: "x", action: "block" },
      { name: "dup", pattern: "x", action: "block" },
      { name: "dup", pattern: "y", action: "block" },
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual([
      "custom[0].name",
      "custom[1].pattern",
      "custom[2].pattern",
      "custom[3].pattern",
      "custom[4].pattern",
      "custom[5].name",
      "custom[7].name",
    ]);
    expect(result.issues[1]?.message).toMatch(/not a valid RE2 pattern/);
  });

  it("bounds the number of rules", () => {
    const rules = Array.from({ length: MAX_CUSTOM_RULES + 1 }, (_, i) => ({
      name: `r${i}`,
      pattern: "x",
      action: "redact" as const,
    }));
    const result = compileCustomRules(rules);
    expect(result.ok).toBe(false);
  });

  it("runs rules through the joined prefilter and each finds its own matches", () => {
    const detectors = compiled([
      { name: "a-rule", pattern: "AAA[0-9]", action: "redact" },
      { name: "b-rule", pattern: "BBB[0-9]", action: "block" },
    ]);
    const text = `${"x ".repeat(5000)}AAA1 ${"y ".repeat(5000)}BBB2`;
    expect(detectors.map((d) => matches(d, text))).toEqual([["AAA1"], ["BBB2"]]);
  });
});
