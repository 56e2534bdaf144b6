import { describe, expect, it } from "vitest";
import type { CompiledPolicy } from "../common/config/gateway-config.js";
import { budgetsOf, watchNewBudgets } from "./new-budgets.js";
import type { RuntimeProvider, Snapshot } from "./snapshot.js";

const snapshot = (
  policies: Record<string, Partial<CompiledPolicy>>,
  providers: Record<string, Partial<RuntimeProvider>> = {},
): Snapshot =>
  ({
    keys: new Map(),
    policies: new Map(Object.entries(policies).map(([id, p]) => [id, { routes: [], ...p }])),
    providers: new Map(Object.entries(providers)),
  }) as unknown as Snapshot;

describe("new budgets in a config", () => {
  it("names each budget by owner and period, Policies' and ProviderKeys' per-namespace ones", () => {
    const s = snapshot(
      { "ns/a": { budget: { usdPerDay: 1 } }, "ns/b": {} },
      { "platform/openai": { perNamespace: { budget: { usdPerMonth: 9 } } } },
    );
    expect([...budgetsOf(s)].sort()).toEqual(["policy:ns/a:day", "provider:platform/openai:month"]);
  });

  it("tells when a budget appears or gains a period, not for the first config or one that drops one", () => {
    let calls = 0;
    const watch = watchNewBudgets(() => calls++);
    watch(snapshot({ "ns/a": { budget: { usdPerDay: 1 } } }));
    expect(calls).toBe(0);
    watch(snapshot({ "ns/a": { budget: { usdPerDay: 2 } } }));
    expect(calls).toBe(0);
    watch(snapshot({ "ns/a": { budget: { usdPerDay: 2, usdPerMonth: 20 } } }));
    expect(calls).toBe(1);
    watch(snapshot({ "ns/a": {} }));
    expect(calls).toBe(1);
    watch(snapshot({ "ns/a": {}, "ns/b": { budget: { usdPerDay: 1 } } }));
    expect(calls).toBe(2);
  });
});
