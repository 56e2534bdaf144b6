import { describe, expect, it } from "vitest";
import type { Policy } from "../common/schemas/policy.js";
import type { ProviderKey } from "../common/schemas/provider-key.js";
import { compile } from "./compile.js";
import {
  type GatewayLimitCounting,
  limitsSharedCondition,
  parseGatewayLimitFlags,
} from "./limits-condition.js";

const policy = (spec: Partial<Policy["spec"]> = {}): Policy => ({
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "Policy",
  metadata: { namespace: "team-a", name: "default", uid: "u", generation: 1 },
  spec: { routes: [], ...spec },
});

const providerKey = (perNamespace?: ProviderKey["spec"]["perNamespace"]): ProviderKey => ({
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "ProviderKey",
  metadata: { namespace: "platform", name: "openai", uid: "p", generation: 1 },
  spec: {
    provider: "openai",
    credentials: { secretKeyRef: { name: "openai", key: "apiKey" } },
    ...(perNamespace ? { perNamespace } : {}),
  },
});

const sources = (policies: Policy[], providerKeys: ProviderKey[] = []) => ({
  relayKeys: [],
  policies,
  providerKeys,
  namespaceLabels: () => ({}),
  relayKeyPlaintext: () => undefined,
  providerCredential: () => undefined,
  now: new Date("2026-12-06T00:00:00Z"),
});

const verdict = (counted: boolean, gateways: GatewayLimitCounting) => {
  const { status, reason } = limitsSharedCondition("it", counted, gateways);
  return `${status} ${reason}`;
};

describe("the LimitsShared condition", () => {
  it("says whether counted limits hold across the gateway replicas", () => {
    expect(verdict(true, { shared: true, replicas: 5 })).toBe("True SharedStore");
    expect(verdict(true, { shared: false, replicas: 1 })).toBe("True SingleReplica");
    expect(verdict(true, { shared: false, replicas: 3 })).toBe("False PerReplica");
    expect(verdict(false, { shared: false, replicas: 3 })).toBe("True NothingCounted");
    const perReplica = limitsSharedCondition("its budget", true, { shared: false, replicas: 3 });
    expect(perReplica.message).toContain("up to 3 times");
    expect(perReplica.message).toContain("gateway.limits.redisUrlSecret");
  });

  it("is set on Policies by what they count: body-size and output-token limits count nothing", () => {
    const gateways = { gatewayLimits: { shared: false, replicas: 2 } };
    const reasonOf = (p: Policy) =>
      compile({ ...sources([p]), ...gateways })
        .conditions.get("Policy/team-a/default")
        ?.find((c) => c.type === "LimitsShared")?.reason;
    expect(reasonOf(policy({ budget: { usdPerDay: 5 } }))).toBe("PerReplica");
    expect(reasonOf(policy({ limits: { requestsPerMinute: 60 } }))).toBe("PerReplica");
    expect(reasonOf(policy({ limits: { maxOutputTokens: 100, maxRequestBodyBytes: 1024 } }))).toBe(
      "NothingCounted",
    );
    expect(reasonOf(policy())).toBe("NothingCounted");
  });

  it("is set on ProviderKeys by their perNamespace caps, and on nothing by a compile not told (standalone)", () => {
    const told = compile({
      ...sources([], [providerKey({ budget: { usdPerMonth: 100 } })]),
      gatewayLimits: { shared: false, replicas: 2 },
    });
    const conds = told.conditions.get("ProviderKey/platform/openai");
    expect(conds?.find((c) => c.type === "LimitsShared")).toMatchObject({
      status: "False",
      reason: "PerReplica",
    });
    const untold = compile(sources([policy({ budget: { usdPerDay: 5 } })], [providerKey()]));
    for (const conds of untold.conditions.values()) {
      expect(conds.map((c) => c.type)).not.toContain("LimitsShared");
    }
  });

  it("reads its flags strictly: both or neither", () => {
    expect(parseGatewayLimitFlags({})).toBeUndefined();
    expect(parseGatewayLimitFlags({ "gateway-shared-limits": "false", "gateway-replicas": "2" })).toEqual({
      shared: false,
      replicas: 2,
    });
    expect(() => parseGatewayLimitFlags({ "gateway-replicas": "2" })).toThrow(/go together/);
    expect(() =>
      parseGatewayLimitFlags({ "gateway-shared-limits": "true", "gateway-replicas": "-1" }),
    ).toThrow(/gateway-replicas/);
    expect(() =>
      parseGatewayLimitFlags({ "gateway-shared-limits": "maybe", "gateway-replicas": "1" }),
    ).toThrow(/gateway-shared-limits/);
  });
});
