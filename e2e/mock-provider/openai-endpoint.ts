import type { Request, Response } from "express";
import { malformedJsonError, type OpenAIErrorBody } from "./openai-errors.js";
import { isRecord } from "./openai-params.js";
import { openaiHeaders, sendOpenAIJson } from "./openai-respond.js";
import { bodyOf } from "./recorder.js";
import { type SseEvent, startSse, writeSseEvents } from "./sse.js";

export type EndpointReply = { kind: "json"; body: unknown } | { kind: "sse"; events: SseEvent[] };

/** One OpenAI-shaped POST endpoint: how it checks a body and what it answers a valid one with. */
export interface OpenAIEndpoint<Req> {
  validate(body: unknown): { ok: true; request: Req } | { ok: false; error: OpenAIErrorBody };
  reply(request: Req): EndpointReply;
}

export interface ServeContext {
  startedAt: number;
  chunkDelayMs: number;
  /**
   * Azure picks the model by deployment and ignores the body's model, so the caller's router
   * passes the deployment's model here and it replaces whatever the body said.
   */
  model?: string;
}

/** Runs after the router has admitted the request (failures, auth); only the body is left to check. */
export async function serveOpenAIEndpoint<Req>(
  endpoint: OpenAIEndpoint<Req>,
  req: Request,
  res: Response,
  context: ServeContext,
): Promise<void> {
  const { startedAt } = context;
  const { json } = bodyOf(req);
  if (json.kind === "invalid") {
    sendOpenAIJson(res, 400, malformedJsonError(), startedAt);
    return;
  }
  const body = json.kind === "json" ? json.value : {};
  const validation = endpoint.validate(
    context.model !== undefined && isRecord(body) ? { ...body, model: context.model } : body,
  );
  if (!validation.ok) {
    sendOpenAIJson(res, 400, validation.error, startedAt);
    return;
  }

  const reply = endpoint.reply(validation.request);
  if (reply.kind === "json") {
    sendOpenAIJson(res, 200, reply.body, startedAt);
    return;
  }
  startSse(res, openaiHeaders(startedAt));
  const complete = await writeSseEvents(res, reply.events, context.chunkDelayMs);
  if (complete) res.end();
}
