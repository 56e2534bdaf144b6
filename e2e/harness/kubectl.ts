/** Runs the built kubectl against a given kubeconfig. */
import { type CommandResult, runCommand } from "./run-command.js";

export interface KubectlOptions {
  /** Run as someone else, e.g. a ServiceAccount kubeconfig from serviceAccountKubeconfig(). */
  kubeconfig?: string;
}

export type Kubectl = (
  args: readonly string[],
  input?: string,
  options?: KubectlOptions,
) => Promise<CommandResult>;

/**
 * cacheDir keeps kubectl's discovery cache in the run's temp dir; the default under ~/.kube would
 * collect one stale entry per random port.
 */
export function createKubectl(binary: string, kubeconfig: string, cacheDir: string): Kubectl {
  return (args, input, options = {}) =>
    runCommand(
      binary,
      [`--kubeconfig=${options.kubeconfig ?? kubeconfig}`, `--cache-dir=${cacheDir}`, ...args],
      {
        input,
      },
    );
}
