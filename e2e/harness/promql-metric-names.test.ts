import { describe, expect, it } from "vitest";
import { promqlMetricNames } from "./promql-metric-names.js";

describe("promqlMetricNames", () => {
  it("finds metrics before a selector, a range, or bare inside a function", () => {
    expect(
      promqlMetricNames(
        'sum by (le) (rate(a_bucket{code_class="5xx",ns=~"$namespace"}[$__rate_interval])) / max(b) - time()',
      ),
    ).toEqual(["a_bucket", "b"]);
  });

  it("skips grouping labels, keywords, numbers, durations and strings that look like names", () => {
    expect(
      promqlMetricNames(
        'sum by (policy_namespace) (increase(c[24h])) / on (policy_namespace) group_left max without (pod) (d{period="day"}) > 0.8 and bool e offset 5m',
      ),
    ).toEqual(["c", "d", "e"]);
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (le, provider) (rate(f_bucket{reason=~"g|h"}[5m])))',
      ),
    ).toEqual(["f_bucket"]);
    expect(promqlMetricNames("count(count by (generation) (i))")).toEqual(["i"]);
  });
});
