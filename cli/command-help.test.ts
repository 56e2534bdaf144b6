import { describe, expect, it } from "vitest";
import { gatewayUsage } from "../gateway/command.js";
import { allUsages, commandHelp } from "./command-help.js";

describe("commandHelp", async () => {
  it("issue 10: `kuberelay gateway --help` prints the gateway's usage instead of failing on an unknown option", async () => {
    expect(await commandHelp("gateway", ["--help"])).toBe(gatewayUsage);
    expect(await commandHelp("gateway", ["--config-dir", "x", "-h"])).toBe(gatewayUsage);
  });

  it("answers for operator and validate too, and leaves the webhook to its own parser", async () => {
    expect(await commandHelp("operator", ["--help"])).toContain("kuberelay operator");
    expect(await commandHelp("validate", ["--help"])).toContain("validate");
    expect(await commandHelp("usage", ["--help"])).toContain("--token-file");
    expect(await commandHelp("webhook", ["--help"])).toBeUndefined();
  });

  it("is silent without a help flag", async () => {
    expect(await commandHelp("gateway", ["--port", "8080"])).toBeUndefined();
  });
});

describe("allUsages", () => {
  it("names every command, with the usage of each that has one here", async () => {
    const text = await allUsages();
    expect(text).toMatch(/^usage: kuberelay <operator\|gateway\|webhook\|validate\|decrypt\|usage>/);
    expect(text).toContain("kuberelay decrypt --request-id");
    expect(text).toContain("kuberelay usage [flags]");
    expect(text).toContain(gatewayUsage);
    expect(text).toContain("kuberelay operator");
    expect(text).toContain("kuberelay webhook --help");
  });
});
