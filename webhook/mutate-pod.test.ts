import { describe, expect, it } from "vitest";
import { mutatePod } from "./mutate-pod.js";
import { applyJsonPatch } from "./testing/apply-json-patch.js";
import { isRecord, isUnknownArray } from "./type-guards.js";

const gatewayUrl = "http://kuberelay-gateway.kuberelay.svc:8787";
const relayKey = { secretName: "team-a-relay-key", secretKey: "key" };

function pod(
  containers: unknown[],
  annotations: Record<string, string> = { "kuberelay.dev/inject": "true" },
) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { generateName: "app-", namespace: "team-a", annotations },
    spec: { containers },
  };
}

function envOf(document: unknown, index: number): unknown[] {
  if (!isRecord(document) || !isRecord(document.spec) || !isUnknownArray(document.spec.containers)) return [];
  const container = document.spec.containers[index];
  return isRecord(container) && isUnknownArray(container.env) ? container.env : [];
}

describe("mutatePod", () => {
  it("creates env when the container has none", () => {
    const original = pod([{ name: "app", image: "app:1" }]);
    const { patch, injected } = mutatePod(original, { gatewayUrl, relayKey });

    expect(injected).toEqual([
      "OPENAI_BASE_URL",
      "ANTHROPIC_BASE_URL",
      "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
      "OPENAI_API_KEY",
      "ANTHROPIC_API_KEY",
      "AWS_BEARER_TOKEN_BEDROCK",
    ]);
    expect(patch).toContainEqual({
      op: "add",
      path: "/spec/containers/0/env",
      value: [
        { name: "OPENAI_BASE_URL", value: `${gatewayUrl}/v1` },
        { name: "ANTHROPIC_BASE_URL", value: gatewayUrl },
        { name: "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", value: gatewayUrl },
        { name: "OPENAI_API_KEY", valueFrom: { secretKeyRef: { name: "team-a-relay-key", key: "key" } } },
        { name: "ANTHROPIC_API_KEY", valueFrom: { secretKeyRef: { name: "team-a-relay-key", key: "key" } } },
        {
          name: "AWS_BEARER_TOKEN_BEDROCK",
          valueFrom: { secretKeyRef: { name: "team-a-relay-key", key: "key" } },
        },
      ],
    });
    expect(patch).toHaveLength(2);
  });

  it("appends to an existing env and keeps variables the container defines", () => {
    const original = pod([
      {
        name: "app",
        env: [
          { name: "LOG_LEVEL", value: "debug" },
          { name: "OPENAI_BASE_URL", value: "https://my-own.example/v1" },
        ],
      },
    ]);
    const { patch, injected } = mutatePod(original, { gatewayUrl, relayKey: undefined });

    expect(injected).toEqual(["ANTHROPIC_BASE_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"]);
    expect(patch).toHaveLength(3);
    expect(patch).toContainEqual({
      op: "add",
      path: "/spec/containers/0/env/-",
      value: { name: "ANTHROPIC_BASE_URL", value: gatewayUrl },
    });
    expect(patch).toContainEqual({
      op: "add",
      path: "/metadata/annotations/kuberelay.dev~1injected",
      value: "ANTHROPIC_BASE_URL,AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    });
    expect(envOf(applyJsonPatch(original, patch), 0)).toContainEqual({
      name: "OPENAI_BASE_URL",
      value: "https://my-own.example/v1",
    });
  });

  it("injects into every container and lists each name once", () => {
    const original = pod([{ name: "a", env: [{ name: "OPENAI_BASE_URL", value: "x" }] }, { name: "b" }]);
    const { patch, injected } = mutatePod(original, { gatewayUrl, relayKey: undefined });
    const mutated = applyJsonPatch(original, patch);

    expect(injected).toEqual(["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"]);
    expect(envOf(mutated, 0)).toHaveLength(3);
    expect(envOf(mutated, 1)).toHaveLength(3);
  });

  it("is idempotent: its own output yields no operations", () => {
    const original = pod([{ name: "a" }, { name: "b", env: [{ name: "X", value: "1" }] }]);
    const first = mutatePod(original, { gatewayUrl, relayKey });
    const mutated = applyJsonPatch(original, first.patch);

    expect(first.patch.length).toBeGreaterThan(0);
    expect(mutatePod(mutated, { gatewayUrl, relayKey })).toEqual({ patch: [], injected: [] });
  });

  it("escapes the annotation key and records what it injected", () => {
    const { patch } = mutatePod(pod([{ name: "a" }]), { gatewayUrl, relayKey });
    expect(patch).toContainEqual({
      op: "add",
      path: "/metadata/annotations/kuberelay.dev~1injected",
      value:
        "OPENAI_BASE_URL,ANTHROPIC_BASE_URL,AWS_ENDPOINT_URL_BEDROCK_RUNTIME,OPENAI_API_KEY,ANTHROPIC_API_KEY,AWS_BEARER_TOKEN_BEDROCK",
    });
  });

  it("injects only the containers the annotation names, init containers included", () => {
    const original = {
      ...pod([{ name: "a" }, { name: "b" }], { "kuberelay.dev/containers": "b,setup" }),
    };
    const withInit = { ...original, spec: { ...original.spec, initContainers: [{ name: "setup" }] } };
    const mutated = applyJsonPatch(withInit, mutatePod(withInit, { gatewayUrl, relayKey }).patch);
    expect(envOf(mutated, 0)).toEqual([]);
    expect(envOf(mutated, 1)).toHaveLength(6);
    expect(mutated).toMatchObject({ spec: { initContainers: [{ env: expect.any(Array) }] } });
  });

  it("only marks a Pod whose containers already define every variable, and leaves it alone once marked", () => {
    const env = ["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"].map((name) => ({
      name,
      value: "mine",
    }));
    const original = pod([{ name: "a", env }]);
    const first = mutatePod(original, { gatewayUrl, relayKey: undefined });
    expect(first).toEqual({
      patch: [{ op: "add", path: "/metadata/annotations/kuberelay.dev~1injected", value: "" }],
      injected: [],
    });
    expect(mutatePod(applyJsonPatch(original, first.patch), { gatewayUrl, relayKey: undefined })).toEqual({
      patch: [],
      injected: [],
    });
  });

  it("keeps earlier names in the marker when a reinvocation finds a new container", () => {
    const original = pod([{ name: "a" }]);
    const first = applyJsonPatch(original, mutatePod(original, { gatewayUrl, relayKey: undefined }).patch);
    // Another webhook, called after ours, added a sidecar; the API server reinvokes ours.
    if (!isRecord(first) || !isRecord(first.spec) || !isUnknownArray(first.spec.containers)) {
      throw new Error("unexpected shape");
    }
    first.spec.containers.push({ name: "sidecar", env: [{ name: "OPENAI_BASE_URL", value: "x" }] });
    const same = mutatePod(first, { gatewayUrl, relayKey: undefined });
    expect(same.injected).toEqual(["ANTHROPIC_BASE_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"]);
    expect(same.patch.map((operation) => operation.path)).toEqual([
      "/spec/containers/1/env/-",
      "/spec/containers/1/env/-",
    ]);
    // The RelayKey became Ready in between: the key variables join the names already recorded.
    const grown = mutatePod(first, { gatewayUrl, relayKey });
    expect(grown.patch).toContainEqual({
      op: "add",
      path: "/metadata/annotations/kuberelay.dev~1injected",
      value:
        "OPENAI_BASE_URL,ANTHROPIC_BASE_URL,AWS_ENDPOINT_URL_BEDROCK_RUNTIME,OPENAI_API_KEY,ANTHROPIC_API_KEY,AWS_BEARER_TOKEN_BEDROCK",
    });
  });

  it("leaves raw fields it does not know untouched and never edits its input", () => {
    const original = {
      ...pod([{ name: "a", futureField: { x: [1, 2] }, env: [{ name: "X", valueFrom: { brandNew: {} } }] }]),
      status: { phase: "Pending" },
      unknownTopLevel: true,
    };
    const snapshot = structuredClone(original);
    const { patch } = mutatePod(original, { gatewayUrl, relayKey });

    expect(original).toEqual(snapshot);
    expect(patch.every((operation) => operation.op === "add")).toBe(true);
    expect(patch.map((operation) => operation.path).sort()).toEqual([
      "/metadata/annotations/kuberelay.dev~1injected",
      ...Array.from({ length: 6 }, () => "/spec/containers/0/env/-"),
    ]);
    const mutated = applyJsonPatch(original, patch);
    expect(mutated).toMatchObject({ unknownTopLevel: true, status: { phase: "Pending" } });
    expect(envOf(mutated, 0)[0]).toEqual({ name: "X", valueFrom: { brandNew: {} } });
  });

  it("references the data key of a RelayKey that brings its own Secret", () => {
    const byo = { secretName: "migrated-key", secretKey: "token" };
    const mutated = applyJsonPatch(
      pod([{ name: "a" }]),
      mutatePod(pod([{ name: "a" }]), { gatewayUrl, relayKey: byo }).patch,
    );
    expect(envOf(mutated, 0).slice(3)).toEqual(
      ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AWS_BEARER_TOKEN_BEDROCK"].map((name) => ({
        name,
        valueFrom: { secretKeyRef: { name: "migrated-key", key: "token" } },
      })),
    );
  });

  it("skips a container whose env is not a list", () => {
    const { injected } = mutatePod(pod([{ name: "a", env: "bogus" }]), { gatewayUrl, relayKey });
    expect(injected).toEqual([]);
  });
});
