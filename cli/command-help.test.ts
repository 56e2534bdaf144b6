import { describe, expect, it } from "vitest";
import { gatewayUsage } from "../gateway/command.js";
import { commandHelp } from "./command-help.js";

describe("commandHelp", () => {
  it("issue 10: `kuberelay gateway --help` prints the gateway's usage instead of failing on an unknown option", () => {
    expect(commandHelp("gateway", ["--help"])).toBe(gatewayUsage);
    expect(commandHelp("gateway", ["--config-dir", "x", "-h"])).toBe(gatewayUsage);
  });

  it("answers for operator and validate too, and leaves the webhook to its own parser", () => {
    expect(commandHelp("operator", ["--help"])).toContain("kuberelay operator");
    expect(commandHelp("validate", ["--help"])).toContain("validate");
    expect(commandHelp("webhook", ["--help"])).toBeUndefined();
  });

  it("is silent without a help flag", () => {
    expect(commandHelp("gateway", ["--port", "8080"])).toBeUndefined();
  });
});
