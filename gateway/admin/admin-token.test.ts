import { describe, expect, it } from "vitest";
import { adminTokenFromEnv, bearerCheck } from "./admin-token.js";

const token = `${"a".repeat(20)}0123456789abcdef0123456789abcdef`;

describe("admin token", () => {
  const check = bearerCheck(token);

  it("accepts the token as a bearer credential, the scheme in any case", () => {
    expect(check(`Bearer ${token}`)).toBe(true);
    expect(check(`bearer ${token}`)).toBe(true);
  });

  it("security: refuses a missing header, another scheme, and wrong tokens of every length", () => {
    const sameLength = `${token.slice(0, -1)}${token.endsWith("f") ? "e" : "f"}`;
    expect(sameLength).toHaveLength(token.length);
    for (const header of [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      `Basic ${token}`,
      `Bearer ${sameLength}`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, 1)}`,
      `Bearer ${token.repeat(100)}`,
      `Bearer ${token} ${token}`,
      `Bearer ${token.toUpperCase()}`,
      token,
    ]) {
      expect(check(header)).toBe(false);
    }
  });

  it("is read from KUBERELAY_ADMIN_TOKEN, trimmed; unset is off; too short is an error that does not show it", () => {
    expect(adminTokenFromEnv({})).toBeUndefined();
    expect(adminTokenFromEnv({ KUBERELAY_ADMIN_TOKEN: "  " })).toBeUndefined();
    expect(adminTokenFromEnv({ KUBERELAY_ADMIN_TOKEN: `${token}\n` })).toBe(token);
    const short = "hunter2-hunter2";
    expect(() => adminTokenFromEnv({ KUBERELAY_ADMIN_TOKEN: short })).toThrow(/15 characters; at least 32/);
    try {
      adminTokenFromEnv({ KUBERELAY_ADMIN_TOKEN: short });
    } catch (err) {
      expect(String(err)).not.toContain(short);
    }
  });
});
