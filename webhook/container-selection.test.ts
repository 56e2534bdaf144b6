import { describe, expect, it } from "vitest";
import { selectedContainers } from "./container-selection.js";

function pod(annotations: Record<string, string>) {
  return {
    metadata: { annotations },
    spec: { initContainers: [{ name: "setup" }], containers: [{ name: "a" }, { name: "b" }] },
  };
}

const names = (containers: Record<string, unknown>[]) => containers.map((c) => c.name);

describe("selectedContainers", () => {
  it("defaults to every app container and no init container", () => {
    expect(names(selectedContainers(pod({})))).toEqual(["a", "b"]);
  });

  it("takes only the containers the annotation names, tolerating spaces", () => {
    expect(names(selectedContainers(pod({ "kuberelay.dev/containers": " b " })))).toEqual(["b"]);
  });

  it("reaches an init container only when named", () => {
    expect(names(selectedContainers(pod({ "kuberelay.dev/containers": "b,setup" })))).toEqual(["setup", "b"]);
  });

  it("selects nothing when the annotation names no existing container", () => {
    expect(selectedContainers(pod({ "kuberelay.dev/containers": "nope," }))).toEqual([]);
  });

  it("returns the Pod's own objects so callers can mutate them", () => {
    const p = pod({});
    expect(selectedContainers(p)[0]).toBe(p.spec.containers[0]);
  });

  it("tolerates a Pod without spec", () => {
    expect(selectedContainers({ metadata: {} })).toEqual([]);
  });
});
