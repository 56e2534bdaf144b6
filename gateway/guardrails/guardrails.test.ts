import { describe, expect, it } from "vitest";
import { corpus } from "./corpus/corpus.js";
import { fakeOpenaiKey } from "./detectors/fixtures.js";
import { compileGuardrails, type Guardrails } from "./guardrails.js";
import { blockMessage, countHits } from "./inspection.js";
import { RedactionState } from "./redaction-state.js";
import { type GuardrailSetting, type GuardrailSettings, PII_TYPES } from "./types.js";

function everything(action: GuardrailSetting): GuardrailSettings {
  return { pii: Object.fromEntries(PII_TYPES.map((t) => [t, action])), secrets: action };
}

function compiled(settings: GuardrailSettings): Guardrails {
  const result = compileGuardrails(settings);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.guardrails;
}

describe("compileGuardrails and inspect", () => {
  it("is inactive when everything is off", () => {
    expect(compiled({}).active).toBe(false);
    expect(compiled({ pii: { email: "off" }, secrets: "off" }).active).toBe(false);
  });

  it("redacts with placeholders shared across the texts of a request", () => {
    const g = compiled({ pii: { email: "redact", card: "redact" } });
    const result = g.inspect(
      ["Mail jane@example.com, card 4111 1111 1111 1111.", "jane@example.com again; bob@example.org"],
      new RedactionState(),
    );
    expect(result.blocked).toBeUndefined();
    expect(result.texts).toEqual(["Mail [EMAIL_1], card [CARD_1].", "[EMAIL_1] again; [EMAIL_2]"]);
    expect(countHits(result.findings)).toEqual([
      { type: "email", kind: "pii", action: "redact", count: 3 },
      { type: "card", kind: "pii", action: "redact", count: 1 },
    ]);
  });

  it("leaves types that are off alone", () => {
    const g = compiled({ pii: { email: "redact" } });
    const text = "card 4111 1111 1111 1111";
    expect(g.inspect([text], new RedactionState()).texts).toEqual([text]);
  });

  it("blocks, naming the type and never the value", () => {
    const key = fakeOpenaiKey(11);
    const g = compiled({ pii: { email: "redact" }, secrets: "block" });
    const result = g.inspect(["hi a@b.io", `use ${key}`], new RedactionState());
    expect(result.blocked).toEqual({
      reason: "finding",
      type: "openaiKey",
      kind: "secret",
      label: "OPENAI_KEY",
    });
    if (result.blocked === undefined) return;
    const message = blockMessage(result.blocked);
    expect(message).toContain("OPENAI_KEY");
    expect(message).not.toContain(key);
    expect(JSON.stringify(result.findings)).not.toContain(key);
  });

  it("blocks even when a longer redact finding covers the blocked value", () => {
    const g = compiled({
      pii: { email: "block" },
      custom: [{ name: "whole-line", pattern: "contact: [^\\n]+", action: "redact" }],
    });
    const result = g.inspect(["contact: jane@example.com"], new RedactionState());
    expect(result.blocked).toMatchObject({ type: "email" });
  });

  it("names a custom rule in the block message", () => {
    const g = compiled({ custom: [{ name: "project-code", pattern: "PRJ-[0-9]{4}", action: "block" }] });
    const result = g.inspect(["about PRJ-1234"], new RedactionState());
    expect(result.blocked).toMatchObject({ type: "project-code", kind: "custom" });
    if (result.blocked)
      expect(blockMessage(result.blocked)).toBe(
        'The request was not forwarded: it contains a match of the rule "project-code", which this key\'s policy blocks.',
      );
  });

  it("refuses a text longer than maxScanChars rather than half-check it", () => {
    const g = compiled({ pii: { email: "redact" }, maxScanChars: 100 });
    const result = g.inspect(["x".repeat(101)], new RedactionState());
    expect(result.blocked).toEqual({ reason: "tooLarge", limit: 100 });
  });

  it("returns the issues of bad custom rules", () => {
    const result = compileGuardrails({ custom: [{ name: "x", pattern: "(?<=a)b", action: "redact" }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.path).toBe("custom[0].pattern");
  });

  it("leaves no labelled corpus value in a redacted text", () => {
    const g = compiled(everything("redact"));
    for (const line of corpus().filter((l) => l.labels.length > 0)) {
      const [out = ""] = g.inspect([line.text], new RedactionState()).texts;
      for (const label of line.labels)
        expect(out.includes(label.value), `${label.type} in ${out}`).toBe(false);
    }
  });

  it("never puts a found value in a block reason, its message or a finding", () => {
    const g = compiled(everything("block"));
    for (const line of corpus().filter((l) => l.labels.length > 0)) {
      const result = g.inspect([line.text], new RedactionState());
      if (result.blocked === undefined)
        throw new Error(`not blocked: ${line.labels.map((l) => l.type).join()}`);
      expect(result.texts).toEqual([]);
      const visible = JSON.stringify(result) + blockMessage(result.blocked);
      for (const label of line.labels) expect(visible.includes(label.value)).toBe(false);
    }
  });
});
