import type { V1Secret } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { ensureMasterKeySecret, type MasterKeySecretApi, newMasterKey } from "./ensure-master-key.js";

/** An API server holding Secrets by namespace/name: create refuses a name that exists. */
function fakeApi(initial: V1Secret[] = []) {
  const stored = new Map(initial.map((s) => [`${s.metadata?.namespace}/${s.metadata?.name}`, s]));
  const calls: string[] = [];
  const api: MasterKeySecretApi = {
    async create(secret) {
      const id = `${secret.metadata?.namespace}/${secret.metadata?.name}`;
      calls.push(`create ${id}`);
      if (stored.has(id)) return "exists";
      stored.set(id, structuredClone(secret));
      return "created";
    },
    async read(namespace, name) {
      calls.push(`read ${namespace}/${name}`);
      return stored.get(`${namespace}/${name}`);
    },
  };
  return { api, stored, calls };
}

const ref = { namespace: "kuberelay-system", name: "kuberelay-master-key", key: "master-key" };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const decode = (s: V1Secret | undefined, key = "master-key") =>
  Buffer.from(s?.data?.[key] ?? "", "base64").toString("utf8");

describe("ensureMasterKeySecret", () => {
  it("creates the Secret once with 32 random bytes, annotated so Helm and Argo CD keep it", async () => {
    const { api, stored } = fakeApi();
    expect(await ensureMasterKeySecret(api, ref)).toBe("created");
    const secret = stored.get("kuberelay-system/kuberelay-master-key");
    expect(Buffer.from(decode(secret), "base64")).toHaveLength(32);
    expect(secret?.metadata?.annotations).toMatchObject({
      "helm.sh/resource-policy": "keep",
      "argocd.argoproj.io/sync-options": "Prune=false",
    });
    // Neither the operator's relay-key label nor Argo CD's tracking label.
    expect(Object.keys(secret?.metadata?.labels ?? {})).not.toContain("app.kubernetes.io/managed-by");
    expect(Object.keys(secret?.metadata?.labels ?? {})).not.toContain("app.kubernetes.io/instance");
  });

  it("security: never replaces an existing key, whoever made it (an older chart, another replica)", async () => {
    const existing: V1Secret = {
      metadata: {
        namespace: ref.namespace,
        name: ref.name,
        labels: { "app.kubernetes.io/managed-by": "Helm" },
      },
      data: { "master-key": b64("the-key-the-config-is-sealed-under"), "master-key-previous": b64("older") },
    };
    const { api, stored, calls } = fakeApi([existing]);
    expect(await ensureMasterKeySecret(api, ref)).toBe("kept");
    expect(await ensureMasterKeySecret(api, ref)).toBe("kept");
    expect(stored.get("kuberelay-system/kuberelay-master-key")).toEqual(existing);
    expect(calls.filter((c) => c.startsWith("create"))).toHaveLength(2);
  });

  it("two replicas racing: both succeed and end up with the one key that was created first", async () => {
    const { api, stored } = fakeApi();
    const keys = ["first-key", "second-key"];
    const outcomes = await Promise.all(keys.map((k) => ensureMasterKeySecret(api, ref, () => k)));
    expect(outcomes.sort()).toEqual(["created", "kept"]);
    expect(decode(stored.get("kuberelay-system/kuberelay-master-key"))).toBe("first-key");
  });

  it("refuses, without touching it, a Secret of that name that lacks the key", async () => {
    const { api, stored } = fakeApi([{ metadata: { namespace: ref.namespace, name: ref.name }, data: {} }]);
    await expect(ensureMasterKeySecret(api, ref)).rejects.toThrow(/has no data key "master-key"/);
    expect(stored.get("kuberelay-system/kuberelay-master-key")?.data).toEqual({});
  });

  it("makes a new key each time it is asked", () => {
    expect(newMasterKey()).not.toBe(newMasterKey());
  });
});
