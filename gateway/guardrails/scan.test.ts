import { describe, expect, it } from "vitest";
import { redact } from "./redact.js";
import { RedactionState } from "./redaction-state.js";
import { mergeOverlaps, scan } from "./scan.js";
import type { ArmedDetector, Finding } from "./types.js";

function fixed(type: string, spans: [number, number][]): ArmedDetector {
  return {
    type,
    kind: "pii",
    label: type.toUpperCase(),
    action: "redact",
    detect: (_text, found) => {
      for (const [s, e] of spans) found(s, e);
    },
  };
}

const f = (type: string, start: number, end: number): Finding => ({
  type,
  kind: "pii",
  label: type.toUpperCase(),
  action: "redact",
  start,
  end,
});

describe("scan and mergeOverlaps", () => {
  it("sorts by start, longer first, then detector order", () => {
    const found = scan("x".repeat(20), [
      fixed("b", [[2, 5]]),
      fixed("a", [
        [2, 5],
        [2, 9],
        [0, 1],
      ]),
    ]);
    expect(found.map((x) => [x.type, x.start, x.end])).toEqual([
      ["a", 0, 1],
      ["a", 2, 9],
      ["b", 2, 5],
      ["a", 2, 5],
    ]);
  });

  it("merges overlaps into one span labelled by its longest member", () => {
    const merged = mergeOverlaps([f("a", 0, 4), f("b", 2, 12), f("c", 11, 14), f("d", 20, 22)]);
    expect(merged.map((x) => [x.type, x.start, x.end])).toEqual([
      ["b", 0, 14],
      ["d", 20, 22],
    ]);
  });

  it("on equal length keeps the first in scan order", () => {
    const merged = mergeOverlaps(scan("x".repeat(10), [fixed("secret", [[0, 5]]), fixed("pii", [[0, 5]])]));
    expect(merged.map((x) => x.type)).toEqual(["secret"]);
  });
});

describe("redact", () => {
  it("gives the same value the same placeholder across texts of a request", () => {
    const state = new RedactionState();
    const one = redact("a@b.co and c@d.co", [f("email", 0, 6), f("email", 11, 17)], state);
    const two = redact("again c@d.co", [f("email", 6, 12)], state);
    expect(one).toBe("[EMAIL_1] and [EMAIL_2]");
    expect(two).toBe("again [EMAIL_2]");
  });

  it("numbers each label on its own", () => {
    const state = new RedactionState();
    expect(redact("AAAA BBBB", [f("card", 0, 4), f("iban", 5, 9)], state)).toBe("[CARD_1] [IBAN_1]");
  });

  it("serialises to a count, never the values", () => {
    const state = new RedactionState();
    redact("secret-value", [f("x", 0, 12)], state);
    expect(JSON.stringify({ state })).toBe('{"state":{"placeholders":1}}');
    expect(String(state)).not.toContain("secret-value");
  });
});
