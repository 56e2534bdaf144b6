#!/usr/bin/env node
/**
 * `kuberelay operator|gateway|webhook|validate|decrypt|usage`: one binary, one entry per process or tool.
 * Each command's module is imported when it runs: a gateway does not load the operator's
 * Kubernetes controllers or the webhook, and keeps that memory.
 */
import { allUsages, commandHelp } from "./command-help.js";

type Command = (args: string[]) => Promise<void>;

const commands: Record<string, () => Promise<Command>> = {
  operator: async () => (await import("../operator/command.js")).runOperator,
  gateway: async () => (await import("../gateway/command.js")).runGateway,
  webhook: async () => (await import("../webhook/command.js")).runWebhook,
  validate: async () => {
    const { runValidate } = await import("../gateway/standalone/validate-command.js");
    return async (args) => {
      process.exitCode = await runValidate(args);
    };
  },
  decrypt: async () => {
    const { runDecrypt } = await import("../gateway/content/decrypt-command.js");
    return async (args) => {
      process.exitCode = await runDecrypt(args);
    };
  },
  usage: async () => {
    const { runUsage } = await import("../gateway/admin/usage-command.js");
    return async (args) => {
      process.exitCode = await runUsage(args);
    };
  },
};

function fatal(name: string, err: unknown): never {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "fatal", component: name, error: err instanceof Error ? err.message : String(err) })}\n`,
  );
  process.exit(1);
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? commands[name] : undefined;
  if (!name || !load) {
    process.stderr.write(`${await allUsages()}\n`);
    process.exit(name === "--help" || name === "help" ? 0 : 2);
  }
  const help = await commandHelp(name, args);
  if (help) {
    process.stdout.write(`${help}\n`);
    return;
  }
  const command = await load();
  await command(args).catch((err: unknown) => fatal(name, err));
}

main().catch((err: unknown) => fatal("kuberelay", err));
