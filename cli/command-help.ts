/**
 * The usages, loaded only to be printed: each comes with its command's module, and a process
 * runs one command, so it should not load (and hold in memory) the other two.
 */
const usages: Record<string, () => Promise<string>> = {
  operator: async () => (await import("../operator/command.js")).operatorUsage,
  gateway: async () => (await import("../gateway/command.js")).gatewayUsage,
  validate: async () => (await import("../gateway/standalone/validate-command.js")).validateUsage,
  decrypt: async () => (await import("../gateway/content/decrypt-command.js")).decryptUsage,
  usage: async () => (await import("../gateway/admin/usage-command.js")).usageUsage,
};

/** Every command's usage, for `kuberelay` without a command. */
export async function allUsages(): Promise<string> {
  const [operator, gateway, validate, decrypt, usage] = await Promise.all(
    ["operator", "gateway", "validate", "decrypt", "usage"].map((name) => usages[name]?.() ?? ""),
  );
  return `usage: kuberelay <operator|gateway|webhook|validate|decrypt|usage> [flags]

${operator}

${gateway}

${validate}

${decrypt}

${usage}

kuberelay webhook --help for the webhook's flags`;
}

/**
 * The usage to print when a command is asked for help (`--help` or `-h` anywhere among its
 * flags), rather than failing on an unknown option; undefined otherwise. The webhook prints its
 * own help (its flags come from its parser).
 */
export async function commandHelp(name: string, args: readonly string[]): Promise<string | undefined> {
  if (!args.includes("--help") && !args.includes("-h")) return undefined;
  return usages[name]?.();
}
