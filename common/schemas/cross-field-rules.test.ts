import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { toStructuralSchema } from "../crd/to-structural-schema.js";
import { policySpecSchema } from "./policy.js";
import { providerKeySpecSchema } from "./provider-key.js";
import { relayKeySpecSchema } from "./relay-key.js";

const messages = (schema: z.ZodType, value: unknown) =>
  schema.safeParse(value).error?.issues.map((i) => i.message) ?? [];

const route = { model: "gpt-*", targets: [{ providerKeyRef: { name: "openai" } }] };
const secretKeyRef = { name: "openai", key: "apiKey" };

describe("cross-field rules: the zod side of each CEL rule", () => {
  it("ProviderKey: one credential source, an absolute http(s) URL, https unless allowed, required fields", () => {
    const ok = { provider: "openai", credentials: { secretKeyRef } };
    expect(messages(providerKeySpecSchema, ok)).toEqual([]);
    expect(messages(providerKeySpecSchema, { ...ok, credentials: { secretKeyRef, ambient: true } })).toEqual([
      "set exactly one of secretKeyRef or ambient: true",
      "credentials.ambient is for bedrock and vertex only; other providers need credentials.secretKeyRef",
    ]);
    // A key without a cloud identity would call with no credential at all.
    expect(messages(providerKeySpecSchema, { ...ok, credentials: { ambient: true } })).toEqual([
      "credentials.ambient is for bedrock and vertex only; other providers need credentials.secretKeyRef",
    ]);
    for (const provider of ["bedrock", "vertex"]) {
      expect(
        messages(providerKeySpecSchema, { provider, region: "us-east-1", credentials: { ambient: true } }),
      ).toEqual([]);
    }
    expect(messages(providerKeySpecSchema, { ...ok, credentials: {} })).toEqual([
      "set exactly one of secretKeyRef or ambient: true",
    ]);
    expect(messages(providerKeySpecSchema, { ...ok, baseURL: "http://10.0.0.1/v1" })).toEqual([
      "baseURL must use https unless allowInsecureHttp is true (or allowPrivateNetwork, for an upstream on a private network)",
    ]);
    expect(
      messages(providerKeySpecSchema, {
        ...ok,
        baseURL: "http://api.example.com/v1",
        allowInsecureHttp: true,
      }),
    ).toEqual([]);
    expect(
      messages(providerKeySpecSchema, { ...ok, baseURL: "http://10.0.0.1/v1", allowPrivateNetwork: true }),
    ).toEqual([]);
    expect(
      messages(providerKeySpecSchema, { ...ok, baseURL: "ftp://example.com", allowPrivateNetwork: true }),
    ).toEqual(["baseURL must be an absolute http or https URL"]);
    expect(messages(providerKeySpecSchema, { ...ok, provider: "openai-compatible" })).toEqual([
      "baseURL is required for azure-openai and openai-compatible providers",
    ]);
    expect(messages(providerKeySpecSchema, { ...ok, provider: "bedrock" })).toEqual([
      "region is required for bedrock and vertex providers",
    ]);
  });

  it("Policy: targets non-empty, weights positive, a daily budget within the monthly one", () => {
    expect(messages(policySpecSchema, { routes: [route] })).toEqual([]);
    expect(messages(policySpecSchema, { routes: [{ ...route, targets: [] }] })).toHaveLength(1);
    const zeroWeight = { ...route, targets: [{ providerKeyRef: { name: "openai" }, weight: 0 }] };
    expect(messages(policySpecSchema, { routes: [zeroWeight] })).toHaveLength(1);
    expect(
      messages(policySpecSchema, { routes: [route], budget: { usdPerDay: 50, usdPerMonth: 10 } }),
    ).toEqual(["budget.usdPerDay must not exceed budget.usdPerMonth"]);
    expect(
      messages(policySpecSchema, { routes: [route], budget: { usdPerDay: 5, usdPerMonth: 10 } }),
    ).toEqual([]);
  });

  it("every rule reaches the CRD as CEL with the same message", () => {
    const rules = (schema: z.ZodType) => JSON.stringify(toStructuralSchema(schema));
    expect(rules(relayKeySpecSchema)).toContain("!has(self.rotation) || has(self.secretName)");
    expect(rules(policySpecSchema)).toContain("self.usdPerDay <= self.usdPerMonth");
    expect(rules(providerKeySpecSchema)).toContain("url(self.baseURL).getScheme() in ['http', 'https']");
  });
});
