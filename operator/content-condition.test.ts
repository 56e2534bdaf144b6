import { describe, expect, it } from "vitest";
import type { Policy } from "../common/schemas/policy.js";
import { compile } from "./compile.js";
import { contentCondition, type GatewayContentAbilities } from "./content-condition.js";
import { parseGatewayContentFlags } from "./gateway-content-flags.js";

const policy = (mode?: "off" | "encrypted" | "plaintext"): Policy => ({
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "Policy",
  metadata: { namespace: "team-a", name: "default", uid: "u", generation: 1 },
  spec: { routes: [], ...(mode ? { content: { mode } } : {}) },
});

const can = (o: Partial<GatewayContentAbilities> = {}): GatewayContentAbilities => ({
  ledger: true,
  contentKey: false,
  allowPlaintext: false,
  ...o,
});

const verdict = (p: Policy, c: GatewayContentAbilities) => {
  const { status, reason } = contentCondition(p, c);
  return `${status} ${reason}`;
};

describe("the ContentCaptured condition", () => {
  it("says content is kept only where the gateways can keep it, as captureFor decides per request", () => {
    expect(verdict(policy(), can())).toBe("True Off");
    expect(verdict(policy("off"), can({ ledger: false }))).toBe("True Off");
    expect(verdict(policy("encrypted"), can({ contentKey: true }))).toBe("True Encrypted");
    expect(verdict(policy("encrypted"), can())).toBe("False NoContentKey");
    expect(verdict(policy("encrypted"), can({ contentKey: true, ledger: false }))).toBe("False NoLedger");
    expect(verdict(policy("plaintext"), can({ allowPlaintext: true }))).toBe("True Plaintext");
    // A content key does not turn plaintext into encrypted: nothing is kept, and the condition says so.
    expect(verdict(policy("plaintext"), can({ contentKey: true }))).toBe("False PlaintextNotAllowed");
    expect(verdict(policy("plaintext"), can({ allowPlaintext: true, ledger: false }))).toBe("False NoLedger");
  });

  it("names the setting that would change it", () => {
    expect(contentCondition(policy("encrypted"), can()).message).toContain("gateway.content.keySecret");
    expect(contentCondition(policy("plaintext"), can()).message).toContain("gateway.content.allowPlaintext");
    expect(contentCondition(policy("encrypted"), can({ ledger: false })).message).toContain("gateway.ledger");
  });

  it("is set beside Ready by a compile told what the gateways can do, and not by one that is not (standalone)", () => {
    const sources = {
      relayKeys: [],
      policies: [policy("encrypted")],
      providerKeys: [],
      namespaceLabels: () => ({}),
      relayKeyPlaintext: () => undefined,
      providerCredential: () => undefined,
      now: new Date("2026-12-06T00:00:00Z"),
    };
    const told = compile({ ...sources, gatewayContent: can() }).conditions.get("Policy/team-a/default");
    expect(told?.map((c) => c.type)).toEqual(["ResolvedRefs", "Ready", "ContentCaptured"]);
    // A Policy that keeps nothing it asked to keep still serves.
    expect(told?.find((c) => c.type === "Ready")?.status).toBe("True");
    const untold = compile(sources).conditions.get("Policy/team-a/default");
    expect(untold?.map((c) => c.type)).toEqual(["ResolvedRefs", "Ready"]);
  });

  it("reads its flags strictly, defaulting to a gateway with an embedded ledger and nothing else", () => {
    expect(parseGatewayContentFlags({})).toEqual({ ledger: true, contentKey: false, allowPlaintext: false });
    expect(parseGatewayContentFlags({ "gateway-content-key": "true", "gateway-ledger": "false" })).toEqual({
      ledger: false,
      contentKey: true,
      allowPlaintext: false,
    });
    expect(() => parseGatewayContentFlags({ "gateway-allow-plaintext": "yes please" })).toThrow(
      /gateway-allow-plaintext/,
    );
  });
});
