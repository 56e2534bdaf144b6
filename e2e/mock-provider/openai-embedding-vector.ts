import { createHash } from "node:crypto";

/**
 * A unit-length vector derived from the input alone, so the same text always embeds the same
 * way and a test can compare what came back through a relay with what the mock would send.
 * Values are rounded to float32 so the float and base64 encodings carry identical numbers.
 */
export function embeddingVector(input: string, dimensions: number): number[] {
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block++) {
    const digest = createHash("sha256").update(`${block}\u0000${input}`).digest();
    for (let offset = 0; offset + 4 <= digest.length && raw.length < dimensions; offset += 4) {
      // Maps the 32-bit word onto [-1, 1].
      raw.push((digest.readUInt32LE(offset) / 0xffffffff) * 2 - 1);
    }
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => Math.fround(value / norm));
}

/** OpenAI's base64 encoding: the little-endian float32 bytes of the vector. */
export function toBase64Floats(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => {
    bytes.writeFloatLE(value, index * 4);
  });
  return bytes.toString("base64");
}
