import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { InferenceRouter, type Miss } from "./inference-router.js";

type Seen = { route: string; params: Record<string, string> } | { miss: Miss };

function router() {
  let seen: Seen | undefined;
  const hit =
    (route: string) => (_req: IncomingMessage, _res: ServerResponse, params: Record<string, string>) => {
      seen = { route, params };
    };
  const r = new InferenceRouter((_req, _res, miss) => {
    seen = { miss };
  })
    .on("POST", "/v1/chat/completions", hit("chat"))
    .on("GET", "/v1/models", hit("models"))
    .on("POST", "/model/:modelId/invoke", hit("invoke"))
    .on("POST", "/openai/deployments/:deployment/chat/completions", hit("azure"));
  return (method: string, url: string): Seen | undefined => {
    seen = undefined;
    r.listener({ method, url } as IncomingMessage, {} as ServerResponse);
    return seen;
  };
}

describe("inference router", () => {
  const send = router();

  it("finds fixed paths in any case, with or without a trailing slash or a query", () => {
    for (const url of [
      "/v1/chat/completions",
      "/V1/Chat/Completions",
      "/v1/chat/completions/",
      "/v1/chat/completions?x=1",
    ])
      expect(send("POST", url)).toEqual({ route: "chat", params: {} });
    expect(send("GET", "/v1/models")).toEqual({ route: "models", params: {} });
  });

  it("hands over decoded path parameters", () => {
    expect(send("POST", "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/invoke")).toEqual({
      route: "invoke",
      params: { modelId: "anthropic.claude-3-5-sonnet-20240620-v1:0" },
    });
    expect(send("POST", "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21")).toEqual({
      route: "azure",
      params: { deployment: "gpt-4o" },
    });
  });

  it("misses on another method, an empty or extra segment, or an unknown path", () => {
    const notFound = (path: string) => ({ miss: { reason: "not_found", path } });
    expect(send("GET", "/v1/chat/completions")).toEqual(notFound("/v1/chat/completions"));
    expect(send("POST", "/model//invoke")).toEqual(notFound("/model//invoke"));
    expect(send("POST", "/model/a/b/invoke")).toEqual(notFound("/model/a/b/invoke"));
    expect(send("POST", "/v1/chat/completions/extra")).toEqual(notFound("/v1/chat/completions/extra"));
    expect(send("POST", "/")).toEqual(notFound("/"));
    expect(send("POST", "")).toEqual(notFound(""));
  });

  it("says so when a parameter is not valid URL encoding, instead of throwing", () => {
    expect(send("POST", "/model/%E0%A4%A/invoke")).toEqual({
      miss: { reason: "bad_path_encoding", path: "/model/%E0%A4%A/invoke" },
    });
  });

  it("does not let a hostile path backtrack or blow up: a long one is one split", () => {
    const long = `/model/${"a".repeat(100_000)}/invoke`;
    expect(send("POST", long)).toMatchObject({ route: "invoke" });
    expect(send("POST", "/".repeat(100_000))).toMatchObject({ miss: { reason: "not_found" } });
  });
});
