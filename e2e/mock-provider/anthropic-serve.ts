import type { Request, Response } from "express";
import { invalidRequest } from "./anthropic-errors.js";
import { draftMessage, inputTokensOf, messageBody } from "./anthropic-message.js";
import { anthropicHeaders, sendAnthropicJson } from "./anthropic-respond.js";
import { messageEvents } from "./anthropic-stream.js";
import { type MessagesFlavor, validateMessagesRequest } from "./anthropic-validate.js";
import { bodyOf } from "./recorder.js";
import { startSse, writeSseEvents } from "./sse.js";

/**
 * Answers a Messages API body once the caller's router has admitted the request; Anthropic and
 * Vertex differ only in how they admit it and which fields the body must carry.
 */
export async function serveMessages(
  req: Request,
  res: Response,
  flavor: MessagesFlavor,
  chunkDelayMs: number,
): Promise<void> {
  const body = readBody(req);
  if (!body.ok) {
    sendAnthropicJson(res, 400, MALFORMED);
    return;
  }
  const validation = validateMessagesRequest(body.value, flavor);
  if (!validation.ok) {
    sendAnthropicJson(res, 400, validation.error);
    return;
  }
  const { request } = validation;
  const draft = draftMessage(request, flavor.kind === "vertex" ? "msg_vrtx_01" : "msg_01");
  if (!request.stream) {
    sendAnthropicJson(res, 200, messageBody(draft));
    return;
  }
  startSse(res, anthropicHeaders());
  const complete = await writeSseEvents(res, messageEvents(draft), chunkDelayMs);
  if (complete) res.end();
}

export function serveCountTokens(req: Request, res: Response, apiVersion: string): void {
  const body = readBody(req);
  if (!body.ok) {
    sendAnthropicJson(res, 400, MALFORMED);
    return;
  }
  const validation = validateMessagesRequest(body.value, { kind: "direct", apiVersion, countOnly: true });
  if (!validation.ok) {
    sendAnthropicJson(res, 400, validation.error);
    return;
  }
  sendAnthropicJson(res, 200, { input_tokens: inputTokensOf(validation.request) });
}

const MALFORMED = invalidRequest("There was an error parsing the body of your request.");

function readBody(req: Request): { ok: true; value: unknown } | { ok: false } {
  const { json } = bodyOf(req);
  if (json.kind === "invalid") return { ok: false };
  return { ok: true, value: json.kind === "json" ? json.value : {} };
}
