import { describe, expect, it } from "vitest";
import { luhnValid } from "./checksums.js";
import { fakeJwt, fakePrivateKeyPem } from "./detectors/fixtures.js";
import { compileGuardrails, type Guardrails } from "./guardrails.js";
import { RedactionState } from "./redaction-state.js";
import { MAX_HOLD, STREAM_WINDOW, type StreamInspector } from "./stream-inspector.js";
import type { GuardrailSettings } from "./types.js";

function compiled(settings: GuardrailSettings): Guardrails {
  const result = compileGuardrails(settings);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.guardrails;
}

/** Feeds the text in chunks of `size`; returns everything emitted and the largest hold seen. */
function run(
  inspector: StreamInspector,
  text: string,
  size: number,
): { out: string; maxHeld: number; blocked: boolean } {
  let out = "";
  let fed = 0;
  let maxHeld = 0;
  for (let i = 0; i < text.length; i += size) {
    const step = inspector.push(text.slice(i, i + size));
    fed += Math.min(size, text.length - i);
    if (step.blocked) return { out, maxHeld, blocked: true };
    out += step.text;
    maxHeld = Math.max(maxHeld, fed - out.length);
  }
  const last = inspector.end();
  return { out: out + last.text, maxHeld, blocked: last.blocked !== undefined };
}

const settings: GuardrailSettings = {
  pii: { email: "redact", card: "redact", phone: "redact" },
  secrets: "redact",
};

describe("StreamInspector", () => {
  it("redacts values split across chunks, for every chunk size", () => {
    const text = `Reach jane.doe@example.com or +44 20 7946 0958; card 4111 1111 1111 1111. ${"filler words ".repeat(40)}done`;
    for (const size of [1, 2, 3, 7, 16, 64, 1000]) {
      const { out } = run(compiled(settings).streamInspector(new RedactionState()), text, size);
      expect(out, `chunk size ${size}`).toBe(
        `Reach [EMAIL_1] or [PHONE_1]; card [CARD_1]. ${"filler words ".repeat(40)}done`,
      );
    }
  });

  it("shares placeholders with the request", () => {
    const g = compiled(settings);
    const state = new RedactionState();
    g.inspect(["from jane@example.com"], state);
    const { out } = run(g.streamInspector(state), "Hello jane@example.com and joe@example.com", 5);
    expect(out).toBe("Hello [EMAIL_1] and [EMAIL_2]");
  });

  it("holds back at most the window for ordinary text", () => {
    const text = "plain prose without anything to find, ".repeat(200);
    const { out, maxHeld } = run(compiled(settings).streamInspector(new RedactionState()), text, 50);
    expect(out).toBe(text);
    expect(maxHeld).toBeLessThanOrEqual(STREAM_WINDOW + 50);
  });

  it("holds a key or a PEM block in progress whole, within MAX_HOLD", () => {
    const jwt = fakeJwt(3);
    const pem = fakePrivateKeyPem().trim();
    const text = `token ${jwt} and key\n${pem}\nbye`;
    for (const size of [5, 40]) {
      const { out, maxHeld } = run(compiled(settings).streamInspector(new RedactionState()), text, size);
      expect(out).toBe("token [JWT_1] and key\n[PRIVATE_KEY_1]\nbye");
      expect(maxHeld).toBeLessThanOrEqual(MAX_HOLD);
    }
  });

  it("never holds more than MAX_HOLD, even inside an endless token", () => {
    const text = "a".repeat(MAX_HOLD * 3);
    const { out, maxHeld } = run(compiled(settings).streamInspector(new RedactionState()), text, 1000);
    expect(out).toBe(text);
    expect(maxHeld).toBeLessThanOrEqual(MAX_HOLD + 1000);
  });

  it("signals a block as soon as a blocked value is complete, and emits nothing after", () => {
    const g = compiled({ pii: { email: "block" } });
    const inspector = g.streamInspector(new RedactionState());
    const first = inspector.push(`${"safe text ".repeat(40)}mail jane@exa`);
    expect(first.blocked).toBeUndefined();
    expect(first.text).not.toContain("jane");
    const second = inspector.push("mple.com and more");
    expect(second).toMatchObject({ text: "", blocked: { type: "email" } });
    expect(inspector.push("later").text).toBe("");
  });

  it("keeps context across the emitted boundary (a phone word before a national number)", () => {
    const g = compiled({ pii: { phone: "redact" } });
    const text = `${"x ".repeat(200)}call me on 07700 900123 please`;
    const { out } = run(g.streamInspector(new RedactionState()), text, 7);
    expect(out).toBe(`${"x ".repeat(200)}call me on [PHONE_1] please`);
  });

  it("redacts custom-rule matches split across chunks", () => {
    const g = compiled({ custom: [{ name: "employee-id", pattern: "EMP-[0-9]{6}", action: "redact" }] });
    const text = `ids: EMP-123456, EMP-654321 and EMP-123456 again ${"x".repeat(600)} EMP-000001`;
    for (const size of [1, 4, 9, 100]) {
      const { out } = run(g.streamInspector(new RedactionState()), text, size);
      expect(out, `chunk size ${size}`).toBe(
        `ids: [EMPLOYEE_ID_1], [EMPLOYEE_ID_2] and [EMPLOYEE_ID_1] again ${"x".repeat(600)} [EMPLOYEE_ID_3]`,
      );
    }
  });

  it("does not block on a value still growing at the end of what has arrived", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111111234")).toBe(false);
    const g = compiled({ pii: { card: "block" } });
    const inspector = g.streamInspector(new RedactionState());
    expect(inspector.push("order 4111111111111111").blocked).toBeUndefined();
    expect(inspector.push("234 shipped").blocked).toBeUndefined();
    expect(inspector.end()).toMatchObject({ text: "order 4111111111111111234 shipped" });
  });
});
