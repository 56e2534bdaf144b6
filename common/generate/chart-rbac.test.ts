import { describe, expect, it } from "vitest";
import { CHART_RBAC_HEADER, renderChartRbac } from "./chart-rbac.js";

// Staleness of the committed file is checked with the other generated files (common/crd/crd-files.test.ts).
describe("generated chart RBAC", () => {
  const rendered = renderChartRbac();

  it("carries the generated-file header", () => {
    expect(rendered.startsWith(CHART_RBAC_HEADER)).toBe(true);
  });

  it("names every resource through a chart helper, never a fixed name", () => {
    expect(rendered).not.toMatch(/__KUBERELAY_[A-Z_]+__/);
    const names = rendered.match(/resourceNames:\n(\s+- .*\n)+/g) ?? [];
    const configSecret = names.filter((n) => n.includes('include "kuberelay.configSecretName"'));
    // Operator: config, shards (also delete); gateway: config (watch), shards (get).
    expect(configSecret).toHaveLength(4);
    const shardNames = configSecret.join("").match(/printf "%s-[ab]-\d+"/g) ?? [];
    expect(shardNames).toHaveLength(2 * 32);
    for (const n of names.join("").match(/- .*/g) ?? [])
      expect(n).toMatch(
        /^- \{\{ (include "kuberelay\.\w+" \.|printf "%s-[ab]-\d+" \(include "kuberelay\.\w+" \.\)) \| quote \}\}$/,
      );
  });

  it("lets the webhook read its serving Secret only, and never the CA Secret", () => {
    const webhookRole = rendered.slice(
      rendered.indexOf('kind: Role\nmetadata:\n  name: {{ include "kuberelay.fullname" . }}-webhook\n'),
    );
    const rules = webhookRole.slice(0, webhookRole.indexOf("---"));
    expect(rules).toContain('include "kuberelay.webhookTlsSecretName"');
    expect(rules).not.toContain("webhookCaSecretName");
    expect(rules).not.toMatch(/- (update|patch|create)/);
  });

  it("aggregates into the built-in roles without granting ProviderKey writes", () => {
    expect(rendered).toContain('rbac.authorization.k8s.io/aggregate-to-edit: "true"');
    expect(rendered).toContain('rbac.authorization.k8s.io/aggregate-to-view: "true"');
    const edit = rendered.slice(rendered.indexOf("}}-edit"), rendered.indexOf("}}-view"));
    expect(edit).toContain("relaykeys");
    expect(edit).not.toContain("providerkeys");
  });
});
