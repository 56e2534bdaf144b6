import type { V1Lease } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { toRecord } from "./lease-store.js";

describe("toRecord", () => {
  it("reads MicroTime fields that arrive as strings (as the client delivers them) into Dates", () => {
    const wire: unknown = {
      metadata: { resourceVersion: "7" },
      spec: { holderIdentity: "a", leaseDurationSeconds: 15, renewTime: "2026-01-01T00:00:00.000000Z" },
    };
    const r = toRecord(wire as V1Lease);
    expect(r.renewTime?.getTime()).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(r).toMatchObject({ holderIdentity: "a", resourceVersion: "7", leaseTransitions: 0 });
  });
});
