import { gatewayUsage } from "../gateway/command.js";
import { validateUsage } from "../gateway/standalone/validate-command.js";
import { operatorUsage } from "../operator/command.js";

/** The webhook prints its own help (its flags come from its parser); the others' is here. */
const usages: Record<string, string> = {
  operator: operatorUsage,
  gateway: gatewayUsage,
  validate: validateUsage,
};

/**
 * The usage to print when a command is asked for help (`--help` or `-h` anywhere among its
 * flags), rather than failing on an unknown option; undefined otherwise.
 */
export function commandHelp(name: string, args: readonly string[]): string | undefined {
  if (!args.includes("--help") && !args.includes("-h")) return undefined;
  return usages[name];
}
