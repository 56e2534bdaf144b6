/** Starts a long-running node component inside the node's namespaces, its output in the run's logs. */
import { join } from "node:path";
import { type ManagedProcess, startProcess } from "../../harness/managed-process.js";
import type { NodeNamespaces } from "./node-namespaces.js";

export function startInNode(
  ns: NodeNamespaces,
  logDir: string,
  name: string,
  binary: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): ManagedProcess {
  const command = ns.enter(binary, args);
  return startProcess({
    name,
    file: command.file,
    args: command.args,
    logPath: join(logDir, `${name}.log`),
    env,
  });
}

/** An HTTP(S) GET from inside the node, e.g. a component's /healthz on the node's loopback. */
export async function getInNode(ns: NodeNamespaces, url: string): Promise<string | undefined> {
  try {
    const { stdout } = await ns.run("curl", ["-fsS", "--max-time", "2", "--insecure", url]);
    return stdout;
  } catch {
    return undefined;
  }
}
