import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./e2e/reporters/plain-summary.ts"],
    projects: [
      {
        test: {
          name: "unit",
          // Unit tests first, alone: some have second-scale timeouts that two control planes
          // starting beside them would eat (webhook/tls-files flaked that way).
          sequence: { groupOrder: 0 },
          // Vitest's default is one worker less than the cores: one, on a two-core CI machine.
          // Unit files are short and each runs alone in its worker, so both cores stay busy.
          maxWorkers: 2,
          include: [
            "{cli,common,operator,gateway,webhook}/**/*.test.ts",
            "e2e/mock-provider/**/*.test.ts",
            "e2e/mock-kms/**/*.test.ts",
            // The harness's own logic (e.g. the leak scanner), which needs no control plane.
            "e2e/harness/**/*.test.ts",
            "e2e/demo/**/*.test.ts",
            "e2e/bench/**/*.test.ts",
            // The examples and the docs' Lua, checked without a cluster.
            "{examples,docs}/**/*.test.ts",
          ],
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/*.test.ts", "e2e/adversarial/*.test.ts", "e2e/cluster/*.test.ts"],
          globalSetup: ["e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 1 },
          // One control plane (or one node) per file, on its own ports or network namespace:
          // two files at a time keep both cores busy while each waits on its processes.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
