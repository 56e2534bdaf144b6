/**
 * Bytes received but not yet consumed. Chunks are kept as they arrived and copied once, when a
 * whole message is taken, so a large message trickling in over many chunks costs linear time.
 */
export class ByteQueue {
  private readonly chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already consumed. */
  private offset = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
  }

  /** A copy of the first n bytes, left in the queue. */
  peek(n: number): Uint8Array {
    return this.copy(n, false);
  }

  /** A copy of the first n bytes, removed from the queue. */
  take(n: number): Uint8Array {
    return this.copy(n, true);
  }

  private copy(n: number, consume: boolean): Uint8Array {
    if (n > this.size) throw new RangeError(`asked for ${n} bytes, ${this.size} queued`);
    const out = new Uint8Array(n);
    let written = 0;
    let index = 0;
    let offset = this.offset;
    while (written < n) {
      const chunk = this.chunks[index];
      if (chunk === undefined) break;
      const piece = chunk.subarray(offset, Math.min(chunk.byteLength, offset + n - written));
      out.set(piece, written);
      written += piece.byteLength;
      if (offset + piece.byteLength === chunk.byteLength) {
        index += 1;
        offset = 0;
      } else {
        offset += piece.byteLength;
      }
    }
    if (consume) {
      this.chunks.splice(0, index);
      this.offset = offset;
      this.size -= n;
    }
    return out;
  }
}
