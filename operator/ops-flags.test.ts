import { describe, expect, it } from "vitest";
import { parseOpsFlags } from "./ops-flags.js";

describe("parseOpsFlags", () => {
  it("reads the port, the switch and the excluded namespaces", () => {
    expect(
      parseOpsFlags({
        "metrics-port": "0",
        "report-missed-injections": "false",
        "webhook-excluded-namespaces": " legacy, ,batch",
      }),
    ).toEqual({
      metricsPort: 0,
      reportMissedInjections: false,
      webhookExcludedNamespaces: new Set(["legacy", "batch"]),
    });
    expect(parseOpsFlags({ "metrics-port": "9090", "webhook-excluded-namespaces": "" })).toMatchObject({
      reportMissedInjections: true,
      webhookExcludedNamespaces: new Set(),
    });
  });

  it("refuses a bad port or switch, naming the flag", () => {
    expect(() => parseOpsFlags({ "metrics-port": "70000", "webhook-excluded-namespaces": "" })).toThrow(
      '--metrics-port must be 0-65535, got "70000"',
    );
    expect(() => parseOpsFlags({ "metrics-port": "x", "webhook-excluded-namespaces": "" })).toThrow(
      "--metrics-port",
    );
    expect(() =>
      parseOpsFlags({
        "metrics-port": "1",
        "report-missed-injections": "yes",
        "webhook-excluded-namespaces": "",
      }),
    ).toThrow("--report-missed-injections");
  });
});
