import { setTimeout as sleep } from "node:timers/promises";
import type { Request, Response } from "express";
import { invalidArgument } from "./google-errors.js";
import { type GeminiResponse, generateContentChunks, generateContentResponse } from "./google-gemini.js";
import { validateGeminiRequest } from "./google-gemini-validate.js";
import { bodyOf } from "./recorder.js";
import { startSse, writeSseEvents } from "./sse.js";
import { sendVertexJson } from "./vertex-respond.js";

export type GeminiMethod = "generateContent" | "streamGenerateContent";

/** Answers a Gemini body once the Vertex router has checked the token, project and model path. */
export async function serveGemini(
  req: Request,
  res: Response,
  method: GeminiMethod,
  model: string,
  chunkDelayMs: number,
): Promise<void> {
  const { json } = bodyOf(req);
  if (json.kind === "invalid") {
    sendVertexJson(res, 400, invalidArgument("Invalid JSON payload received. Unexpected token."));
    return;
  }
  const validation = validateGeminiRequest(json.kind === "json" ? json.value : {}, model);
  if (!validation.ok) {
    sendVertexJson(res, validation.error.error.code, validation.error);
    return;
  }
  if (method === "generateContent") {
    sendVertexJson(res, 200, generateContentResponse(validation.request));
    return;
  }
  const chunks = generateContentChunks(validation.request);
  const complete =
    req.query.alt === "sse"
      ? await streamSse(res, chunks, chunkDelayMs)
      : await streamArray(res, chunks, chunkDelayMs);
  if (complete) res.end();
}

function streamSse(res: Response, chunks: GeminiResponse[], delayMs: number): Promise<boolean> {
  startSse(res);
  return writeSseEvents(
    res,
    chunks.map((chunk) => ({ data: JSON.stringify(chunk) })),
    delayMs,
  );
}

/** Without alt=sse Vertex streams one JSON array, element by element, which is valid JSON once complete. */
async function streamArray(res: Response, chunks: GeminiResponse[], delayMs: number): Promise<boolean> {
  res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
  res.flushHeaders();
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0 && delayMs > 0) await sleep(delayMs);
    if (res.destroyed || res.writableEnded) return false;
    res.write(`${index === 0 ? "[" : ",\r\n"}${JSON.stringify(chunk)}`);
  }
  res.write("]");
  return true;
}
