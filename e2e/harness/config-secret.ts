import type { V1Secret } from "@kubernetes/client-node";
import { DEFAULT_CONFIG_SECRET } from "../../common/names.js";
import type { ControlPlane } from "./control-plane.js";
import { SYSTEM_NAMESPACE } from "./kuberelay-stack.js";

/** The gateway config Secret as stored, and the raw JSON kubectl printed (to scan for leaks). */
export async function readConfigSecret(cp: ControlPlane): Promise<{ secret: V1Secret; json: string }> {
  const { stdout } = await cp.kubectl([
    "get",
    "secret",
    "-n",
    SYSTEM_NAMESPACE,
    DEFAULT_CONFIG_SECRET,
    "-o",
    "json",
  ]);
  return { secret: JSON.parse(stdout) as V1Secret, json: stdout };
}
