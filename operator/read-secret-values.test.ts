import type { V1Secret } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { readSecretValues } from "./read-secret-values.js";
import { decodeBounded, MAX_CREDENTIAL_BYTES, OVERSIZE } from "./secret-value.js";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const MiB = 1024 * 1024;

describe("readSecretValues", () => {
  it("reads each Secret once and keeps only the keys asked for", async () => {
    const reads: string[] = [];
    const values = await readSecretValues(
      [
        { namespace: "p", name: "openai", key: "apiKey", use: "credential" },
        { namespace: "p", name: "openai", key: "orgKey", use: "credential" },
        { namespace: "t", name: "gone", key: "k", use: "relayKey" },
      ],
      async (ns, name) => {
        reads.push(`${ns}/${name}`);
        return name === "gone"
          ? undefined
          : { data: { apiKey: b64("sk-1"), orgKey: b64("org"), other: b64("x") } };
      },
    );
    expect(reads).toEqual(["p/openai", "t/gone"]);
    expect([...values]).toEqual([
      ["p/openai/apiKey", "sk-1"],
      ["p/openai/orgKey", "org"],
    ]);
  });

  it("security: holds a 10 MiB value as OVERSIZE, whether a relay key or a credential", async () => {
    const huge: V1Secret = { data: { k: Buffer.alloc(10 * MiB, 1).toString("base64") } };
    const values = await readSecretValues(
      [
        { namespace: "t", name: "big", key: "k", use: "relayKey" },
        { namespace: "p", name: "big", key: "k", use: "credential" },
      ],
      async () => huge,
    );
    expect(values.get("t/big/k")).toBe(OVERSIZE);
    expect(values.get("p/big/k")).toBe(OVERSIZE);
  });

  it("bounds a relay key far tighter than a credential", async () => {
    const value = `krk_${"a".repeat(1000)}`;
    const values = await readSecretValues(
      [
        { namespace: "t", name: "s", key: "rk", use: "relayKey" },
        { namespace: "p", name: "s", key: "cred", use: "credential" },
      ],
      async () => ({ data: { rk: b64(value), cred: b64(value) } }),
    );
    expect(values.get("t/s/rk")).toBe(OVERSIZE);
    expect(values.get("p/s/cred")).toBe(value);
  });
});

describe("decodeBounded", () => {
  it("keeps a value of exactly the bound and refuses one byte more", () => {
    const at = "x".repeat(MAX_CREDENTIAL_BYTES);
    expect(decodeBounded(b64(at), MAX_CREDENTIAL_BYTES)).toBe(at);
    expect(decodeBounded(b64(`${at}x`), MAX_CREDENTIAL_BYTES)).toBe(OVERSIZE);
    for (const n of [0, 1, 2, 3, 4]) expect(decodeBounded(b64("y".repeat(n)), 4)).toBe("y".repeat(n));
    expect(decodeBounded(b64("y".repeat(5)), 4)).toBe(OVERSIZE);
  });
});
