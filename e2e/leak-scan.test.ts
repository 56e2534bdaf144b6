/**
 * The leak scan every stack runs in stop() (issue #9), proven on a real stack: secrets planted
 * where kuberelay's outputs are collected (an Event, a process's log, a response a test received)
 * fail stop() with hits naming each source, and the stack is still torn down.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canary } from "./harness/canary.js";
import { issuedRelayKey } from "./harness/issued-relay-key.js";
import { type Stack, startStack } from "./harness/kuberelay-stack.js";
import { applyQuickstart } from "./harness/quickstart-manifests.js";

const NS = "leak-scan";
let stack: Stack;
let stopped = false;
let echo: Server;

beforeAll(async () => {
  stack = await startStack({ gateways: 1 });
  echo = createServer((req, res) => res.end(`you asked for ${req.url}`));
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
}, 240_000);

afterAll(async () => {
  echo?.close();
  if (!stopped) await stack?.stop();
});

describe("the stack's leak scan", () => {
  it("issue 9: stop() fails naming a secret planted in an Event, a gateway's output and a received response", async () => {
    await applyQuickstart(stack, NS);
    const key = await issuedRelayKey(stack, NS, "app", "app-relay-key");
    const inEvent = canary();
    await stack.cp.kubectl(
      ["create", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: "planted", namespace: NS },
        involvedObject: {
          kind: "RelayKey",
          namespace: NS,
          name: "app",
          apiVersion: "kuberelay.dev/v1alpha1",
        },
        reason: "Planted",
        message: `planted ${inEvent}`,
        type: "Normal",
      }),
    );
    // The gateway logs the model a request asked for.
    const inOutput = canary();
    const res = await fetch(`${stack.gateways[0]?.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: inOutput, messages: [{ role: "user", content: "hi" }] }),
    });
    await res.arrayBuffer();
    const inResponse = canary();
    await (await fetch(`http://127.0.0.1:${(echo.address() as AddressInfo).port}/${inResponse}`)).text();
    stack.canaries
      .add("planted in an Event", inEvent)
      .add("planted in a log", inOutput)
      .add("planted in a response", inResponse);

    stopped = true;
    const error = await stack.stop().then(
      () => undefined,
      (err: unknown) => String(err),
    );
    if (error === undefined) throw new Error("stop() found no leak");
    expect(error).toMatch(/- Events: "[0-9a-z]{8}" of planted in an Event/);
    expect(error).toMatch(/- output of gateway-0: "[0-9a-z]{8}" of planted in a log/);
    expect(error).toMatch(
      /- response 200 GET http:\/\/127\.0\.0\.1:\d+\/canary[0-9a-f]+: "[0-9a-z]{8}" of planted in a response/,
    );
    // Nothing else leaked: every hit is one of the planted secrets.
    expect(error.match(/ of (?!planted)[^"\n]* in …/g) ?? []).toEqual([]);
    // Torn down all the same.
    const codes = await Promise.all(stack.processes().map((p) => p.exited));
    expect(codes.every((c) => c !== undefined)).toBe(true);
  });
});
