import { describe, expect, it } from "vitest";
import { scrubSecrets, secretSpellings } from "../scrub.js";
import { StreamScrubber } from "./stream-scrubber.js";

const KEY = "sk-proj-0123456789abcdefSECRET";
const AWS = JSON.stringify({
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
});

/** Runs the chunks through a scrubber for these secrets; what the caller would get, and when. */
function run(secrets: string[], chunks: string[]) {
  const scrubber = new StreamScrubber(secretSpellings(secrets));
  const written = chunks.map((c) => Buffer.from(scrubber.push(Buffer.from(c))).toString());
  const last = Buffer.from(scrubber.end()).toString();
  return { written, last, all: written.join("") + last };
}

const text = `data: {"choices":[{"delta":{"content":"your key is ${KEY}, bye"}}]}\n\n`;

describe("StreamScrubber", () => {
  it("issue 10: redacts a credential within one chunk, the rest unchanged", () => {
    const { all } = run([KEY], [text]);
    expect(all).toBe(text.replace(KEY, "[redacted]"));
  });

  it("issue 10: redacts a credential split across two chunks at every possible point", () => {
    const at = text.indexOf(KEY);
    for (let i = at - 3; i <= at + KEY.length + 3; i++) {
      const { all } = run([KEY], [text.slice(0, i), text.slice(i)]);
      expect(all, `split at ${i}`).toBe(text.replace(KEY, "[redacted]"));
    }
  });

  it("issue 10: redacts a credential split across three chunks at every pair of points", () => {
    const at = text.indexOf(KEY);
    for (let i = at; i <= at + KEY.length; i++) {
      for (let j = i; j <= at + KEY.length; j++) {
        const { all } = run([KEY], [text.slice(0, i), text.slice(i, j), text.slice(j)]);
        expect(all, `split at ${i}, ${j}`).toBe(text.replace(KEY, "[redacted]"));
      }
    }
  });

  it("issue 10: redacts the parts of a JSON credential and their JSON-escaped spellings across chunks", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const echoed = `{"echo":"${JSON.stringify(secret).slice(1, -1).replaceAll("/", "\\/")}","id":"AKIAIOSFODNN7EXAMPLE"}`;
    for (let i = 1; i < echoed.length; i++) {
      const { all } = run([AWS], [echoed.slice(0, i), echoed.slice(i)]);
      expect(all, `split at ${i}`).toBe('{"echo":"[redacted]","id":"[redacted]"}');
    }
  });

  it("issue 10: holds back no more than the longest spelling less one byte, and only what could start a secret", () => {
    const scrubber = new StreamScrubber(secretSpellings([KEY]));
    // Ends in the first 10 bytes of the key: exactly those are held.
    const start = `data: ${KEY.slice(0, 10)}`;
    expect(Buffer.from(scrubber.push(Buffer.from(start))).toString()).toBe("data: ");
    // The rest never comes: it is sent as soon as it is clear it is not the key.
    expect(Buffer.from(scrubber.push(Buffer.from("!\n\n"))).toString()).toBe(`${KEY.slice(0, 10)}!\n\n`);
    const longest = Math.max(...secretSpellings([KEY]).map((s) => Buffer.byteLength(s)));
    const held = `x${KEY.slice(0, -1)}`;
    expect(Buffer.from(scrubber.push(Buffer.from(held))).toString()).toBe("x");
    expect(held.length - 1).toBeLessThanOrEqual(longest - 1);
    expect(Buffer.from(scrubber.end()).toString()).toBe(KEY.slice(0, -1));
  });

  it("issue 10: a chunk with no secret in it, nor the start of one at its end, is sent whole at once", () => {
    const scrubber = new StreamScrubber(secretSpellings([KEY, AWS]));
    const chunk = Buffer.from('data: {"choices":[{"delta":{"content":"hello"}}]}\n\n');
    expect(scrubber.push(chunk)).toBe(chunk);
    expect(scrubber.end().length).toBe(0);
  });

  it("agrees with scrubSecrets on random splits of text full of secrets and near misses", () => {
    const pieces = [
      KEY,
      KEY.slice(0, 12),
      "AKIAIOSFODNN7EXAMPLE",
      "AKIAIOSFODNN7EXAMPL",
      "sk-",
      " lorem ",
      "\n\n",
      "é€",
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let round = 0; round < 300; round++) {
      const whole = Array.from({ length: 12 }, () => pieces[Math.floor(random() * pieces.length)]).join("");
      const bytes = Buffer.from(whole);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const n = 1 + Math.floor(random() * 20);
        chunks.push(bytes.subarray(at, at + n));
        at += n;
      }
      const scrubber = new StreamScrubber(secretSpellings([KEY, AWS]));
      const out = Buffer.concat([...chunks.map((c) => scrubber.push(c)), scrubber.end()]).toString();
      expect(out).toBe(scrubSecrets(whole, [KEY, AWS]));
    }
  });
});
