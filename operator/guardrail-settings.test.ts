import { describe, expect, it } from "vitest";
import type { Policy } from "../common/schemas/policy.js";
import { policySpecSchema } from "../common/schemas/policy.js";
import { compile } from "./compile.js";
import { guardrailSettings } from "./guardrail-settings.js";

const spec = (guardrails: unknown) =>
  policySpecSchema.parse({
    routes: [{ model: "m", targets: [{ providerKeyRef: { name: "p" } }] }],
    guardrails,
  });

describe("a Policy's guardrails, type by type", () => {
  it("applies pii to every type, piiTypes over it, and nothing when all is off", () => {
    expect(
      guardrailSettings(spec({ pii: "redact", piiTypes: { card: "block", ip: "off" } }).guardrails),
    ).toEqual({
      pii: {
        email: "redact",
        phone: "redact",
        card: "block",
        iban: "redact",
        ssn: "redact",
        nationalId: "redact",
      },
    });
    expect(guardrailSettings(spec({ piiTypes: { email: "block" } }).guardrails)).toEqual({
      pii: { email: "block" },
    });
    expect(guardrailSettings(spec({}).guardrails)).toBeUndefined();
    expect(guardrailSettings(undefined)).toBeUndefined();
  });

  it("reads the deprecated blockSecrets only when secrets is not set", () => {
    expect(guardrailSettings(spec({ blockSecrets: true }).guardrails)).toEqual({ secrets: "block" });
    expect(guardrailSettings(spec({ blockSecrets: true, secrets: "redact" }).guardrails)).toEqual({
      secrets: "redact",
    });
    expect(guardrailSettings(spec({ blockSecrets: true, secrets: "off" }).guardrails)).toBeUndefined();
  });

  it("security: a custom rule RE2 cannot compile makes the Policy not Ready, saying which and why", () => {
    const policy: Policy = {
      apiVersion: "kuberelay.dev/v1alpha1",
      kind: "Policy",
      metadata: { namespace: "ns", name: "p", uid: "u", generation: 1 },
      spec: spec({ custom: [{ name: "lookbehind", pattern: "(?<=x)y", action: "block" }] }),
    };
    const result = compile({
      relayKeys: [],
      policies: [policy],
      providerKeys: [],
      namespaceLabels: () => ({}),
      relayKeyPlaintext: () => undefined,
      providerCredential: () => undefined,
      now: new Date(),
    });
    const ready = result.conditions.get("Policy/ns/p")?.find((c) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "False", reason: "InvalidGuardrails" });
    expect(ready?.message).toContain("custom[0].pattern");
    // Still in the config: the gateways refuse its requests rather than serve them unchecked.
    expect(result.draft.policies["ns/p"]?.guardrails?.custom).toHaveLength(1);
  });
});
