/**
 * Before any e2e file: build dist/ (the tests run the same compiled entrypoint as the image)
 * and make sure the control-plane and helm binaries exist, so a cold Go build is paid here, once,
 * outside any test's timeout.
 */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  execFileSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  execFileSync("bash", [join(root, "e2e", "controlplane", "build.sh")], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
}
