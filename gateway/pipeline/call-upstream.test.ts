import { describe, expect, it } from "vitest";
import type { GatewayError } from "../errors.js";
import type { RuntimeProvider } from "../snapshot.js";
import { callUpstream } from "./call-upstream.js";
import type { Target } from "./types.js";

const provider = (id: string): RuntimeProvider => ({
  id,
  provider: "openai",
  baseURL: `http://${id}`,
  region: undefined,
  credential: "k",
});
const target = (id: string, timeoutMs = 1000): Target => ({ provider: provider(id), model: "m", timeoutMs });
const build = async (t: Target) => ({
  url: t.provider.baseURL ?? "",
  method: "POST" as const,
  headers: {},
  body: "{}",
});
const noSleep = async () => {};

function fakeFetch(answers: Record<string, number | "refuse" | "hang">): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    const answer = answers[String(url)];
    if (answer === "refuse") throw new TypeError("fetch failed");
    if (answer === "hang") {
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    }
    return new Response(`{"from":"${url}"}`, { status: answer ?? 200 });
  }) as typeof fetch;
}

describe("callUpstream", () => {
  const signal = new AbortController().signal;

  it("falls back on 429, 5xx, connect errors and timeouts", async () => {
    const retries: string[] = [];
    const result = await callUpstream([target("a"), target("b"), target("c", 20), target("d")], build, {
      signal,
      sleep: noSleep,
      fetchImpl: fakeFetch({ "http://a": 429, "http://b": "refuse", "http://c": "hang", "http://d": 200 }),
      onRetry: (r) => retries.push(`${r.target.provider.id}:${r.reason}`),
    });
    expect(result.target.provider.id).toBe("d");
    expect(result.attempts).toBe(4);
    expect(retries).toEqual(["a:status 429", "b:connect error", "c:timeout"]);
    result.clearTimeout();
  });

  it("does not retry a 4xx the caller caused", async () => {
    const result = await callUpstream([target("a"), target("b")], build, {
      signal,
      sleep: noSleep,
      fetchImpl: fakeFetch({ "http://a": 400 }),
    });
    expect(result.response.status).toBe(400);
    expect(result.target.provider.id).toBe("a");
    result.clearTimeout();
  });

  it("returns the last retryable answer when all fail, and throws when none answered", async () => {
    const result = await callUpstream([target("a"), target("b")], build, {
      signal,
      sleep: noSleep,
      fetchImpl: fakeFetch({ "http://a": 503, "http://b": 429 }),
    });
    expect(result.response.status).toBe(429);
    result.clearTimeout();
    await expect(
      callUpstream([target("a")], build, {
        signal,
        sleep: noSleep,
        fetchImpl: fakeFetch({ "http://a": "refuse" }),
      }),
    ).rejects.toMatchObject({ kind: "upstream", status: 502 } satisfies Partial<GatewayError>);
  });
});
