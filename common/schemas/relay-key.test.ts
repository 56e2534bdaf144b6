import { describe, expect, it } from "vitest";
import { relayKeySecretLocation, relayKeySpecSchema } from "./relay-key.js";

const policyRef = { name: "default" };

describe("relayKeySpecSchema", () => {
  it("takes exactly one of secretName or secretRef", () => {
    expect(relayKeySpecSchema.safeParse({ policyRef, secretName: "k" }).success).toBe(true);
    expect(relayKeySpecSchema.safeParse({ policyRef, secretRef: { name: "s", key: "k" } }).success).toBe(
      true,
    );
    for (const spec of [{ policyRef }, { policyRef, secretName: "k", secretRef: { name: "s", key: "k" } }]) {
      const parsed = relayKeySpecSchema.safeParse(spec);
      expect(parsed.error?.issues[0]?.message).toMatch(/exactly one of secretName .* or secretRef/);
    }
  });
});

describe("relayKeySecretLocation", () => {
  it("is the generated Secret's `key`, or the referenced Secret and key", () => {
    expect(relayKeySecretLocation({ policyRef, secretName: "k" })).toEqual({
      secretName: "k",
      key: "key",
      generated: true,
    });
    expect(relayKeySecretLocation({ policyRef, secretRef: { name: "s", key: "token" } })).toEqual({
      secretName: "s",
      key: "token",
      generated: false,
    });
    expect(relayKeySecretLocation({ policyRef })).toBeUndefined();
  });
});
