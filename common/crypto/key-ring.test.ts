import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type Envelope, localMasterKey, open, seal } from "./envelope.js";
import { KeyRing } from "./key-ring.js";

describe("KeyRing", () => {
  const a = localMasterKey(randomBytes(32));
  const b = localMasterKey(randomBytes(32));

  it("opens envelopes under any held key and seals under the current one", async () => {
    const ring = new KeyRing(b, [a]);
    const underA = await seal(a, "sk-a", "ns/p");
    expect(await open(ring, underA, "ns/p")).toBe("sk-a");
    expect(ring.isStale(underA.kek)).toBe(true);
    const underB = await seal(ring.current, "sk-b", "ns/p");
    expect(underB.kek).toBe(b.id);
    expect(ring.isStale(underB.kek)).toBe(false);
    expect(ring.ids).toEqual([b.id, a.id]);
  });

  it("refuses an envelope under a key it does not hold", async () => {
    const env = await seal(a, "sk-a", "ns/p");
    await expect(open(new KeyRing(b), env, "ns/p")).rejects.toThrow(/does not hold/);
  });

  it("reads envelopes from before key ids (`local`) with the first local key", async () => {
    const legacyA = localMasterKey(randomBytes(32), "local");
    const legacy: Envelope = await seal(legacyA, "sk-old", "ns/p");
    expect(legacy.kek).toBe("local");
    const same = { ...legacyA, id: "local:0000000000000000" };
    expect(await open(new KeyRing(same, [b]), legacy, "ns/p")).toBe("sk-old");
    expect(new KeyRing(same).isStale("local")).toBe(true);
  });
});
