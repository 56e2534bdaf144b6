import { describe, expect, it } from "vitest";
import { ByteQueue } from "./byte-queue.js";

const bytes = (...values: number[]) => Uint8Array.from(values);

describe("ByteQueue", () => {
  it("peeks across chunk boundaries without consuming", () => {
    const queue = new ByteQueue();
    queue.push(bytes(1, 2));
    queue.push(bytes());
    queue.push(bytes(3, 4, 5));

    expect(queue.peek(4)).toEqual(bytes(1, 2, 3, 4));
    expect(queue.length).toBe(5);
  });

  it("takes exactly the bytes asked for, leaving the rest of a chunk queued", () => {
    const queue = new ByteQueue();
    queue.push(bytes(1, 2, 3));
    queue.push(bytes(4, 5, 6));

    expect(queue.take(2)).toEqual(bytes(1, 2));
    expect(queue.take(3)).toEqual(bytes(3, 4, 5));
    expect(queue.length).toBe(1);
    queue.push(bytes(7));
    expect(queue.take(2)).toEqual(bytes(6, 7));
    expect(queue.length).toBe(0);
  });

  it("returns copies, so later pushes cannot change bytes already taken", () => {
    const queue = new ByteQueue();
    const source = bytes(9, 9);
    queue.push(source);
    const taken = queue.take(2);
    source[0] = 0;

    expect(taken).toEqual(bytes(9, 9));
  });

  it("refuses to read past what is queued", () => {
    const queue = new ByteQueue();
    queue.push(bytes(1));

    expect(() => queue.peek(2)).toThrow(RangeError);
  });
});
