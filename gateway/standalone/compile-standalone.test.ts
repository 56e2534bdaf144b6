import { describe, expect, it } from "vitest";
import { hashRelayKey } from "../../common/crypto/relay-key.js";
import { compileStandalone } from "./compile-standalone.js";
import { parseConfigObjects } from "./parse-config-objects.js";
import { parseConfigText } from "./read-config-dir.js";
import { FULL_CONFIG, PROVIDER_CREDENTIAL, RELAY_KEY } from "./testing/config-fixture.js";

const objectsOf = (files: Record<string, string>) =>
  parseConfigObjects(Object.entries(files).flatMap(([name, text]) => parseConfigText(name, text)));

describe("compileStandalone", () => {
  it("compiles with the operator's compiler, taking Secrets from the directory", () => {
    const { draft, notReady } = compileStandalone(objectsOf(FULL_CONFIG));
    expect(notReady).toEqual([]);
    expect(draft.keys).toEqual([
      { hash: hashRelayKey(RELAY_KEY), id: "default/app", policy: "default/default" },
    ]);
    expect(draft.providers["default/openai"]).toEqual({
      provider: "openai",
      credential: PROVIDER_CREDENTIAL,
    });
  });

  it("lists what the compile left out and why, never the values", () => {
    const files = {
      ...FULL_CONFIG,
      "relay-key.yml": (FULL_CONFIG["relay-key.yml"] ?? "").replace(RELAY_KEY, "too-short"),
    };
    const { draft, notReady } = compileStandalone(objectsOf(files));
    expect(draft.keys).toEqual([]);
    expect(notReady).toEqual([
      {
        object: "RelayKey/default/app",
        reason: "WeakKey",
        message: expect.stringContaining("shorter than 32"),
      },
    ]);
    expect(JSON.stringify(notReady)).not.toContain("too-short");
  });

  it("does not warn about a key that was disabled on purpose", () => {
    const files = {
      ...FULL_CONFIG,
      "relay-key.yml": (FULL_CONFIG["relay-key.yml"] ?? "").replace("spec:\n", "spec:\n  disabled: true\n"),
    };
    const { draft, notReady } = compileStandalone(objectsOf(files));
    expect(draft.keys[0]?.disabled).toBe(true);
    expect(notReady).toEqual([]);
  });

  it("gives every namespace its automatic name label, for allowedNamespaces selectors", () => {
    const provider = (FULL_CONFIG["provider.yaml"] ?? "")
      .replace("metadata:\n  name: openai\n", "metadata:\n  name: openai\n  namespace: platform\n")
      .replace(
        "spec:\n",
        "spec:\n  allowedNamespaces:\n    matchLabels: { kubernetes.io/metadata.name: default }\n",
      );
    const credentials = (FULL_CONFIG["credentials.yaml"] ?? "").replace(
      "name: openai-credentials\n",
      "name: openai-credentials\n  namespace: platform\n",
    );
    const policy = (FULL_CONFIG["policy.yaml"] ?? "").replace(
      "name: openai }",
      "name: openai, namespace: platform }",
    );
    const { notReady } = compileStandalone(
      objectsOf({
        ...FULL_CONFIG,
        "provider.yaml": provider,
        "credentials.yaml": credentials,
        "policy.yaml": policy,
      }),
    );
    expect(notReady).toEqual([]);
  });
});
