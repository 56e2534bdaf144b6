import { describe, expect, it } from "vitest";
import { type AdmitOptions, admit } from "./admit.js";
import type { NamespaceLookup } from "./namespace-lookup.js";
import type { WarningEvent } from "./pod-event.js";
import { applyJsonPatch } from "./testing/apply-json-patch.js";
import { fakeLookup, fakeNamespaces, GATEWAY_URL, podCreateReview } from "./testing/fixtures.js";
import { isRecord } from "./type-guards.js";

const lookup = fakeLookup({ "team-a/chat": { secretName: "chat-relay-key", ready: true } });
const namespaces = fakeNamespaces({ labelled: { "kuberelay.dev/inject": "enabled" } });
const options: AdmitOptions = {
  gatewayUrl: GATEWAY_URL,
  lookup,
  namespaces,
  ownNamespace: "kuberelay-system",
};

function recordingEvents(): { warn(event: WarningEvent): void; events: WarningEvent[] } {
  const events: WarningEvent[] = [];
  return { events, warn: (event) => events.push(event) };
}

/** The fixture review moved to another namespace, e.g. one labelled for injection. */
function inNamespace(review: Record<string, unknown>, namespace: string): Record<string, unknown> {
  const copy = structuredClone(review);
  if (isRecord(copy.request)) {
    copy.request.namespace = namespace;
    if (isRecord(copy.request.object) && isRecord(copy.request.object.metadata)) {
      copy.request.object.metadata.namespace = namespace;
    }
  }
  return copy;
}

function podOf(review: Record<string, unknown>): unknown {
  return isRecord(review.request) ? review.request.object : undefined;
}

function decodePatch(patch: string | undefined): unknown {
  return JSON.parse(Buffer.from(patch ?? "", "base64").toString("utf8"));
}

