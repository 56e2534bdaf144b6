import net from "node:net";

/**
 * Raw HTTP/2 frames, for tests that must do what a well-behaved client (node:http2) will not:
 * open more streams than the server allows, or flood control frames without reading.
 */
export const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
export const FRAME = { DATA: 0x0, HEADERS: 0x1, RST_STREAM: 0x3, SETTINGS: 0x4, PING: 0x6, GOAWAY: 0x7 };
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
export const SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

export function frame(type: number, flags: number, streamId: number, payload = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head.writeUInt8(type, 3);
  head.writeUInt8(flags, 4);
  head.writeUInt32BE(streamId, 5);
  return Buffer.concat([head, payload]);
}

function literal(staticIndex: number, value: string): Buffer {
  // HPACK literal without indexing, name from the static table, no Huffman; values < 127 bytes.
  return Buffer.concat([Buffer.from([staticIndex, value.length]), Buffer.from(value, "latin1")]);
}

/** A GET on `path`: :method GET and :scheme http indexed, :path and :authority literal. */
export function getHeaders(streamId: number, path = "/", endStream = true): Buffer {
  const block = Buffer.concat([Buffer.from([0x82, 0x86]), literal(4, path), literal(1, "127.0.0.1")]);
  return frame(FRAME.HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, block);
}

export function rstStream(streamId: number, code: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code);
  return frame(FRAME.RST_STREAM, 0, streamId, payload);
}

/** A raw connection that parses the server's frames as they arrive. */
export class RawH2 {
  readonly frames: Frame[] = [];
  closed: Promise<void>;
  private pending = Buffer.alloc(0);

  private constructor(readonly socket: net.Socket) {
    socket.on("error", () => {});
    socket.on("data", (d: Buffer) => this.read(d));
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
  }

  static async connect(port: number): Promise<RawH2> {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const raw = new RawH2(socket);
    socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0)]));
    return raw;
  }

  write(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  /** The value the server advertised for a setting, once its SETTINGS frame has arrived. */
  setting(id: number): number | undefined {
    for (const f of this.frames) {
      if (f.type !== FRAME.SETTINGS || f.streamId !== 0) continue;
      for (let i = 0; i + 6 <= f.payload.length; i += 6) {
        if (f.payload.readUInt16BE(i) === id) return f.payload.readUInt32BE(i + 2);
      }
    }
    return undefined;
  }

  private read(d: Buffer): void {
    this.pending = Buffer.concat([this.pending, d]);
    while (this.pending.length >= 9) {
      const length = this.pending.readUIntBE(0, 3);
      if (this.pending.length < 9 + length) return;
      this.frames.push({
        type: this.pending.readUInt8(3),
        flags: this.pending.readUInt8(4),
        streamId: this.pending.readUInt32BE(5) & 0x7fffffff,
        payload: this.pending.subarray(9, 9 + length),
      });
      this.pending = this.pending.subarray(9 + length);
    }
  }
}
