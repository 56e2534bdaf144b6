import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hashRelayKey } from "../../common/crypto/relay-key.js";
import type { Snapshot } from "../snapshot.js";
import type { ConfigProblem } from "./config-problem.js";
import { type StandaloneConfig, startStandaloneConfig } from "./start-standalone-config.js";
import {
  captureLog,
  FULL_CONFIG,
  PROVIDER_CREDENTIAL,
  RELAY_KEY,
  tempConfigDir,
  waitFor,
} from "./testing/config-fixture.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function start(files: Record<string, string>) {
  const { dir, cleanup } = await tempConfigDir(files);
  const { log, lines } = captureLog();
  const snapshots: Snapshot[] = [];
  const refusals: Error[] = [];
  const reports: (readonly ConfigProblem[])[] = [];
  const config: StandaloneConfig = await startStandaloneConfig({
    dir,
    log,
    onSnapshot: (s) => snapshots.push(s),
    onRefused: (e) => refusals.push(e),
    onProblems: (p) => reports.push(p),
    debounceMs: 50,
    pollMs: 200,
  });
  cleanups.push(async () => {
    await config.stop();
    await cleanup();
  });
  return { dir, lines, snapshots, refusals, reports };
}

const POLICY_TWO_ROUTES = (FULL_CONFIG["policy.yaml"] ?? "").replace(
  "  routes:\n",
  '  routes:\n    - model: "o*"\n      targets:\n        - providerKeyRef: { name: openai }\n',
);

