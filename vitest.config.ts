import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./e2e/reporters/plain-summary.ts"],
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "{cli,common,operator,gateway,webhook}/**/*.test.ts",
            "e2e/mock-provider/**/*.test.ts",
            "e2e/mock-kms/**/*.test.ts",
            // The harness's own logic (e.g. the leak scanner), which needs no control plane.
            "e2e/harness/**/*.test.ts",
          ],
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/*.test.ts", "e2e/adversarial/*.test.ts"],
          globalSetup: ["e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One control plane per file; two files at a time: most of an e2e file is waiting.
          fileParallelism: true,
        },
      },
    ],
  },
});
