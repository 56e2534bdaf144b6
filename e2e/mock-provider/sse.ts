import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export interface SseEvent {
  /** Omitted for OpenAI, which sends bare `data:` lines; Anthropic names every event. */
  event?: string;
  data: string;
}

export function startSse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...headers,
  });
  // Send headers now so the client sees the stream open before the first event.
  res.flushHeaders();
}

export function formatSseEvent(event: SseEvent): string {
  const name = event.event === undefined ? "" : `event: ${event.event}\n`;
  const data = event.data
    .split("\n")
    .map((line) => `data: ${line}\n`)
    .join("");
  return `${name}${data}\n`;
}

/**
 * Writes each event as its own write, pausing between them, so a test can tell a relay that
 * streams apart from one that buffers. Returns false if the client went away first.
 */
export async function writeSseEvents(
  res: ServerResponse,
  events: Iterable<SseEvent>,
  delayMs: number,
): Promise<boolean> {
  let first = true;
  for (const event of events) {
    if (!first && delayMs > 0) await sleep(delayMs);
    first = false;
    if (res.destroyed || res.writableEnded) return false;
    res.write(formatSseEvent(event));
  }
  return true;
}
