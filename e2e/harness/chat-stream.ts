/**
 * One streaming chat completion through the official openai SDK, with the raw SSE bytes kept
 * aside: the SDK swallows `data: [DONE]`, and a drill must tell a stream that ended properly
 * from one whose connection was merely closed.
 */
import OpenAI from "openai";

export interface ChatStreamResult {
  text: string;
  /** Chunks that carried content. */
  contentChunks: number;
  finishReason: string | null;
  /** The raw stream ended with `data: [DONE]`. */
  sawDone: boolean;
  /** What the SDK threw, if anything. */
  error?: string;
}

export interface ChatStream {
  /** Resolves at the first content chunk (never, if the stream fails first: race it with `done`). */
  started: Promise<void>;
  done: Promise<ChatStreamResult>;
  /** Whether `done` has resolved. */
  finished(): boolean;
}

/** A fetch that hands the SDK one branch of the body and reads the other into `sink`. */
function teeingFetch(sink: (raw: Promise<string>) => void): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!res.body) return res;
    const [mine, theirs] = res.body.tee();
    sink(new Response(mine).text().catch(() => ""));
    return new Response(theirs, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

export function startChatStream(baseURL: string, apiKey: string, prompt: string): ChatStream {
  let raw = Promise.resolve("");
  const client = new OpenAI({
    apiKey,
    baseURL,
    maxRetries: 0,
    fetch: teeingFetch((r) => {
      raw = r;
    }),
  });
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  let finished = false;
  const done = (async (): Promise<ChatStreamResult> => {
    const result: ChatStreamResult = { text: "", contentChunks: 0, finishReason: null, sawDone: false };
    try {
      const stream = await client.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: prompt }],
        stream: true,
      });
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (choice?.delta.content) {
          result.text += choice.delta.content;
          result.contentChunks++;
          markStarted();
        }
        if (choice?.finish_reason) result.finishReason = choice.finish_reason;
      }
    } catch (err) {
      result.error = String(err);
    }
    result.sawDone = /data: \[DONE\]\s*$/.test(await raw);
    finished = true;
    return result;
  })();
  return { started, done, finished: () => finished };
}
