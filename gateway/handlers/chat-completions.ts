import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Request, Response } from "express";
import type { Logger } from "../../common/log.js";
import { authenticate, callerKey } from "../caller-auth.js";
import { badRequest, modelNotFound, upstreamUnavailable } from "../errors.js";
import { adapterFor } from "../providers/registry.js";
import { routeFor } from "../route-model.js";
import { scrubSecrets } from "../scrub.js";
import type { Snapshot } from "../snapshot.js";

/** Upstream response headers a caller may see; everything else (cookies, hop-by-hop) stays behind. */
const PASS_HEADERS = ["content-type", "x-request-id", "openai-processing-ms", "openai-version"];
const isPassedHeader = (name: string) => PASS_HEADERS.includes(name) || name.startsWith("x-ratelimit-");

export interface ChatContext {
  snapshot: Snapshot;
  log: Logger;
  requestId: string;
  /** Filled in as the request is resolved, for the one log line per request. */
  fields: Record<string, unknown>;
}

function readModel(body: unknown): { body: Record<string, unknown>; model: string } {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw badRequest("The request body must be a JSON object.");
  const model = (body as { model?: unknown }).model;
  if (typeof model !== "string" || model === "")
    throw badRequest("you must provide a model parameter", "model");
  return { body: body as Record<string, unknown>, model };
}

/** OpenAI `POST /v1/chat/completions`: authenticate, route, call upstream, stream back unbuffered. */
export async function chatCompletions(req: Request, res: Response, ctx: ChatContext): Promise<void> {
  const key = authenticate(ctx.snapshot, callerKey(req.headers), new Date());
  ctx.fields.relayKey = key.id;
  ctx.fields.policy = key.policy;
  const { body, model } = readModel(req.body);
  ctx.fields.model = model;
  const policy = ctx.snapshot.policies.get(key.policy);
  const route = policy ? routeFor(policy, model) : undefined;
  const target = route?.targets[0];
  const provider = target ? ctx.snapshot.providers.get(target.provider) : undefined;
  if (!target || !provider) throw modelNotFound(model);
  ctx.fields.provider = provider.id;
  const upstream = adapterFor(provider.provider).chatCompletions(provider, {
    ...body,
    model: target.model ?? model,
  });

  const abort = new AbortController();
  // The caller hanging up cancels the upstream call, streaming or not.
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const timeout = setTimeout(() => abort.abort(), (target.timeoutSeconds ?? 600) * 1000);
  let upstreamRes: globalThis.Response;
  try {
    upstreamRes = await fetch(upstream.url, {
      method: "POST",
      headers: upstream.headers,
      body: upstream.body,
      signal: abort.signal,
    });
  } catch (cause) {
    clearTimeout(timeout);
    throw upstreamUnavailable(`upstream ${provider.provider} did not answer`, cause);
  }
  ctx.fields.upstreamStatus = upstreamRes.status;
  res.status(upstreamRes.status);
  upstreamRes.headers.forEach((value, name) => {
    if (isPassedHeader(name)) res.setHeader(name, value);
  });
  try {
    if (!upstreamRes.ok || !upstreamRes.body) {
      // Error bodies are small; read them whole so a credential echoed upstream never passes.
      res.send(scrubSecrets(await upstreamRes.text(), [provider.credential]));
      return;
    }
    res.flushHeaders();
    await pipeBody(Readable.fromWeb(upstreamRes.body as WebReadableStream<Uint8Array>), res);
  } finally {
    clearTimeout(timeout);
  }
}

function pipeBody(source: Readable, res: Response): Promise<void> {
  return new Promise((resolve) => {
    source.on("error", () => {
      res.destroy();
      resolve();
    });
    res.on("close", () => {
      source.destroy();
      resolve();
    });
    source.pipe(res);
  });
}
