import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { promqlMetricNames } from "../e2e/harness/promql-metric-names.js";
import { registeredMetricNames } from "../e2e/harness/registered-metrics.js";

interface Panel {
  title?: string;
  type?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** Every PromQL expression in the dashboard: panel targets (rows' nested panels too) and variables. */
function expressions(dashboard: {
  panels: Panel[];
  templating: { list: { name: string; query?: unknown }[] };
}): { where: string; expr: string }[] {
  const found: { where: string; expr: string }[] = [];
  const visit = (panel: Panel) => {
    for (const t of panel.targets ?? [])
      if (t.expr) found.push({ where: `panel "${panel.title}"`, expr: t.expr });
    for (const p of panel.panels ?? []) visit(p);
  };
  for (const p of dashboard.panels) visit(p);
  for (const v of dashboard.templating.list) {
    const q = v.query as { query?: string } | string | undefined;
    const text = typeof q === "object" ? q.query : undefined;
    const labelValues = text && /^label_values\(([\w:]+),/.exec(text);
    if (labelValues?.[1]) found.push({ where: `variable ${v.name}`, expr: labelValues[1] });
  }
  return found;
}

describe("Grafana dashboard", () => {
  it("issue 15: every query names only metrics our processes export", async () => {
    const dashboard = JSON.parse(
      readFileSync(new URL("../charts/kuberelay/dashboards/kuberelay.json", import.meta.url), "utf8"),
    );
    const registered = await registeredMetricNames();
    const queries = expressions(dashboard);
    expect(queries.length).toBeGreaterThan(30);
    const unknown: string[] = [];
    for (const { where, expr } of queries) {
      const names = promqlMetricNames(expr);
      // An expression the extractor reads no metric from would pass without being checked.
      expect(names, `${where}: ${expr}`).not.toEqual([]);
      for (const name of names) if (!registered.has(name)) unknown.push(`${where}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });

  it("issue 15: reads its data source from a variable, and panels have unique ids", () => {
    const dashboard = JSON.parse(
      readFileSync(new URL("../charts/kuberelay/dashboards/kuberelay.json", import.meta.url), "utf8"),
    );
    const vars = dashboard.templating.list as { name: string; type: string }[];
    expect(vars.find((v) => v.name === "datasource")?.type).toBe("datasource");
    const panels = dashboard.panels as { id: number; type: string; datasource?: { uid: string } }[];
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels.filter((p) => p.type !== "row" && p.type !== "text")) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template.
      expect(p.datasource?.uid).toBe("${datasource}");
    }
  });
});
