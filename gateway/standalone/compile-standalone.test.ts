import { describe, expect, it } from "vitest";
import { hashRelayKey } from "../../common/crypto/relay-key.js";
import { compileStandalone } from "./compile-standalone.js";
import { formatProblem } from "./config-problem.js";
import { parseConfigObjects } from "./parse-config-objects.js";
import { parseConfigText } from "./read-config-dir.js";
import { FULL_CONFIG, PROVIDER_CREDENTIAL, RELAY_KEY } from "./testing/config-fixture.js";

const objectsOf = (files: Record<string, string>) =>
  parseConfigObjects(Object.entries(files).flatMap(([name, text]) => parseConfigText(name, text)));

describe("compileStandalone", () => {
  it("compiles with the operator's compiler, taking Secrets from the directory", () => {
    const { draft, problems } = compileStandalone(objectsOf(FULL_CONFIG));
    expect(problems).toEqual([]);
    expect(draft.keys).toEqual([
      { hash: hashRelayKey(RELAY_KEY), id: "default/app", policy: "default/default" },
    ]);
    expect(draft.providers["default/openai"]).toEqual({
      provider: "openai",
      credential: PROVIDER_CREDENTIAL,
    });
  });

  it("issue 10: lists what the compile left out with file, object and field, never the values", () => {
    const files = {
      ...FULL_CONFIG,
      "relay-key.yml": (FULL_CONFIG["relay-key.yml"] ?? "").replace(RELAY_KEY, "too-short"),
    };
    const { draft, problems } = compileStandalone(objectsOf(files));
    expect(draft.keys).toEqual([]);
    expect(problems).toEqual([
      {
        file: "relay-key.yml",
        document: 2,
        object: { kind: "RelayKey", namespace: "default", name: "app" },
        field: "spec.secretRef",
        reason: "WeakKey",
        message: expect.stringContaining("shorter than 32"),
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain("too-short");
  });

  it("issue 10: names the route field of a ProviderKey typo, and keeps the Policy's other routes", () => {
    const policy = `${FULL_CONFIG["policy.yaml"]}    - model: "claude-*"
      targets:
        - providerKeyRef: { name: mock-opneai }
`;
    const { draft, problems } = compileStandalone(objectsOf({ ...FULL_CONFIG, "policy.yaml": policy }));
    expect(draft.keys).toHaveLength(1);
    expect(draft.policies["default/default"]?.routes[0]?.targets).toHaveLength(1);
    expect(problems.map(formatProblem)).toEqual([
      'policy.yaml: Policy default/default: spec.routes[1].targets[0].providerKeyRef: ProviderKey "default/mock-opneai" not found',
    ]);
  });

  it("issue 10: names the field of a loopback https baseURL without allowPrivateNetwork", () => {
    const provider = (FULL_CONFIG["provider.yaml"] ?? "").replace(
      "spec:\n",
      "spec:\n  baseURL: https://127.0.0.1:8443/v1\n",
    );
    const { problems } = compileStandalone(objectsOf({ ...FULL_CONFIG, "provider.yaml": provider }));
    expect(problems).toContainEqual(
      expect.objectContaining({
        file: "provider.yaml",
        object: { kind: "ProviderKey", namespace: "default", name: "openai" },
        field: "spec.baseURL",
        reason: "PrivateNetwork",
      }),
    );
  });

  it("does not warn about a key that was disabled on purpose", () => {
    const files = {
      ...FULL_CONFIG,
      "relay-key.yml": (FULL_CONFIG["relay-key.yml"] ?? "").replace("spec:\n", "spec:\n  disabled: true\n"),
    };
    const { draft, problems } = compileStandalone(objectsOf(files));
    expect(draft.keys[0]?.disabled).toBe(true);
    expect(problems).toEqual([]);
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
    const { problems } = compileStandalone(
      objectsOf({
        ...FULL_CONFIG,
        "provider.yaml": provider,
        "credentials.yaml": credentials,
        "policy.yaml": policy,
      }),
    );
    expect(problems).toEqual([]);
  });
});
