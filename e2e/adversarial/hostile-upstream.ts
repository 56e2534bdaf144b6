/**
 * An upstream that misbehaves on cue: each test scripts what it does with the requests it gets
 * (redirect, hang, stall mid-stream, reset, echo the credential). It records every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type Behaviour = (req: HostileRequest, res: ServerResponse, raw: IncomingMessage) => void;

export interface HostileUpstream {
  url: string;
  requests: HostileRequest[];
  /** What every request from now on gets, until the next call. */
  behave(b: Behaviour): void;
  close(): Promise<void>;
}

const unscripted: Behaviour = (_req, res) => {
  res.writeHead(500, { "content-type": "text/plain" }).end("no behaviour scripted");
};

export async function startHostileUpstream(): Promise<HostileUpstream> {
  const requests: HostileRequest[] = [];
  const sockets = new Set<Socket>();
  let behaviour = unscripted;
  const server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on("data", (c: Buffer) => chunks.push(c));
    raw.on("end", () => {
      const req = {
        method: raw.method ?? "",
        url: raw.url ?? "",
        headers: raw.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(req);
      behaviour(req, res, raw);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    behave: (b) => {
      behaviour = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hung and stalled responses would keep close() waiting forever.
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A complete, well-formed OpenAI chat completion (what a redirect target would serve). */
export function okCompletion(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "application/json" }).end(
    JSON.stringify({
      id: "chatcmpl-hostile",
      object: "chat.completion",
      created: 0,
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: "followed" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }),
  );
}
