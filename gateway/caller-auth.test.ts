import { describe, expect, it } from "vitest";
import { hashRelayKey } from "../common/crypto/relay-key.js";
import { authenticate, callerKey } from "./caller-auth.js";
import { GatewayError } from "./errors.js";
import type { Snapshot } from "./snapshot.js";

const key = "krk_test-key";
const snapshot = (extra: object = {}): Snapshot => ({
  generation: "g",
  keys: new Map([[hashRelayKey(key), { hash: hashRelayKey(key), id: "ns/k", policy: "ns/p", ...extra }]]),
  policies: new Map(),
  providers: new Map(),
});

describe("caller auth", () => {
  it("reads the key from Bearer, x-api-key and api-key", () => {
    expect(callerKey({ authorization: `Bearer ${key}` })).toBe(key);
    expect(callerKey({ "x-api-key": key })).toBe(key);
    expect(callerKey({ "api-key": key })).toBe(key);
    expect(callerKey({})).toBeUndefined();
  });

  it("issue 10: the Bearer scheme is read in any case, after one or more spaces", () => {
    for (const scheme of ["bearer", "BEARER", "bEaReR", "Bearer"]) {
      expect(callerKey({ authorization: `${scheme} ${key}` })).toBe(key);
      expect(callerKey({ authorization: `${scheme}   ${key}` })).toBe(key);
    }
  });

  it("issue 10: refuses what RFC 9110 does not allow between scheme and token", () => {
    // Scheme only, a tab or other whitespace as the separator, no separator, a longer scheme.
    for (const auth of [
      "Bearer",
      "bearer",
      "Bearer ",
      `Bearer\t${key}`,
      `bearer\t${key}`,
      `Bearer \t${key}`,
      `Bearer\u00a0${key}`,
      `Bearer\n${key}`,
      `Bearer${key}`,
      `Bearerxyz ${key}`,
      `xBearer ${key}`,
      ` Bearer ${key}`,
    ])
      expect(callerKey({ authorization: auth }), JSON.stringify(auth)).toBeUndefined();
  });

  it("an authorization header holding a list is no credential, and does not throw", () => {
    const headers: Record<string, string | string[]> = {
      authorization: ["Bearer a", "Bearer b"],
      "x-api-key": key,
    };
    expect(callerKey(headers)).toBe(key);
    expect(callerKey({ ...headers, "x-api-key": [key] })).toBeUndefined();
  });

  it("accepts a known key and refuses unknown, disabled and expired ones with 401", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(authenticate(snapshot(), key, now).id).toBe("ns/k");
    const refused = (s: Snapshot, k: string | undefined) => {
      try {
        authenticate(s, k, now);
      } catch (e) {
        return e instanceof GatewayError ? e.status : 0;
      }
      return 200;
    };
    expect(refused(snapshot(), "krk_other")).toBe(401);
    expect(refused(snapshot(), undefined)).toBe(401);
    expect(refused(snapshot({ disabled: true }), key)).toBe(401);
    expect(refused(snapshot({ expiresAt: "2025-12-31T23:59:59Z" }), key)).toBe(401);
    expect(refused(snapshot({ expiresAt: "2026-01-01T00:00:01Z" }), key)).toBe(200);
  });
});
