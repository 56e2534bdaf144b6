/**
 * Every HTTP response a test received (status, headers and body), kept for the leak scan. While a
 * recorder is open, the global fetch (which the openai and anthropic SDKs use too) hands each
 * caller its response untouched and reads a clone of it here; probe() reports its answers too.
 */
import type { Produced } from "./canary.js";

interface Entry {
  url: string;
  source: string;
  text: string;
  /** Settles once the body has been read to its end, or failed. */
  done: Promise<void>;
  cancel(): void;
}

export interface ResponseRecorder {
  /**
   * Waits up to `graceMs` for bodies still arriving, stops recording, and returns what was
   * received from every origin but `ignoredOrigins` (e.g. the API server, which returns Secrets).
   */
  close(ignoredOrigins: readonly string[], graceMs?: number): Promise<Produced>;
}

const open = new Set<Entry[]>();
const plainFetch = globalThis.fetch;

const headerText = (headers: Headers) => [...headers].map(([k, v]) => `${k}: ${v}`).join("\n");

function remember(entry: Entry): void {
  for (const entries of open) entries.push(entry);
}

const recordingFetch: typeof fetch = async (input, init) => {
  const res = await plainFetch(input, init);
  if (open.size === 0) return res;
  const url = res.url || (input instanceof Request ? input.url : String(input));
  const copy = res.clone();
  const entry: Entry = {
    url,
    source: `response ${res.status} ${input instanceof Request ? input.method : (init?.method ?? "GET")} ${url}`,
    text: `${headerText(res.headers)}\n\n`,
    done: Promise.resolve(),
    cancel: () => {},
  };
  const reader = copy.body?.getReader();
  if (reader) {
    entry.cancel = () => void reader.cancel().catch(() => {});
    entry.done = (async () => {
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          entry.text += decoder.decode(value, { stream: true });
        }
      } catch {
        // Aborted or cut: what arrived is still scanned.
      }
    })();
  }
  remember(entry);
  return res;
};

/** An answer received some other way than fetch (node:http in probe()). */
export function noteResponse(url: string, status: number, headers: string, body: string): void {
  if (open.size === 0) return;
  remember({
    url,
    source: `response ${status} GET ${url}`,
    text: `${headers}\n\n${body}`,
    done: Promise.resolve(),
    cancel: () => {},
  });
}

export function recordResponses(): ResponseRecorder {
  const entries: Entry[] = [];
  open.add(entries);
  globalThis.fetch = recordingFetch;
  return {
    async close(ignoredOrigins, graceMs = 3_000) {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all(entries.map((e) => e.done)), timeout]);
      open.delete(entries);
      if (open.size === 0) globalThis.fetch = plainFetch;
      // A body still open after the grace (a stream nobody finished reading) is scanned as far as it got.
      for (const e of entries) e.cancel();
      const ignored = new Set(ignoredOrigins.map((o) => new URL(o).origin));
      return entries
        .filter((e) => !ignored.has(originOf(e.url)))
        .map((e) => ({ source: e.source, text: e.text }));
    },
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}
