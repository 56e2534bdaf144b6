/**
 * Hand-written HTTP/2 frames over a bare socket: Node's own client obeys the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS and paces PINGs, a hostile client does neither.
 */
import net from "node:net";

export const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
export const FRAME = {
  DATA: 0x0,
  HEADERS: 0x1,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PING: 0x6,
  GOAWAY: 0x7,
} as const;
const END_HEADERS = 0x4;
const SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;

export function frame(
  type: number,
  flags: number,
  streamId: number,
  payload: Buffer = Buffer.alloc(0),
): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head.writeUInt8(type, 3);
  head.writeUInt8(flags, 4);
  head.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

export const settingsFrame = () => frame(FRAME.SETTINGS, 0, 0);
export const pingFrame = (n: number) => {
  const data = Buffer.alloc(8);
  data.writeUInt32BE(n >>> 0, 4);
  return frame(FRAME.PING, 0, 0, data);
};

/** HPACK string literal, not Huffman-coded; every value here is shorter than 127 bytes. */
function hpackString(s: string): Buffer {
  const bytes = Buffer.from(s, "latin1");
  if (bytes.length >= 127) throw new Error("hpackString: value too long for a one-byte length");
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

/**
 * A HEADERS frame opening a POST that never sends its body (no END_STREAM): the stream stays
 * open on the server for as long as the server lets it.
 */
export function openPostFrame(streamId: number, path: string, headers: Record<string, string>): Buffer {
  const block = [
    Buffer.from([0x83]), // :method POST (static table 3)
    Buffer.from([0x86]), // :scheme http (static table 6)
    Buffer.from([0x04]), // :path, literal value without indexing (name: static table 4)
    hpackString(path),
    Buffer.from([0x01]), // :authority, literal value without indexing (name: static table 1)
    hpackString("127.0.0.1"),
  ];
  for (const [name, value] of Object.entries(headers)) {
    block.push(Buffer.from([0x00]), hpackString(name), hpackString(value));
  }
  return frame(FRAME.HEADERS, END_HEADERS, streamId, Buffer.concat(block));
}

export interface ParsedFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

/** A raw HTTP/2 connection that collects every frame the server sends. */
export class RawH2 {
  readonly frames: ParsedFrame[] = [];
  closed = false;
  private pending = Buffer.alloc(0);
  /** The server's SETTINGS_MAX_CONCURRENT_STREAMS; undefined when it sent none (unlimited). */
  maxConcurrentStreams: number | undefined;
  settingsSeen = false;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => this.read(d));
    socket.on("close", () => {
      this.closed = true;
    });
    socket.on("error", () => undefined);
  }

  static async open(port: number): Promise<RawH2> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
    });
    const conn = new RawH2(socket);
    socket.write(Buffer.concat([PREFACE, settingsFrame()]));
    return conn;
  }

  write(bytes: Buffer): boolean {
    if (this.closed) return false;
    return this.socket.write(bytes);
  }

  count(type: number): number {
    return this.frames.filter((f) => f.type === type).length;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private read(d: Buffer): void {
    this.pending = Buffer.concat([this.pending, d]);
    while (this.pending.length >= 9) {
      const length = this.pending.readUIntBE(0, 3);
      if (this.pending.length < 9 + length) return;
      const f: ParsedFrame = {
        type: this.pending.readUInt8(3),
        flags: this.pending.readUInt8(4),
        streamId: this.pending.readUInt32BE(5) & 0x7fffffff,
        payload: this.pending.subarray(9, 9 + length),
      };
      this.pending = this.pending.subarray(9 + length);
      this.frames.push(f);
      // The server's own SETTINGS (not an ACK) carries its limits as 6-byte id/value pairs.
      if (f.type === FRAME.SETTINGS && (f.flags & 0x1) === 0) {
        this.settingsSeen = true;
        for (let i = 0; i + 6 <= f.payload.length; i += 6) {
          if (f.payload.readUInt16BE(i) === SETTINGS_MAX_CONCURRENT_STREAMS)
            this.maxConcurrentStreams = f.payload.readUInt32BE(i + 2);
        }
      }
    }
  }
}
