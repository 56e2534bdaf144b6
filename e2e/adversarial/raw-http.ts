/**
 * HTTP/1.1 over a bare socket, for what Node's client refuses to send (NUL or CR/LF in a header,
 * a Content-Length it will not honour) and to see when the gateway answers relative to what has
 * been sent.
 */
import net from "node:net";

export interface RawResponse {
  status: number;
  /** Names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

export class RawConnection {
  private data = Buffer.alloc(0);
  private closedFlag = false;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => {
      this.data = Buffer.concat([this.data, d]);
      this.wake();
    });
    socket.on("close", () => {
      this.closedFlag = true;
      this.wake();
    });
    // A reset is one way for the gateway to end the exchange; "closed" says it happened.
    socket.on("error", () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve(new RawConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Everything the gateway has sent so far, as latin1 (bytes one to one). */
  received(): string {
    return this.data.toString("latin1");
  }

  /** Resolves once the bytes are handed to the kernel, or at once if the socket is gone. */
  write(bytes: string | Buffer): Promise<void> {
    if (this.closedFlag || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.write(bytes, () => resolve());
    });
  }

  /** The response so far, once its head and (by Content-Length, or by close) its body are in. */
  response(): RawResponse | undefined {
    const text = this.received();
    const headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) return undefined;
    const [statusLine = "", ...lines] = text.slice(0, headEnd).split("\r\n");
    const status = Number(statusLine.split(" ")[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const rest = this.data.subarray(Buffer.byteLength(text.slice(0, headEnd + 4), "latin1"));
    const length = headers["content-length"];
    if (length !== undefined) {
      if (rest.length < Number(length)) return undefined;
      return { status, headers, body: rest.subarray(0, Number(length)).toString("utf8") };
    }
    return this.closedFlag ? { status, headers, body: rest.toString("utf8") } : undefined;
  }

  waitForResponse(timeoutMs: number): Promise<RawResponse> {
    return this.until(() => this.response(), timeoutMs, "no complete response");
  }

  /** True when the gateway closed the connection within the time. */
  async waitForClose(timeoutMs: number): Promise<boolean> {
    return this.until(() => (this.closedFlag ? true : undefined), timeoutMs, "").catch(() => false);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters) w();
  }

  private until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(poll);
        fn();
      };
      const poll = () => {
        const v = check();
        if (v !== undefined) done(() => resolve(v));
        else if (this.closedFlag)
          done(() => reject(new Error(`connection closed with ${what}: ${this.received().slice(0, 300)}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`client-side timeout (${timeoutMs} ms): ${what}`))),
        timeoutMs,
      );
      this.waiters.add(poll);
      poll();
    });
  }
}

/** One request on its own connection; the bytes are sent exactly as given. */
export async function rawRequest(
  port: number,
  bytes: string | Buffer,
  timeoutMs = 5_000,
): Promise<RawResponse> {
  const conn = await RawConnection.open(port);
  try {
    await conn.write(bytes);
    return await conn.waitForResponse(timeoutMs);
  } finally {
    conn.destroy();
  }
}

/** A request head with CRLF line ends; header lines are taken verbatim (the point is what they hold). */
export function requestHead(method: string, path: string, headerLines: readonly string[]): string {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headerLines.map((h) => `${h}\r\n`).join("")}\r\n`;
}
