import { describe, expect, it } from "vitest";
import { admit } from "./admit.js";
import { applyJsonPatch } from "./testing/apply-json-patch.js";
import { fakeLookup, GATEWAY_URL, podCreateReview } from "./testing/fixtures.js";
import { isRecord } from "./type-guards.js";

const lookup = fakeLookup({ "team-a/chat": { secretName: "chat-relay-key", ready: true } });

function podOf(review: Record<string, unknown>): unknown {
  return isRecord(review.request) ? review.request.object : undefined;
}

function decodePatch(patch: string | undefined): unknown {
  return JSON.parse(Buffer.from(patch ?? "", "base64").toString("utf8"));
}

describe("admit", () => {
  it("injects base URLs and key references for a Ready RelayKey", async () => {
    const review = podCreateReview({ "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "chat" });
    const { review: answer, summary } = await admit(review, { gatewayUrl: GATEWAY_URL, lookup });

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
    expect(summary.injected).toHaveLength(4);
  });

  it("injects base URLs only, with a warning, when the RelayKey is missing", async () => {
    const review = podCreateReview({ "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "gone" });
    const { review: answer, summary } = await admit(review, { gatewayUrl: GATEWAY_URL, lookup });

    expect(answer.response.warnings).toEqual([
      'kuberelay: RelayKey "team-a/gone" not found; OPENAI_API_KEY and ANTHROPIC_API_KEY not injected',
    ]);
    expect(summary.injected).toEqual(["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"]);
  });

  it("neither patches nor looks up a Pod that is not annotated", async () => {
    const quiet = fakeLookup({});
    const { review: answer, summary } = await admit(podCreateReview({ "kuberelay.dev/relay-key": "chat" }), {
      gatewayUrl: GATEWAY_URL,
      lookup: quiet,
    });
    expect(answer.response).toEqual({ uid: "0b6c3f0e-1c5e-4c8e-9d0a-4f1f6a3b2c11", allowed: true });
    expect(quiet.asked).toEqual([]);
    expect(summary.skipped).toBe("not annotated");
  });

  it("allows a malformed review, echoing the uid it can find", async () => {
    const { review: answer, summary } = await admit(
      { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { uid: "u-9" } },
      { gatewayUrl: GATEWAY_URL, lookup },
    );
    expect(answer).toEqual({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { uid: "u-9", allowed: true },
    });
    expect(summary.skipped).toMatch(/malformed/);
  });

  it("admits unchanged when the Pod needs nothing", async () => {
    const env = ["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"].map(
      (name) => ({
        name,
        value: "mine",
      }),
    );
    const review = podCreateReview(
      { "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": "chat" },
      { containers: [{ name: "app", env }] },
    );
    const { review: answer } = await admit(review, { gatewayUrl: GATEWAY_URL, lookup });
    expect(answer.response.patch).toBeUndefined();
    expect(answer.response.patchType).toBeUndefined();
  });
});
