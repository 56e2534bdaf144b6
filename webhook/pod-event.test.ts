import type { EventsV1Event } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { createKubernetesEventRecorder, type EventCreator, warningEventBody } from "./pod-event.js";
import { captureLogger } from "./testing/capture-logger.js";
import { waitFor } from "./testing/wait-for.js";

const event = {
  pod: { namespace: "team-a", name: "chat-7d9f-" },
  reason: "RelayKeyNotReady" as const,
  note: 'RelayKey "team-a/gone" not found',
};
const now = new Date("2026-11-25T10:00:00.000Z");

describe("warningEventBody", () => {
  it("builds an events.k8s.io/v1 Warning regarding the Pod", () => {
    const body = warningEventBody(event, now, "webhook-0");
    expect(body).toMatchObject({
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { namespace: "team-a" },
      type: "Warning",
      reason: "RelayKeyNotReady",
      action: "Inject",
      note: 'RelayKey "team-a/gone" not found',
      reportingController: "kuberelay.dev/webhook",
      reportingInstance: "webhook-0",
      regarding: { apiVersion: "v1", kind: "Pod", namespace: "team-a", name: "chat-7d9f-" },
    });
    expect(body.regarding?.uid).toBeUndefined();
    expect(body.eventTime.toISOString()).toBe("2026-11-25T10:00:00.000000Z");
  });

  it("names the Event after the Pod as a valid DNS subdomain, unique per call", () => {
    const a = warningEventBody(event, now, "w").metadata?.name ?? "";
    const b = warningEventBody(event, now, "w").metadata?.name ?? "";
    expect(a).toMatch(/^chat-7d9f\.[0-9a-f]+$/);
    expect(a).not.toBe(b);
  });
});

describe("createKubernetesEventRecorder", () => {
  it("returns at once and writes the Event in the background", async () => {
    const written: EventsV1Event[] = [];
    let release = () => {};
    const api: EventCreator = {
      createNamespacedEvent: ({ body }) =>
        new Promise((resolve) => {
          release = () => resolve(body);
          written.push(body);
        }),
    };
    const { logger, lines } = captureLogger();
    createKubernetesEventRecorder({ api, logger, reportingInstance: "w" }).warn(event);
    expect(written).toHaveLength(1);
    release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(lines).toEqual([]);
  });

  it("logs a write that fails or hangs, and nothing else happens", async () => {
    const { logger, lines } = captureLogger();
    const failing: EventCreator = { createNamespacedEvent: () => Promise.reject(new Error("forbidden")) };
    const hanging: EventCreator = { createNamespacedEvent: () => new Promise(() => {}) };
    createKubernetesEventRecorder({ api: failing, logger, reportingInstance: "w" }).warn(event);
    createKubernetesEventRecorder({ api: hanging, logger, reportingInstance: "w", timeoutMs: 10 }).warn(
      event,
    );
    await waitFor(() => lines.length === 2);
    expect(lines.map((line) => line.msg)).toEqual(["event not recorded", "event not recorded"]);
    expect(lines[0]).toMatchObject({ level: "warn", pod: "team-a/chat-7d9f-", reason: "RelayKeyNotReady" });
  });
});
