#!/usr/bin/env node
/** `kuberelay operator|gateway|webhook|validate`: one binary, one entry per process or tool. */
import { gatewayUsage, runGateway } from "../gateway/command.js";
import { runValidate, validateUsage } from "../gateway/standalone/validate-command.js";
import { operatorUsage, runOperator } from "../operator/command.js";
import { runWebhook } from "../webhook/command.js";
import { commandHelp } from "./command-help.js";

const usage = `usage: kuberelay <operator|gateway|webhook|validate> [flags]

${operatorUsage}

${gatewayUsage}

${validateUsage}

kuberelay webhook --help for the webhook's flags`;

const commands: Record<string, (args: string[]) => Promise<void>> = {
  operator: runOperator,
  gateway: runGateway,
  webhook: runWebhook,
  validate: async (args) => {
    process.exitCode = await runValidate(args);
  },
};

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  process.stderr.write(`${usage}\n`);
  process.exit(name === "--help" || name === "help" ? 0 : 2);
} else if (name && commandHelp(name, args)) {
  process.stdout.write(`${commandHelp(name, args)}\n`);
} else {
  command(args).catch((err: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "fatal", component: name, error: err instanceof Error ? err.message : String(err) })}\n`,
    );
    process.exit(1);
  });
}
