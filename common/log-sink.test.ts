import { describe, expect, it } from "vitest";
import { batchedSink } from "./log-sink.js";

function manual() {
  const queued: (() => void)[] = [];
  const writes: string[] = [];
  const batched = batchedSink(
    (t) => writes.push(t),
    (run) => queued.push(run),
  );
  const turn = () => {
    for (const run of queued.splice(0)) run();
  };
  return { ...batched, writes, turn };
}

describe("batched log sink", () => {
  it("writes the lines of one turn once, in order, at the end of the turn", () => {
    const s = manual();
    s.sink('{"n":1}');
    s.sink('{"n":2}');
    expect(s.writes).toEqual([]);
    s.turn();
    expect(s.writes).toEqual(['{"n":1}\n{"n":2}\n']);
    s.sink('{"n":3}');
    s.turn();
    expect(s.writes).toEqual(['{"n":1}\n{"n":2}\n', '{"n":3}\n']);
  });

  it("flushes what is pending on demand (at exit) and writes nothing when nothing is", () => {
    const s = manual();
    s.flush();
    expect(s.writes).toEqual([]);
    s.sink("last words");
    s.flush();
    s.turn();
    expect(s.writes).toEqual(["last words\n"]);
  });

  it("gets lines out with the real scheduler within the turn", async () => {
    const writes: string[] = [];
    const { sink } = batchedSink((t) => writes.push(t));
    sink("a");
    sink("b");
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(["a\nb\n"]);
  });
});
