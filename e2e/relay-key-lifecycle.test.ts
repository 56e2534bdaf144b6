/**
 * A relay key's life on a real kube-apiserver, seen through the official openai SDK at every
 * gateway: rotation with a grace period, disable and re-enable, expiry to the second, keys
 * that must not work (missing Policy, ungranted cross-namespace ProviderKey), and bad objects
 * the API server refuses with the same words zod uses.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { hashRelayKey } from "../common/crypto/relay-key.js";
import { policySpecSchema } from "../common/schemas/policy.js";
import { providerKeySpecSchema } from "../common/schemas/provider-key.js";
import { relayKeySpecSchema } from "../common/schemas/relay-key.js";
import { appliedConfigs } from "./harness/applied-configs.js";
import { applyRelayKey, issuedRelayKey, waitForKeyOnGateway } from "./harness/issued-relay-key.js";
import { type GatewayHandle, type Stack, startStack } from "./harness/kuberelay-stack.js";
import { applyQuickstart } from "./harness/quickstart-manifests.js";
import { CommandError } from "./harness/run-command.js";
import { waitFor } from "./harness/wait-for.js";

const NS = "team-life";
let stack: Stack;

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

const client = (gw: GatewayHandle, apiKey: string) =>
  new OpenAI({ apiKey, baseURL: `${gw.url}/v1`, maxRetries: 0, timeout: 10_000 });

/** A chat completion through one gateway: "ok", or the SDK's error for a refusal. */
async function chat(gw: GatewayHandle, key: string): Promise<"ok" | InstanceType<typeof OpenAI.APIError>> {
  try {
    const c = await client(gw, key).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "lifecycle" }],
    });
    expect(c.choices[0]?.message.content).toBe("echo: lifecycle");
    return "ok";
  } catch (err) {
    if (err instanceof OpenAI.APIError) return err;
    throw err;
  }
}

async function expectWorksEverywhere(key: string): Promise<void> {
  for (const gw of stack.gateways) expect(await chat(gw, key)).toBe("ok");
}

/** A 401 with OpenAI's error JSON saying one of `messages`, leaking nothing. */
function expectRefusal(err: Awaited<ReturnType<typeof chat>>, key: string, messages: string[]): void {
  expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  if (err === "ok") return;
  expect(err.error).toMatchObject({ type: "invalid_request_error", param: null, code: "invalid_api_key" });
  expect(messages).toContain((err.error as { message?: string }).message);
  const body = JSON.stringify(err.error);
  for (const secret of [key, hashRelayKey(key), stack.providerSecret]) expect(body).not.toContain(secret);
}

async function expectRefusedEverywhere(key: string, message: string): Promise<void> {
  for (const gw of stack.gateways) expectRefusal(await chat(gw, key), key, [message]);
}

async function waitRefusedEverywhere(key: string): Promise<void> {
  for (const gw of stack.gateways) {
    await waitFor(`${gw.url} to refuse the key`, async () => {
      const res = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
      await res.arrayBuffer();
      return res.status === 401 ? true : undefined;
    });
  }
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** The parts of a kuberelay object's JSON these tests read. */
interface Viewed {
  status?: {
    conditions?: Condition[];
    keyPrefix?: string;
    rotatedAt?: string;
    nextRotationAt?: string;
    previousKeyPrefix?: string;
    previousKeyExpiresAt?: string;
  };
}

async function getJson<T = Viewed>(args: string[]): Promise<T> {
  return JSON.parse((await stack.cp.kubectl(["get", ...args, "-o", "json"])).stdout) as T;
}

const readyOf = (obj: Viewed) => obj.status?.conditions?.find((c) => c.type === "Ready");

async function waitReady(args: string[], status: "True" | "False", reason: string): Promise<Condition> {
  return waitFor(`${args.join(" ")} Ready=${status} (${reason})`, async () => {
    const ready = readyOf(await getJson(args));
    return ready?.status === status && ready.reason === reason ? ready : undefined;
  });
}

const patch = (resource: string, namespace: string, body: object) =>
  stack.cp.kubectl(["patch", "-n", namespace, resource, "--type", "merge", "-p", JSON.stringify(body)]);

async function secretData(namespace: string, name: string): Promise<Record<string, string>> {
  const secret = await getJson<{ data?: Record<string, string> }>(["secret", "-n", namespace, name]);
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), "base64").toString("utf8")]),
  );
}

