import { describe, expect, it } from "vitest";
import { MAX_GRACE_PERIOD_SECONDS, relayKeySecretLocation, relayKeySpecSchema } from "./relay-key.js";

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

describe("relayKeySpecSchema rotation", () => {
  const requestedAt = "2026-06-01T12:00:00Z";

  it("defaults the grace period to an hour and bounds it to 0 … 30 days", () => {
    const parsed = relayKeySpecSchema.parse({ policyRef, secretName: "k", rotation: { requestedAt } });
    expect(parsed.rotation).toEqual({ requestedAt, gracePeriodSeconds: 3600 });
    for (const gracePeriodSeconds of [0, MAX_GRACE_PERIOD_SECONDS]) {
      const spec = { policyRef, secretName: "k", rotation: { requestedAt, gracePeriodSeconds } };
      expect(relayKeySpecSchema.safeParse(spec).success).toBe(true);
    }
    for (const gracePeriodSeconds of [-1, MAX_GRACE_PERIOD_SECONDS + 1, 1.5]) {
      const spec = { policyRef, secretName: "k", rotation: { requestedAt, gracePeriodSeconds } };
      expect(relayKeySpecSchema.safeParse(spec).success).toBe(false);
    }
  });

  it("refuses rotation of a key brought by reference, saying who rotates it", () => {
    const spec = { policyRef, secretRef: { name: "s", key: "k" }, rotation: { requestedAt } };
    expect(relayKeySpecSchema.safeParse(spec).error?.issues[0]?.message).toMatch(
      /rotation applies to generated keys .* whoever owns the referenced Secret/,
    );
  });

  it("takes timestamps with any RFC 3339 offset, as the API server does", () => {
    for (const expiresAt of ["2026-06-01T12:00:00Z", "2026-06-01T14:00:00+02:00", "2026-06-01T12:00:00.5Z"]) {
      expect(relayKeySpecSchema.safeParse({ policyRef, secretName: "k", expiresAt }).success).toBe(true);
    }
    expect(relayKeySpecSchema.safeParse({ policyRef, secretName: "k", expiresAt: "tomorrow" }).success).toBe(
      false,
    );
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
