import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { listeningFields } from "./listening-fields.js";

describe("listeningFields", () => {
  it("issue 10: a standalone gateway names its config directory, not a namespace and Secret", () => {
    const fields = listeningFields(
      { port: 8787, metricsPort: 9090 },
      { configDir: "gateway/standalone/example" },
    );
    expect(fields).toEqual({
      port: 8787,
      metricsPort: 9090,
      configDir: resolve("gateway/standalone/example"),
    });
  });

  it("a gateway in a cluster names the namespace and config Secret it watches", () => {
    const fields = listeningFields(
      { port: 8787, metricsPort: 9090 },
      { namespace: "kuberelay-system", configSecret: "kuberelay-gateway-config" },
    );
    expect(fields).toEqual({
      port: 8787,
      metricsPort: 9090,
      namespace: "kuberelay-system",
      configSecret: "kuberelay-gateway-config",
    });
  });
});