beforeAll(async () => {
  stack = await startStack({ gateways: 2 });
  await applyQuickstart(stack, NS);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("relay key lifecycle", () => {
  it("rotation: both keys work during the grace, the old one stops at its end, the Secret forgets it", async () => {
    const oldKey = await issuedRelayKey(stack, NS, "app", "app-relay-key");
    const graceSeconds = 8;
    await patch("relaykey/app", NS, {
      spec: { rotation: { requestedAt: new Date().toISOString(), gracePeriodSeconds: graceSeconds } },
    });
    const data = await waitFor("the rotated Secret", async () => {
      const d = await secretData(NS, "app-relay-key");
      return d["previous-key"] ? d : undefined;
    });
    const newKey = data.key ?? "";
    expect(newKey).toMatch(/^krk_[A-Za-z0-9_-]{43}$/);
    expect(newKey).not.toBe(oldKey);
    expect(data["previous-key"]).toBe(oldKey);

    for (const gw of stack.gateways) await waitForKeyOnGateway(gw, newKey);
    await expectWorksEverywhere(newKey);
    await expectWorksEverywhere(oldKey);

    const status = await waitFor("the rotation in status", async () => {
      const { status: s } = await getJson(["relaykey", "-n", NS, "app"]);
      return s?.previousKeyExpiresAt && s.keyPrefix === newKey.slice(0, 8) ? s : undefined;
    });
    expect(status.previousKeyPrefix).toBe(oldKey.slice(0, 8));
    const rotatedAt = Date.parse(status.rotatedAt ?? "");
    const graceEnd = Date.parse(status.previousKeyExpiresAt ?? "");
    expect(graceEnd - rotatedAt).toBe(graceSeconds * 1000);
    const shown = JSON.stringify(status);
    for (const secret of [oldKey, newKey, hashRelayKey(oldKey), hashRelayKey(newKey)]) {
      expect(shown).not.toContain(secret);
    }
    expect(readyOf({ status })).toMatchObject({ status: "True", reason: "KeyIssued" });

    const events = await getJson<{ items: Array<{ message: string }> }>([
      "events",
      "-n",
      NS,
      "--field-selector",
      "reason=KeyRotated",
    ]);
    expect(events.items).toHaveLength(1);
    expect(events.items[0]?.message).toContain(`the previous key (${oldKey.slice(0, 8)}…) works until`);

    // The gateways stop the old key on their own clock: no reconcile has to happen first. The
    // operator wakes at the same instant to drop the old key, so a gateway that has already
    // applied that clean-up may call the key unknown instead; one that has not must say expired.
    const appliedBefore = await Promise.all(stack.gateways.map(appliedConfigs));
    await sleepUntil(graceEnd + 50);
    await Promise.all(
      stack.gateways.map(async (gw, i) => {
        const err = await chat(gw, oldKey);
        const reloaded = (await appliedConfigs(gw)) !== appliedBefore[i];
        const expired = "This API key has expired.";
        expectRefusal(err, oldKey, reloaded ? [expired, "Incorrect API key provided."] : [expired]);
      }),
    );
    await expectWorksEverywhere(newKey);

    await waitFor("the previous key to leave the Secret", async () => {
      const d = await secretData(NS, "app-relay-key");
      return d["previous-key"] === undefined ? d : undefined;
    });
    expect((await secretData(NS, "app-relay-key")).key).toBe(newKey);
    const after = await waitFor("status without the previous key", async () => {
      const { status: s } = await getJson(["relaykey", "-n", NS, "app"]);
      return s && s.previousKeyExpiresAt === undefined ? s : undefined;
    });
    expect(after.rotatedAt).toBe(status.rotatedAt);
    expect(after.previousKeyPrefix).toBeUndefined();
    // Once the Secret forgets the old key, so does the config: it is now simply unknown.
    await waitFor("the old key to leave every gateway", async () => {
      await expectRefusedEverywhere(oldKey, "Incorrect API key provided.");
      return true;
    });
    await expectWorksEverywhere(newKey);
    // The same request again changes nothing: it is answered once.
    await patch("relaykey/app", NS, { metadata: { labels: { touched: "yes" } } });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await secretData(NS, "app-relay-key")).key).toBe(newKey);
  });

  it("disable refuses the key everywhere, re-enable brings the same key back", async () => {
    const key = (await secretData(NS, "app-relay-key")).key ?? "";
    await patch("relaykey/app", NS, { spec: { disabled: true } });
    await waitRefusedEverywhere(key);
    await expectRefusedEverywhere(key, "This API key is disabled.");
    const ready = await waitReady(["relaykey", "-n", NS, "app"], "False", "Disabled");
    expect(ready.message).toBe("the key is disabled");

    await patch("relaykey/app", NS, { spec: { disabled: false } });
    for (const gw of stack.gateways) await waitForKeyOnGateway(gw, key);
    await expectWorksEverywhere(key);
    await waitReady(["relaykey", "-n", NS, "app"], "True", "KeyIssued");
  });

  it("expiresAt is honoured by every gateway to the second, with no reconcile needed", async () => {
    const key = (await secretData(NS, "app-relay-key")).key ?? "";
    // Far enough ahead that a loaded machine still loads the expiry everywhere before it passes.
    const expiresAt = Math.ceil((Date.now() + 8000) / 1000) * 1000;
    const before = await Promise.all(stack.gateways.map(appliedConfigs));
    await patch("relaykey/app", NS, {
      spec: { expiresAt: new Date(expiresAt).toISOString().replace(".000", "") },
    });
    // Every gateway has loaded the config carrying the expiry; from here on no reconcile is needed.
    await Promise.all(
      stack.gateways.map((gw, i) =>
        waitFor(`${gw.url} to load the expiry`, async () =>
          (await appliedConfigs(gw)) > (before[i] ?? 0) ? true : undefined,
        ),
      ),
    );
    await waitReady(["relaykey", "-n", NS, "app"], "True", "KeyIssued");
    expect(Date.now()).toBeLessThan(expiresAt - 500);
    await expectWorksEverywhere(key);

    // The first request after the instant is refused: the gateway checks the time itself.
    await sleepUntil(expiresAt + 20);
    await expectRefusedEverywhere(key, "This API key has expired.");
    const ready = await waitReady(["relaykey", "-n", NS, "app"], "False", "Expired");
    expect(ready.message).toBe(`the key expired at ${new Date(expiresAt).toISOString()}`);
    const listing = (await stack.cp.kubectl(["get", "relaykeys", "-n", NS])).stdout;
    expect(listing.split("\n")[0]).toMatch(/NAME\s+POLICY\s+READY\s+REASON\s+PREFIX\s+EXPIRES\s+AGE/);
    expect(listing).toMatch(/app\s+default\s+False\s+Expired\s+krk_/);
  });

  it("a RelayKey whose Policy is missing is not Ready, says why, and its key is refused", async () => {
    await applyRelayKey(stack, NS, "orphan", { policy: "later", secretName: "orphan-relay-key" });
    const ready = await waitReady(["relaykey", "-n", NS, "orphan"], "False", "PolicyNotFound");
    expect(ready.message).toBe(`Policy "later" not found in namespace "${NS}"`);
    const key = await waitFor(
      "the orphan's Secret",
      async () => (await secretData(NS, "orphan-relay-key")).key,
    );
    await expectRefusedEverywhere(key, "Incorrect API key provided.");

    // Level-triggered: the Policy appearing is enough.
    const policy = await getJson<{ spec: unknown }>(["policy", "-n", NS, "default"]);
    await stack.cp.kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "kuberelay.dev/v1alpha1",
        kind: "Policy",
        metadata: { name: "later", namespace: NS },
        spec: policy.spec,
      }),
    );
    await waitReady(["relaykey", "-n", NS, "orphan"], "True", "KeyIssued");
    for (const gw of stack.gateways) await waitForKeyOnGateway(gw, key);
    await expectWorksEverywhere(key);
  });

  it("issue 13: a Policy whose content mode the gateways cannot honour says so, and says so no longer once off", async () => {
    const policy = await getJson<{ spec: unknown }>(["policy", "-n", NS, "default"]);
    const applyCapture = (mode: string) =>
      stack.cp.kubectl(
        ["apply", "-f", "-"],
        JSON.stringify({
          apiVersion: "kuberelay.dev/v1alpha1",
          kind: "Policy",
          metadata: { name: "capture", namespace: NS },
          spec: { ...(policy.spec as object), content: { mode } },
        }),
      );
    const captured = (reason: string) =>
      waitFor(`Policy capture ContentCaptured ${reason}`, async () => {
        const c = (await getJson(["policy", "-n", NS, "capture"])).status?.conditions?.find(
          (x) => x.type === "ContentCaptured",
        );
        return c?.reason === reason ? c : undefined;
      });
    // This stack's operator runs with the flags' defaults: a ledger, no content key, no plaintext.
    await applyCapture("encrypted");
    const noKey = await captured("NoContentKey");
    expect(noKey.status).toBe("False");
    expect(noKey.message).toContain("KUBERELAY_CONTENT_KEY");
    // Still serving: keeping less than asked does not stop requests.
    expect(readyOf(await getJson(["policy", "-n", NS, "capture"]))?.status).toBe("True");
    await applyCapture("plaintext");
    expect((await captured("PlaintextNotAllowed")).status).toBe("False");
    await applyCapture("off");
    expect((await captured("Off")).status).toBe("True");
  });

  it("issue 10: a route to an ungranted or missing ProviderKey answers 503 and shows on the Policy; the key stays valid", async () => {
    const manifests = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "platform" } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-x" } },
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "upstream", namespace: "platform" },
        stringData: { apiKey: stack.providerSecret },
      },
      {
        apiVersion: "kuberelay.dev/v1alpha1",
        kind: "ProviderKey",
        metadata: { name: "shared", namespace: "platform" },
        spec: {
          provider: "openai-compatible",
          baseURL: `${stack.mock.url}/v1`,
          allowPrivateNetwork: true,
          credentials: { secretKeyRef: { name: "upstream", key: "apiKey" } },
          allowedNamespaces: { matchLabels: { "llm.example.com/granted": "yes" } },
        },
      },
      {
        apiVersion: "kuberelay.dev/v1alpha1",
        kind: "Policy",
        metadata: { name: "via-platform", namespace: "team-x" },
        spec: {
          routes: [
            {
              model: "gpt-4o-mini",
              targets: [{ providerKeyRef: { name: "shared", namespace: "platform" } }],
            },
            // A typo: no such ProviderKey. It must not take the route above, or the key, with it.
            { model: "claude-*", targets: [{ providerKeyRef: { name: "mock-opneai" } }] },
          ],
        },
      },
      {
        apiVersion: "kuberelay.dev/v1alpha1",
        kind: "RelayKey",
        metadata: { name: "app", namespace: "team-x" },
        spec: { policyRef: { name: "via-platform" }, secretName: "app-relay-key" },
      },
    ];
    await stack.cp.kubectl(["apply", "-f", "-"], manifests.map((m) => JSON.stringify(m)).join("\n---\n"));
    const policyReady = await waitReady(
      ["policy", "-n", "team-x", "via-platform"],
      "False",
      "NamespaceNotAllowed",
    );
    expect(policyReady.message).toBe(
      'spec.routes[0].targets[0].providerKeyRef: ProviderKey "platform/shared" does not allow namespace "team-x" (allowedNamespaces); ' +
        'spec.routes[1].targets[0].providerKeyRef: ProviderKey "team-x/mock-opneai" not found; ' +
        "0 of 2 routes serving, the others answer 503",
    );
    await waitReady(["relaykey", "-n", "team-x", "app"], "True", "KeyIssued");
    const key = await waitFor(
      "team-x's Secret",
      async () => (await secretData("team-x", "app-relay-key")).key,
    );
    for (const gw of stack.gateways) await waitForKeyOnGateway(gw, key);
    for (const gw of stack.gateways) {
      const err = await chat(gw, key);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      if (err === "ok") continue;
      expect(err.status).toBe(503);
      expect(err.error).toMatchObject({
        type: "server_error",
        code: "route_unavailable",
        message:
          'route unavailable: ProviderKey "platform/shared" does not allow namespace "team-x" (allowedNamespaces)',
      });
    }

    // The platform team grants the namespace: the same key starts to work; the typo still shows.
    await stack.cp.kubectl(["label", "namespace", "team-x", "llm.example.com/granted=yes"]);
    const stillBroken = await waitReady(
      ["policy", "-n", "team-x", "via-platform"],
      "False",
      "ProviderKeyNotFound",
    );
    expect(stillBroken.message).toContain("1 of 2 routes serving");
    for (const gw of stack.gateways) {
      await waitFor(`${gw.url} to serve the granted route`, async () =>
        (await chat(gw, key)) === "ok" ? true : undefined,
      );
    }
  });

  it("a requestedAt in the future waits for its instant; everySeconds schedules the next rotation, shown in status", async () => {
    await applyRelayKey(stack, NS, "scheduled", { policy: "default", secretName: "scheduled-relay-key" });
    const first = await issuedRelayKey(stack, NS, "scheduled", "scheduled-relay-key");
    const at = Math.ceil((Date.now() + 5000) / 1000) * 1000;
    await patch("relaykey/scheduled", NS, {
      spec: {
        rotation: { requestedAt: new Date(at).toISOString().replace(".000", ""), gracePeriodSeconds: 0 },
      },
    });
    const pending = await waitFor("the scheduled rotation in status", async () => {
      const { status: s } = await getJson(["relaykey", "-n", NS, "scheduled"]);
      return s?.nextRotationAt ? s : undefined;
    });
    expect(Date.parse(pending.nextRotationAt ?? "")).toBe(at);
    const early = await secretData(NS, "scheduled-relay-key");
    // Read before the instant: the key must still be the first one.
    if (Date.now() < at) expect(early.key).toBe(first);

    const rotated = await waitFor("the scheduled rotation", async () => {
      const d = await secretData(NS, "scheduled-relay-key");
      return d.key !== first ? d : undefined;
    });
    const newKey = rotated.key ?? "";
    const done = await waitFor("the rotation in status", async () => {
      const { status: s } = await getJson(["relaykey", "-n", NS, "scheduled"]);
      return s?.rotatedAt && s.nextRotationAt === undefined ? s : undefined;
    });
    expect(Date.parse(done.rotatedAt ?? "")).toBeGreaterThanOrEqual(at);
    await waitRefusedEverywhere(first);
    for (const gw of stack.gateways) await waitForKeyOnGateway(gw, newKey);

    // On a schedule: the next rotation is a period after the current key's issue.
    await patch("relaykey/scheduled", NS, { spec: { rotation: { everySeconds: 86_400 } } });
    const scheduled = await waitFor("the next scheduled rotation in status", async () => {
      const { status: s } = await getJson(["relaykey", "-n", NS, "scheduled"]);
      return s?.nextRotationAt ? s : undefined;
    });
    expect(Date.parse(scheduled.nextRotationAt ?? "") - Date.parse(scheduled.rotatedAt ?? "")).toBe(
      86_400_000,
    );
    const wide = (await stack.cp.kubectl(["get", "relaykey", "-n", NS, "scheduled", "-o", "wide"])).stdout;
    expect(wide.split("\n")[0]).toMatch(/ROTATED\s+NEXT-ROTATION/);
    expect((await secretData(NS, "scheduled-relay-key")).key).toBe(newKey);
  });

  describe("bad objects are refused by the API server, in the words zod uses too", () => {
    const relayKey = (spec: object) => ({
      apiVersion: "kuberelay.dev/v1alpha1",
      kind: "RelayKey",
      metadata: { name: "bad", namespace: NS },
      spec,
    });
    const policy = (spec: object) => ({
      apiVersion: "kuberelay.dev/v1alpha1",
      kind: "Policy",
      metadata: { name: "bad", namespace: NS },
      spec,
    });
    const providerKey = (spec: object) => ({
      apiVersion: "kuberelay.dev/v1alpha1",
      kind: "ProviderKey",
      metadata: { name: "bad", namespace: NS },
      spec,
    });
    const target = { providerKeyRef: { name: "openai" } };

    async function refusal(obj: object): Promise<string> {
      const err = await stack.cp.kubectl(["apply", "-f", "-"], JSON.stringify(obj)).catch((e: unknown) => e);
      if (!(err instanceof CommandError)) throw new Error(`the API server accepted ${JSON.stringify(obj)}`);
      return err.stderr;
    }

    const zodSays = (schema: z.ZodType, spec: object) =>
      schema.safeParse(spec).error?.issues.map((i) => i.message) ?? [];

    const cases: Array<{
      name: string;
      obj: { spec: object };
      schema: z.ZodType;
      message: string;
      zod?: boolean;
    }> = [
      {
        name: "RelayKey with both secretName and secretRef",
        obj: relayKey({
          policyRef: { name: "default" },
          secretName: "a",
          secretRef: { name: "b", key: "k" },
        }),
        schema: relayKeySpecSchema,
        message: "set exactly one of secretName (a generated key) or secretRef (your own key)",
      },
      {
        name: "RelayKey rotating a key brought by reference",
        obj: relayKey({
          policyRef: { name: "default" },
          secretRef: { name: "b", key: "k" },
          rotation: { requestedAt: "2026-01-01T00:00:00Z" },
        }),
        schema: relayKeySpecSchema,
        message:
          "rotation applies to generated keys (secretName); a secretRef key is rotated by whoever owns the referenced Secret",
      },
      {
        name: "RelayKey with a grace period over 30 days",
        obj: relayKey({
          policyRef: { name: "default" },
          secretName: "a",
          rotation: { requestedAt: "2026-01-01T00:00:00Z", gracePeriodSeconds: 2_592_001 },
        }),
        schema: relayKeySpecSchema,
        message: "spec.rotation.gracePeriodSeconds in body should be less than or equal to 2592000",
        zod: false,
      },
      {
        name: "RelayKey rotating on a schedule shorter than its grace period",
        obj: relayKey({
          policyRef: { name: "default" },
          secretName: "a",
          rotation: { everySeconds: 7200, gracePeriodSeconds: 7200 },
        }),
        schema: relayKeySpecSchema,
        message: "everySeconds must be longer than gracePeriodSeconds: only one previous key is kept",
      },
      {
        name: "RelayKey rotation with neither requestedAt nor everySeconds",
        obj: relayKey({
          policyRef: { name: "default" },
          secretName: "a",
          rotation: { gracePeriodSeconds: 60 },
        }),
        schema: relayKeySpecSchema,
        message: "rotation needs requestedAt (once) or everySeconds (on a schedule)",
      },
      {
        name: "Policy with a weight of 0",
        obj: policy({ routes: [{ model: "gpt-4o", targets: [{ ...target, weight: 0 }] }] }),
        schema: policySpecSchema,
        message: "spec.routes[0].targets[0].weight in body should be greater than or equal to 1",
        zod: false,
      },
      {
        name: "Policy with a route without targets",
        obj: policy({ routes: [{ model: "gpt-4o", targets: [] }] }),
        schema: policySpecSchema,
        message: "spec.routes[0].targets in body should have at least 1 items",
        zod: false,
      },
      {
        name: "Policy with a daily budget above the monthly one",
        obj: policy({
          routes: [{ model: "gpt-4o", targets: [target] }],
          budget: { usdPerDay: 100, usdPerMonth: 10 },
        }),
        schema: policySpecSchema,
        message: "budget.usdPerDay must not exceed budget.usdPerMonth",
      },
      {
        name: "ProviderKey with an http:// baseURL and neither allowInsecureHttp nor allowPrivateNetwork",
        obj: providerKey({
          provider: "openai-compatible",
          baseURL: "http://llm.example.com/v1",
          credentials: { secretKeyRef: { name: "s", key: "k" } },
        }),
        schema: providerKeySpecSchema,
        message:
          "baseURL must use https unless allowInsecureHttp is true (or allowPrivateNetwork, for an upstream on a private network)",
      },
      {
        name: "ProviderKey whose baseURL is no http(s) URL",
        obj: providerKey({
          provider: "openai-compatible",
          baseURL: "ftp://llm.example.com/v1",
          allowPrivateNetwork: true,
          credentials: { secretKeyRef: { name: "s", key: "k" } },
        }),
        schema: providerKeySpecSchema,
        message: "baseURL must be an absolute http or https URL",
      },
    ];

    for (const c of cases) {
      it(c.name, async () => {
        const stderr = await refusal(c.obj);
        console.log(`refused by the API server: ${stderr.trim()}`);
        expect(stderr).toContain(c.message);
        expect(stderr).toMatch(/is invalid/);
        // zod refuses it too (standalone mode has no API server), in the same words for CEL rules.
        const said = zodSays(c.schema, c.obj.spec);
        expect(said.length).toBeGreaterThan(0);
        if (c.zod !== false) expect(said).toContain(c.message);
      });
    }

    it("none of them was stored", async () => {
      for (const kind of ["relaykey", "policy", "providerkey"]) {
        const { stdout } = await stack.cp.kubectl(["get", kind, "bad", "-n", NS, "--ignore-not-found"]);
        expect(stdout.trim()).toBe("");
      }
    });
  });

  it("no process ever printed a relay key", async () => {
    const keys = Object.values(await secretData(NS, "app-relay-key"));
    for (const proc of stack.processes()) {
      for (const key of keys) expect(proc.output()).not.toContain(key);
      expect(proc.output()).not.toContain(stack.providerSecret);
    }
  });
});
