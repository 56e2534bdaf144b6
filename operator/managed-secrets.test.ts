import type { V1Secret } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { generateRelayKey } from "../common/crypto/relay-key.js";
import { LABEL_MANAGED_BY, LABEL_RELAY_KEY, MANAGED_BY } from "../common/names.js";
import type { GeneratedRelayKey } from "../common/schemas/relay-key.js";
import { previousKeyOf, rotatedSecretBody } from "./key-rotation.js";
import { listTrimmedPages, trimManagedSecret, trimToIdentity } from "./managed-secrets.js";
import { isOwnedSecret, plaintextFromOwnedSecret, relayKeySecretBody } from "./relay-key-secret.js";

const MiB = 1024 * 1024;
const big = (bytes: number) => Buffer.alloc(bytes, 7).toString("base64");

const rk: GeneratedRelayKey = {
  apiVersion: "kuberelay.dev/v1alpha1",
  kind: "RelayKey",
  metadata: { namespace: "team-a", name: "app", uid: "uid-app" },
  spec: { policyRef: { name: "default" }, secretName: "app-key" },
};

const size = (o: unknown) => JSON.stringify(o).length;

describe("trimManagedSecret", () => {
  it("security: keeps under 2 KiB of a 10 MiB labelled Secret a RelayKey controls, and still its key", () => {
    const key = generateRelayKey();
    const secret = relayKeySecretBody(rk, key);
    secret.data = { ...secret.data, padding: big(10 * MiB) };
    secret.metadata = {
      ...secret.metadata,
      annotations: { ...secret.metadata?.annotations, filler: "x".repeat(250_000) },
      labels: { ...secret.metadata?.labels, extra: "y" },
    };
    secret.stringData = { more: "z".repeat(MiB) };
    trimManagedSecret(secret);
    expect(size(secret)).toBeLessThan(2048);
    expect(plaintextFromOwnedSecret(secret, "uid-app")).toBe(key);
    expect(secret.metadata?.labels).toEqual({ [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_RELAY_KEY]: "app" });
  });

  it("security: keeps no data of a labelled Secret no RelayKey controls", () => {
    const secret: V1Secret = {
      metadata: { name: "junk", namespace: "team-b", labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
      data: { key: big(10 * MiB), other: big(MiB) },
    };
    trimManagedSecret(secret);
    expect(secret.data).toBeUndefined();
    expect(size(secret)).toBeLessThan(512);
  });

  it("security: drops an over-long key even from an owned Secret (it is then not a usable key)", () => {
    const secret = relayKeySecretBody(rk, "k".repeat(10 * MiB));
    trimManagedSecret(secret);
    expect(size(secret)).toBeLessThan(2048);
    expect(plaintextFromOwnedSecret(secret, "uid-app")).toBeUndefined();
    // Still known to be this RelayKey's, so the operator reports a conflict instead of overwriting.
    expect(isOwnedSecret(secret, "uid-app")).toBe(true);
  });

  it("keeps what rotation reads: the previous key, its expiry and the issue time", () => {
    const T0 = Date.parse("2026-06-01T12:00:00Z");
    const first = relayKeySecretBody(rk, generateRelayKey(), new Date(T0));
    first.metadata = { ...first.metadata, resourceVersion: "7", creationTimestamp: new Date(T0) };
    const step = { action: "rotate" as const, requestedAt: "2026-06-01T12:00:01Z", gracePeriodSeconds: 3600 };
    const rotated = rotatedSecretBody(first, generateRelayKey(), step, T0 + 1000);
    const before = structuredClone(rotated);
    trimManagedSecret(rotated);
    expect(rotated.data).toEqual(before.data);
    expect(rotated.metadata?.annotations).toEqual(before.metadata?.annotations);
    expect(rotated.metadata?.resourceVersion).toBe("7");
    expect(previousKeyOf(rotated)).toEqual(previousKeyOf(before));
  });

  it("ignores a controller reference to anything but a RelayKey", () => {
    const secret = relayKeySecretBody(rk, generateRelayKey());
    const [owner] = secret.metadata?.ownerReferences ?? [];
    if (!owner) throw new Error("no owner");
    secret.metadata = {
      ...secret.metadata,
      ownerReferences: [{ ...owner, kind: "ConfigMap", apiVersion: "v1" }],
    };
    trimManagedSecret(secret);
    expect(secret.data).toBeUndefined();
    expect(secret.metadata?.ownerReferences).toBeUndefined();
  });
});

describe("trimToIdentity", () => {
  it("security: keeps a watched provider Secret's name and version, never its data", () => {
    const secret: V1Secret = {
      metadata: { name: "openai", namespace: "platform", resourceVersion: "3", annotations: { a: "b" } },
      data: { apiKey: big(10 * MiB) },
    };
    trimToIdentity(secret);
    expect(secret).toEqual({ metadata: { name: "openai", namespace: "platform", resourceVersion: "3" } });
  });
});

describe("listTrimmedPages", () => {
  it("follows continue tokens, trims every page, and keeps the snapshot's resourceVersion", async () => {
    const asked: Array<string | undefined> = [];
    const pages: Record<string, { next?: string; names: string[] }> = {
      first: { next: "p2", names: ["a", "b"] },
      p2: { names: ["c"] },
    };
    const list = await listTrimmedPages<V1Secret>(
      async (cont) => {
        asked.push(cont);
        const page = pages[cont ?? "first"] ?? { names: [] };
        return {
          metadata: { resourceVersion: "42", ...(page.next ? { _continue: page.next } : {}) },
          items: page.names.map((name) => ({ metadata: { name }, data: { key: big(1024) } })),
        };
      },
      (s) => {
        delete s.data;
      },
    );
    expect(asked).toEqual([undefined, "p2"]);
    expect(list.metadata?.resourceVersion).toBe("42");
    expect(list.items.map((s) => [s.metadata?.name, s.data])).toEqual([
      ["a", undefined],
      ["b", undefined],
      ["c", undefined],
    ]);
  });
});