describe("admit", () => {
  it("injects base URLs and key references for a Ready RelayKey", async () => {
    const review = podCreateReview({ "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "chat" });
    const { review: answer, summary } = await admit(review, options);

    expect(answer.response).toMatchObject({ uid: "0b6c3f0e-1c5e-4c8e-9d0a-4f1f6a3b2c11", allowed: true });
    expect(answer.response.warnings).toBeUndefined();
    const mutated = applyJsonPatch(podOf(review), decodePatch(answer.response.patch));
    expect(mutated).toMatchObject({
      metadata: { annotations: { "kuberelay.dev/injected": expect.stringContaining("OPENAI_API_KEY") } },
      spec: {
        containers: [
          { env: expect.arrayContaining([{ name: "OPENAI_BASE_URL", value: `${GATEWAY_URL}/v1` }]) },
        ],
      },
    });
    expect(summary).toMatchObject({ namespace: "team-a", pod: "chat-7d9f-", warnings: [] });
    expect(summary.injected).toHaveLength(6);
  });

  it("injects base URLs only, with a warning, when the RelayKey is missing", async () => {
    const review = podCreateReview({ "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "gone" });
    const { review: answer, summary } = await admit(review, options);

    expect(answer.response.warnings).toEqual([
      'kuberelay: RelayKey "team-a/gone" not found; OPENAI_API_KEY, ANTHROPIC_API_KEY, AWS_BEARER_TOKEN_BEDROCK not injected',
    ]);
    expect(summary.injected).toEqual([
      "OPENAI_BASE_URL",
      "ANTHROPIC_BASE_URL",
      "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    ]);
  });

  it("records a RelayKeyNotReady Event on the Pod for a missing RelayKey, except on dry runs", async () => {
    const events = recordingEvents();
    const review = podCreateReview({ "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "gone" });
    const outcome = await admit(review, { ...options, events });
    expect(outcome).toMatchObject({ result: "warned", warningReasons: ["RelayKeyNotFound"] });
    expect(events.events).toEqual([
      {
        pod: { namespace: "team-a", name: "chat-7d9f-", uid: undefined },
        reason: "RelayKeyNotReady",
        note: 'RelayKey "team-a/gone" not found; OPENAI_API_KEY, ANTHROPIC_API_KEY, AWS_BEARER_TOKEN_BEDROCK not injected',
      },
    ]);
    const dry = structuredClone(review);
    if (isRecord(dry.request)) dry.request.dryRun = true;
    await admit(dry, { ...options, events });
    expect(events.events).toHaveLength(1);
  });

  it("records no Event when the Pod names no RelayKey", async () => {
    const events = recordingEvents();
    await admit(podCreateReview({ "kuberelay.dev/inject": "true" }), { ...options, events });
    expect(events.events).toEqual([]);
  });

  it("injects a Pod without the annotation in a namespace labelled for injection", async () => {
    const review = inNamespace(podCreateReview({ "kuberelay.dev/relay-key": "chat" }), "labelled");
    const outcome = await admit(review, options);
    expect(outcome.summary.injected).toContain("OPENAI_BASE_URL");
  });

  it("admits with a warning, uninjected, when the namespace cannot be read", async () => {
    const failing: NamespaceLookup = { labels: () => Promise.reject(new Error("forbidden")) };
    const outcome = await admit(podCreateReview({}), { ...options, namespaces: failing });
    expect(outcome).toMatchObject({ result: "warned", warningReasons: ["NamespaceLookupFailed"] });
    expect(outcome.review.response.patch).toBeUndefined();
    expect(outcome.review.response.warnings).toHaveLength(1);
  });

  it("neither patches nor looks up the RelayKey of a Pod that is not selected", async () => {
    const quiet = fakeLookup({});
    const outcome = await admit(podCreateReview({ "kuberelay.dev/relay-key": "chat" }), {
      ...options,
      lookup: quiet,
    });
    expect(outcome.review.response).toEqual({ uid: "0b6c3f0e-1c5e-4c8e-9d0a-4f1f6a3b2c11", allowed: true });
    expect(quiet.asked).toEqual([]);
    expect(outcome.summary.skipped).toBe("not selected");
    expect(outcome.result).toBe("skipped");
  });

  it("allows a malformed review, echoing the uid it can find", async () => {
    const { review: answer, summary } = await admit(
      { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { uid: "u-9" } },
      options,
    );
    expect(answer).toEqual({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { uid: "u-9", allowed: true },
    });
    expect(summary.skipped).toMatch(/malformed/);
    await expect(admit({}, options)).resolves.toMatchObject({ result: "error" });
  });

  it("allows a review it does not handle with its uid and no patch: an UPDATE, another kind", async () => {
    const update = structuredClone(podCreateReview({ "kuberelay.dev/inject": "true" }, { uid: "u-upd" }));
    if (isRecord(update.request)) update.request.operation = "UPDATE";
    const deployment = structuredClone(podCreateReview({ "kuberelay.dev/inject": "true" }, { uid: "u-dep" }));
    if (isRecord(deployment.request))
      deployment.request.kind = { group: "apps", version: "v1", kind: "Deployment" };
    for (const [review, uid] of [
      [update, "u-upd"],
      [deployment, "u-dep"],
    ] as const) {
      const outcome = await admit(review, options);
      expect(outcome.review.response).toEqual({ uid, allowed: true });
      expect(outcome.result).toBe("skipped");
    }
  });

  it("answers a reinvocation with its own output with an empty patch", async () => {
    const review = podCreateReview({ "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "chat" });
    const first = await admit(review, options);
    const mutated = applyJsonPatch(podOf(review), decodePatch(first.review.response.patch));
    const again = structuredClone(review);
    if (isRecord(again.request)) again.request.object = mutated;
    const second = await admit(again, options);
    expect(second.review.response).toEqual({ uid: "0b6c3f0e-1c5e-4c8e-9d0a-4f1f6a3b2c11", allowed: true });
    expect(second.result).toBe("skipped");
  });

  it("only marks a Pod that needs nothing, so the operator knows it was seen", async () => {
    const names = [
      "OPENAI_BASE_URL",
      "ANTHROPIC_BASE_URL",
      "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
      "OPENAI_API_KEY",
      "ANTHROPIC_API_KEY",
      "AWS_BEARER_TOKEN_BEDROCK",
    ];
    const env = names.map((name) => ({ name, value: "mine" }));
    const review = podCreateReview(
      { "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "chat" },
      { containers: [{ name: "app", env }] },
    );
    const { review: answer, result } = await admit(review, options);
    expect(decodePatch(answer.response.patch)).toEqual([
      { op: "add", path: "/metadata/annotations/kuberelay.dev~1injected", value: "" },
    ]);
    expect(result).toBe("skipped");
  });
});
