/** One more operator process on a running stack, e.g. restarted with another key-encryption key. */
import { join } from "node:path";
import { type KuberelayProcess, startKuberelay } from "./kuberelay-process.js";
import { type Stack, SYSTEM_NAMESPACE } from "./kuberelay-stack.js";

export async function startOperator(
  stack: Stack,
  name: string,
  env: Record<string, string>,
): Promise<KuberelayProcess> {
  const kubeconfig = await stack.cp.serviceAccountKubeconfig(SYSTEM_NAMESPACE, "kuberelay-operator");
  const proc = stack.track(
    startKuberelay(
      name,
      // Port 0: several operators may run at once, and the default ops port is a fixed one.
      ["operator", "--namespace", SYSTEM_NAMESPACE, "--metrics-port", "0"],
      { KUBECONFIG: kubeconfig, ...env },
      join(stack.cp.logDir, `${name}.log`),
    ),
    env,
  );
  await proc.waitForLine((l) => l.msg === "started");
  return proc;
}
