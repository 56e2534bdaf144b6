import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { FULL_CONFIG, RELAY_KEY, tempConfigDir } from "./testing/config-fixture.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");

/** `kuberelay validate` as a user runs it: its own process, stdout lines and exit code. */
async function validate(args: string[]): Promise<{ code: number; stdout: string[]; stderr: string }> {
  // process.execPath, not the tsx shim: the shim runs whichever node comes first on PATH.
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", join(root, "cli", "main.ts"), "validate", ...args],
      { cwd: root },
    );
    return { code: 0, stdout: stdout.split("\n").filter(Boolean), stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: e.code ?? -1,
      stdout: (e.stdout ?? "").split("\n").filter(Boolean),
      stderr: e.stderr ?? "",
    };
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function dirOf(files: Record<string, string>): Promise<string> {
  const { dir, cleanup } = await tempConfigDir(files);
  cleanups.push(cleanup);
  return dir;
}

describe("kuberelay validate", { timeout: 30_000 }, () => {
  it("issue 10: exits 0 on a good directory, printing no problem", async () => {
    const r = await validate(["--config-dir", await dirOf(FULL_CONFIG)]);
    expect(r).toMatchObject({ code: 0, stdout: [] });
    expect(r.stderr).toContain("no problems (4 files, 1 keys, 1 policies, 1 providers)");
  });

  it("issue 10: prints one line per dropped object with file and field, exits 1, quotes no value", async () => {
    const dir = await dirOf({
      ...FULL_CONFIG,
      "relay-key.yml": (FULL_CONFIG["relay-key.yml"] ?? "").replace(RELAY_KEY, "krk_too-short"),
      "provider.yaml": (FULL_CONFIG["provider.yaml"] ?? "").replace(
        "spec:\n",
        "spec:\n  baseURL: https://127.0.0.1:8443/v1\n",
      ),
      "policy.yaml": `${FULL_CONFIG["policy.yaml"]}    - model: "claude-*"\n      targets:\n        - providerKeyRef: { name: mock-opneai }\n`,
    });
    const r = await validate(["--config-dir", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([
      `${join(dir, "provider.yaml")}: ProviderKey default/openai: spec.baseURL: baseURL points at a loopback, private or link-local address; set allowPrivateNetwork to allow it`,
      `${join(dir, "policy.yaml")}: Policy default/default: spec.routes[0].targets[0].providerKeyRef: ProviderKey "default/openai" is not Ready`,
      `${join(dir, "policy.yaml")}: Policy default/default: spec.routes[1].targets[0].providerKeyRef: ProviderKey "default/mock-opneai" not found`,
      `${join(dir, "relay-key.yml")} (document 2): RelayKey default/app: spec.secretRef: the key in Secret "app-key" (key "token") is shorter than 32 characters`,
    ]);
    expect(r.stdout.join("\n")).not.toContain("krk_too-short");
    expect(r.stderr).toContain("4 problem(s); the gateway would serve the rest");
  });

  it("issue 10: a RelayKey with secretName, which refuses the directory, exits 1 naming the field", async () => {
    const relayKey = (FULL_CONFIG["relay-key.yml"] ?? "").replace(
      "secretRef: { name: app-key, key: token }",
      "secretName: app-key",
    );
    const dir = await dirOf({ ...FULL_CONFIG, "relay-key.yml": relayKey });
    const r = await validate(["--config-dir", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([
      `${join(dir, "relay-key.yml")} (document 2): RelayKey default/app: spec.secretName: standalone mode has no operator to generate and write a key, so use spec.secretRef to a Secret in the config directory`,
    ]);
    expect(r.stderr).toContain("the gateway would refuse this directory");
  });

  it("exits 2 without --config-dir", async () => {
    const r = await validate([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("kuberelay validate --config-dir DIR");
  });
});
