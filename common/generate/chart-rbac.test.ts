import { describe, expect, it } from "vitest";
import { CHART_RBAC_HEADER, renderChartRbac } from "./chart-rbac.js";

// Staleness of the committed file is checked with the other generated files (common/crd/crd-files.test.ts).
describe("generated chart RBAC", () => {
  const rendered = renderChartRbac();

  it("carries the generated-file header", () => {
    expect(rendered.startsWith(CHART_RBAC_HEADER)).toBe(true);
  });

  it("names the config Secret through the chart helper, never a fixed name", () => {
    expect(rendered).not.toContain("__KUBERELAY_CONFIG_SECRET__");
    const lists = rendered.match(/resourceNames:\n(\s+- .*\n)+/g) ?? [];
    // Operator: config + shards; gateway: config (watch), shards (get).
    expect(lists).toHaveLength(3);
    const names = lists.flatMap((l) => l.split("\n").filter((line) => line.trim().startsWith("- ")));
    expect(names).toHaveLength(1 + 32 + 1 + 32);
    for (const n of names)
      expect(n).toMatch(
        /- \{\{ (include|printf "%s-[ab]-\d+" \(include) "kuberelay\.configSecretName" \.\)? \| quote \}\}$/,
      );
  });

  it("aggregates into the built-in roles without granting ProviderKey writes", () => {
    expect(rendered).toContain('rbac.authorization.k8s.io/aggregate-to-edit: "true"');
    expect(rendered).toContain('rbac.authorization.k8s.io/aggregate-to-view: "true"');
    const edit = rendered.slice(rendered.indexOf("}}-edit"), rendered.indexOf("}}-view"));
    expect(edit).toContain("relaykeys");
    expect(edit).not.toContain("providerkeys");
  });
});
