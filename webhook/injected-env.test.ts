import { describe, expect, it } from "vitest";
import { injectedEnv } from "./injected-env.js";

describe("injectedEnv", () => {
  it("gives base URLs only without a RelayKey", () => {
    expect(injectedEnv("http://gw.kuberelay.svc:8787", undefined)).toEqual([
      { name: "OPENAI_BASE_URL", value: "http://gw.kuberelay.svc:8787/v1" },
      { name: "ANTHROPIC_BASE_URL", value: "http://gw.kuberelay.svc:8787" },
      { name: "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", value: "http://gw.kuberelay.svc:8787" },
    ]);
  });

  it("trims trailing slashes from the gateway URL", () => {
    expect(injectedEnv("https://gw.example/prefix//", undefined).map((v) => v.value)).toEqual([
      "https://gw.example/prefix/v1",
      "https://gw.example/prefix",
      "https://gw.example/prefix",
    ]);
  });

  it("references the RelayKey Secret for every key variable, Bedrock's bearer token included", () => {
    const env = injectedEnv("http://gw", { secretName: "team-a-key", secretKey: "key" });
    const ref = { valueFrom: { secretKeyRef: { name: "team-a-key", key: "key" } } };
    expect(env.slice(3)).toEqual([
      { name: "OPENAI_API_KEY", ...ref },
      { name: "ANTHROPIC_API_KEY", ...ref },
      { name: "AWS_BEARER_TOKEN_BEDROCK", ...ref },
    ]);
  });

  it("uses the data key a secretRef names", () => {
    const env = injectedEnv("http://gw", { secretName: "migrated", secretKey: "api-key" });
    expect(env.slice(3).map((v) => v.valueFrom?.secretKeyRef)).toEqual([
      { name: "migrated", key: "api-key" },
      { name: "migrated", key: "api-key" },
      { name: "migrated", key: "api-key" },
    ]);
  });
});