describe("startStandaloneConfig", () => {
  it("serves the key's sha256 and the provider's credential after the first load", async () => {
    const { snapshots, lines } = await start(FULL_CONFIG);
    expect(snapshots).toHaveLength(1);
    const [snapshot] = snapshots;
    expect(snapshot?.keys.get(hashRelayKey(RELAY_KEY))).toMatchObject({
      id: "default/app",
      policy: "default/default",
    });
    expect(snapshot?.providers.get("default/openai")).toMatchObject({
      provider: "openai",
      credential: PROVIDER_CREDENTIAL,
    });
    expect(snapshot?.policies.get("default/default")?.routes).toHaveLength(1);
    const applied = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "config applied");
    expect(applied).toMatchObject({ files: 4, keys: 1, policies: 1, providers: 1 });
  });

  it("applies an edited file within a second", async () => {
    const { dir, snapshots } = await start(FULL_CONFIG);
    await writeFile(join(dir, "policy.yaml"), POLICY_TWO_ROUTES);
    await waitFor(() => snapshots.length === 2, 1_500);
    expect(snapshots[1]?.policies.get("default/default")?.routes).toHaveLength(2);
    expect(snapshots[1]?.generation).not.toBe(snapshots[0]?.generation);
  });

  it("refuses an invalid file, naming it, and keeps the last good config", async () => {
    const { dir, snapshots, refusals, lines } = await start(FULL_CONFIG);
    const broken = (FULL_CONFIG["policy.yaml"] ?? "").replace('model: "gpt-*"', "model: 7");
    await writeFile(join(dir, "policy.yaml"), broken);
    await waitFor(() => refusals.length === 1, 1_500);
    expect(refusals[0]?.message).toMatch(/policy\.yaml: Policy default\/default: spec\.routes\[0\]\.model/);
    expect(snapshots).toHaveLength(1);
    expect(lines.some((l) => l.includes('"msg":"config refused; keeping the last good config"'))).toBe(true);
  });

  it("applies again once a refused file is fixed", async () => {
    const { dir, snapshots, refusals } = await start(FULL_CONFIG);
    await writeFile(join(dir, "policy.yaml"), "kind: [\n");
    await waitFor(() => refusals.length === 1, 1_500);
    await writeFile(join(dir, "policy.yaml"), POLICY_TWO_ROUTES);
    await waitFor(() => snapshots.length === 2, 1_500);
    expect(refusals[0]?.message).toMatch(/policy\.yaml: YAML syntax error/);
  });

  it("rejects when the first load fails", async () => {
    const { dir, cleanup } = await tempConfigDir({
      "bad.yaml": "apiVersion: kuberelay.dev/v1alpha1\nkind: Policy\n",
    });
    cleanups.push(cleanup);
    const { log } = captureLog();
    await expect(
      startStandaloneConfig({ dir, log, onSnapshot: () => {}, onRefused: () => {} }),
    ).rejects.toThrow(/bad\.yaml: Policy default\/\(no name\): metadata/);
  });

  it("issue 10: logs each problem at error level, naming file and field, at start and on reload", async () => {
    const policy = (FULL_CONFIG["policy.yaml"] ?? "").replace("name: openai }", "name: mock-opneai }");
    const { dir, lines, reports, snapshots, refusals } = await start({
      ...FULL_CONFIG,
      "policy.yaml": policy,
    });
    const problemLines = () => lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "config problem");
    expect(problemLines()).toEqual([
      expect.objectContaining({
        level: "error",
        configDir: dir,
        file: join(dir, "policy.yaml"),
        object: "Policy default/default",
        field: "spec.routes[0].targets[0].providerKeyRef",
        reason: "ProviderKeyNotFound",
        message: 'ProviderKey "default/mock-opneai" not found',
      }),
    ]);
    expect(reports).toHaveLength(1);
    // The key is still valid: its model answers 503, not 401.
    expect(snapshots[0]?.keys.size).toBe(1);

    // A refused reload reports its problems the same way.
    await writeFile(join(dir, "policy.yaml"), "kind: [\n");
    await waitFor(() => refusals.length === 1, 1_500);
    expect(problemLines().at(-1)).toMatchObject({
      level: "error",
      file: join(dir, "policy.yaml"),
      reason: "SyntaxError",
    });

    // Fixed: the next report is empty, so a metric or /readyz built on it clears.
    await writeFile(join(dir, "policy.yaml"), FULL_CONFIG["policy.yaml"] ?? "");
    await waitFor(() => snapshots.length === 2, 1_500);
    expect(reports.at(-1)).toEqual([]);
  });

  it("never writes a secret value to the log, even when a Secret's file is broken", async () => {
    const { dir, lines, refusals } = await start(FULL_CONFIG);
    await writeFile(
      join(dir, "relay-key.yml"),
      (FULL_CONFIG["relay-key.yml"] ?? "").replace(`token: ${RELAY_KEY}`, `token: [${RELAY_KEY}`),
    );
    await waitFor(() => refusals.length === 1, 1_500);
    await writeFile(
      join(dir, "credentials.yaml"),
      `kind: Secret\napiVersion: v1\nmetadata: {name: x}\ndata: {k: "${PROVIDER_CREDENTIAL}!"}\n`,
    );
    await waitFor(() => refusals.length === 2, 1_500);
    const all = [...lines, ...refusals.map((e) => e.message)].join("\n");
    expect(all).not.toContain(RELAY_KEY);
    expect(all).not.toContain(PROVIDER_CREDENTIAL);
    expect(all).not.toContain(Buffer.from(PROVIDER_CREDENTIAL).toString("base64"));
  });
});

describe("the example directory", () => {
  it("loads as it is, with the key and the placeholder credential", async () => {
    const { log, lines } = captureLog();
    const snapshots: Snapshot[] = [];
    const config = await startStandaloneConfig({
      dir: join(import.meta.dirname, "example"),
      log,
      onSnapshot: (s) => snapshots.push(s),
      onRefused: () => {},
    });
    await config.stop();
    expect(snapshots[0]?.keys.get(hashRelayKey("krk_local-example-key-change-me-0123456789"))?.id).toBe(
      "default/local",
    );
    expect(snapshots[0]?.providers.get("default/openai")?.credential).toMatch(/^sk-REPLACE/);
    expect(lines.filter((l) => l.includes('"level":"warn"'))).toEqual([]);
  });
});
