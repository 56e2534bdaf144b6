import { createServer, type Server } from "node:http";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { listenForKubeConfig } from "../common/kube/loopback-kubeconfig.js";
import { createLogger } from "../common/log.js";
import { deploymentOwner, hasOwner, resolveSecretOwner, withOwner } from "./secret-owner.js";

const owner = deploymentOwner("kuberelay-operator", "uid-now");

describe("withOwner / hasOwner", () => {
  it("adds the owner, keeps other owners, replaces a reference to an earlier same-named Deployment", () => {
    const other = { apiVersion: "v1", kind: "ConfigMap", name: "kuberelay-operator", uid: "u1" };
    const earlier = deploymentOwner("kuberelay-operator", "uid-before");
    const refs = withOwner([other, earlier], owner);
    expect(refs).toEqual([other, owner]);
    expect(hasOwner({ ownerReferences: refs }, owner)).toBe(true);
    expect(hasOwner({ ownerReferences: [earlier] }, owner)).toBe(false);
    expect(hasOwner(undefined, owner)).toBe(false);
  });

  it("neither controls nor blocks the owner's deletion", () => {
    expect(owner).toMatchObject({ apiVersion: "apps/v1", controller: false, blockOwnerDeletion: false });
  });
});

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** An API server that answers every Deployment read with `status` (and a uid on 200). */
async function apiAnswering(status: number): Promise<KubeConfig> {
  server = createServer((req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    const name = req.url?.split("/").at(-1);
    res.end(
      JSON.stringify(
        status === 200
          ? { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, uid: "uid-now" } }
          : { kind: "Status", apiVersion: "v1", code: status, message: `deployments "${name}" is forbidden` },
      ),
    );
  });
  return listenForKubeConfig(server);
}

describe("resolveSecretOwner", () => {
  const lines: string[] = [];
  const log = createLogger("test", { level: "info", sink: (l) => lines.push(l) });

  it("reads the Deployment's uid", async () => {
    const kc = await apiAnswering(200);
    expect(await resolveSecretOwner(kc, log, "ns", "kuberelay-operator")).toEqual(owner);
  });

  it("without a Deployment name: no owner, and says so", async () => {
    lines.length = 0;
    expect(await resolveSecretOwner(new KubeConfig(), log, "ns", undefined)).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("not garbage-collected");
  });

  it("fails with the cause when the Deployment cannot be read", async () => {
    const kc = await apiAnswering(403);
    await expect(resolveSecretOwner(kc, log, "ns", "kuberelay-operator")).rejects.toThrow(
      /Deployment ns\/kuberelay-operator: the operator needs get on this Deployment.*forbidden/,
    );
  });
});
