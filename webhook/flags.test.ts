import { describe, expect, it } from "vitest";
import { parseWebhookFlags, UsageError } from "./flags.js";

const tls = ["--tls-cert-file", "/tls/tls.crt", "--tls-key-file", "/tls/tls.key"];

describe("parseWebhookFlags", () => {
  it("applies defaults and normalises the gateway URL", () => {
    expect(parseWebhookFlags([...tls, "--gateway-url", "http://gw.kuberelay.svc:8787/"], {})).toEqual({
      help: false,
      config: {
        host: "0.0.0.0",
        port: 8443,
        metricsPort: 9090,
        namespace: undefined,
        tls: { certFile: "/tls/tls.crt", keyFile: "/tls/tls.key" },
        gatewayUrl: "http://gw.kuberelay.svc:8787",
      },
    });
  });

  it("reads the gateway URL from the environment, the flag winning", () => {
    const env = { KUBERELAY_GATEWAY_URL: "https://from-env.example/relay" };
    expect(parseWebhookFlags(tls, env)).toMatchObject({
      config: { gatewayUrl: "https://from-env.example/relay" },
    });
    expect(parseWebhookFlags([...tls, "--gateway-url", "http://flag"], env)).toMatchObject({
      config: { gatewayUrl: "http://flag" },
    });
  });

  it("reads the metrics port and the own namespace", () => {
    const args = [...tls, "--gateway-url", "http://gw", "--metrics-port", "0", "--namespace", "relay"];
    expect(parseWebhookFlags(args, {})).toMatchObject({ config: { metricsPort: 0, namespace: "relay" } });
    expect(() => parseWebhookFlags([...args, "--metrics-port", "x"], {})).toThrow(/--metrics-port/);
  });

  it("accepts port 0 and a host", () => {
    expect(
      parseWebhookFlags([...tls, "--port", "0", "--host", "127.0.0.1"], {
        KUBERELAY_GATEWAY_URL: "http://g",
      }),
    ).toMatchObject({ config: { port: 0, host: "127.0.0.1" } });
  });

  it("reads the certificate from a Secret instead of files", () => {
    expect(parseWebhookFlags(["--tls-secret", "webhook-tls", "--gateway-url", "http://g"], {})).toMatchObject(
      {
        config: { tls: { secretName: "webhook-tls" } },
      },
    );
  });

  it("answers --help without requiring anything", () => {
    expect(parseWebhookFlags(["--help"], {})).toEqual({ help: true });
  });

  it.each([
    [["--tls-key-file", "k", "--gateway-url", "http://g"], /--tls-cert-file is required/],
    [["--tls-cert-file", "c", "--gateway-url", "http://g"], /--tls-key-file is required/],
    [tls, /--gateway-url \(or KUBERELAY_GATEWAY_URL\) is required/],
    [["--gateway-url", "http://g"], /--tls-cert-file and --tls-key-file, or --tls-secret, are required/],
    [[...tls, "--tls-secret", "s", "--gateway-url", "http://g"], /cannot be combined/],
    [[...tls, "--gateway-url", "gw:8787"], /must be http or https/],
    [[...tls, "--gateway-url", "not a url"], /not a URL/],
    [[...tls, "--gateway-url", "http://u:p@g"], /credentials/],
    [[...tls, "--gateway-url", "http://g", "--port", "99999"], /--port must be 0-65535/],
    [[...tls, "--gateway-url", "http://g", "--port", "-1"], /--port/],
    [[...tls, "--gateway-url", "http://g", "--bogus"], /bogus/],
  ])("refuses %j", (args, message) => {
    expect(() => parseWebhookFlags(args, {})).toThrow(UsageError);
    expect(() => parseWebhookFlags(args, {})).toThrow(message);
  });
});
