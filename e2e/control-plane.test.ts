/** The harness itself: a real control plane that enforces RBAC and runs the controllers the e2e tests rely on. */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane } from "./harness/control-plane.js";
import { CommandError } from "./harness/run-command.js";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function expectFailure(promise: Promise<unknown>): Promise<CommandError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CommandError)) throw new Error(`expected kubectl to fail, got ${String(err)}`);
  return err;
}

describe("control plane harness", () => {
  let cp: ControlPlane | undefined;
  const plane = (): ControlPlane => {
    if (cp === undefined) throw new Error("control plane did not start");
    return cp;
  };

  beforeAll(async () => {
    cp = await startControlPlane();
    console.log(`control plane started in ${cp.startupMs}ms at ${cp.server}`);
  });

  afterAll(async () => {
    await cp?.stop();
  });

  it("serves the built Kubernetes version", async () => {
    const { stdout } = await plane().kubectl(["get", "--raw", "/version"]);
    expect(JSON.parse(stdout)).toMatchObject({ gitVersion: "v1.35.4" });
  });

  it("enforces RBAC for ServiceAccount tokens while admin may do anything", async () => {
    const saKubeconfig = await plane().serviceAccountKubeconfig("rbac-check", "nobody");
    const err = await expectFailure(
      plane().kubectl(["get", "secrets", "-n", "rbac-check"], undefined, { kubeconfig: saKubeconfig }),
    );
    expect(err.stderr).toContain("Forbidden");
    expect(err.stderr).toContain("system:serviceaccount:rbac-check:nobody");
    await expect(plane().kubectl(["get", "secrets", "-n", "rbac-check"])).resolves.toBeDefined();
  });

  it("garbage-collects objects whose owner was deleted", async () => {
    const kubectl = plane().kubectl;
    await kubectl(["create", "configmap", "gc-owner", "-n", "default"]);
    const { stdout: uid } = await kubectl([
      "get",
      "configmap",
      "gc-owner",
      "-n",
      "default",
      "-o",
      "jsonpath={.metadata.uid}",
    ]);
    const dependent = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "gc-dependent",
        namespace: "default",
        ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "gc-owner", uid: uid.trim() }],
      },
    };
    await kubectl(["create", "-f", "-"], JSON.stringify(dependent));
    await kubectl(["delete", "configmap", "gc-owner", "-n", "default", "--wait=false"]);
    const deadline = Date.now() + 20_000;
    let remaining = "gc-dependent";
    while (remaining !== "" && Date.now() < deadline) {
      await sleep(200);
      ({ stdout: remaining } = await kubectl([
        "get",
        "configmap",
        "gc-dependent",
        "-n",
        "default",
        "--ignore-not-found",
        "-o",
        "name",
      ]));
      remaining = remaining.trim();
    }
    expect(remaining).toBe("");
  });

  it("finishes deleting namespaces", async () => {
    await plane().kubectl(["create", "namespace", "ns-delete-check"]);
    await plane().kubectl(["create", "configmap", "leftover", "-n", "ns-delete-check"]);
    // --wait blocks until the namespace controller has emptied and removed it.
    await plane().kubectl(["delete", "namespace", "ns-delete-check", "--timeout=30s"]);
    const { stdout } = await plane().kubectl([
      "get",
      "namespace",
      "ns-delete-check",
      "--ignore-not-found",
      "-o",
      "name",
    ]);
    expect(stdout.trim()).toBe("");
  });

  it("stop() kills every process and removes the temp dir, and can be called again", async () => {
    const { dir, pids } = plane();
    await plane().stop();
    expect(existsSync(dir)).toBe(false);
    for (const pid of Object.values(pids)) expect(isAlive(pid)).toBe(false);
    await expect(plane().stop()).resolves.toBeUndefined();
  });
});
