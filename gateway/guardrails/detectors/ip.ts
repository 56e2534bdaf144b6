import { isIPv6 } from "node:net";
import { contextBefore, eachMatch, wordAfter, wordBefore } from "../text-context.js";
import type { Detector } from "../types.js";

/**
 * IP addresses that can point at a subscriber: public IPv4 and IPv6. Private (RFC 1918, fc00::/7),
 * loopback, link-local, shared CGNAT, multicast, unspecified and reserved addresses do not count:
 * they identify no one outside a network, and prompts about code and logs are full of 127.0.0.1 and
 * 10.0.0.1. Documentation ranges (192.0.2.0/24, 2001:db8::/32) do count, so that examples and tests
 * behave as real addresses would.
 */

const IPV4 =
  /(?<![\w.])(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}(?![\w]|\.[0-9])/g;
const VERSION_WORDS = /\b(?:v|version|ver\.?|release|build|rev|firmware|driver|node|python|go|chrome)\s*$/;

function nonPublicV4(octets: readonly number[]): boolean {
  const [a = 0, b = 0] = octets;
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 || // multicast, reserved, broadcast
    (a === 100 && b >= 64 && b <= 127) || // CGNAT
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

function nonPublicV6(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === "::" || lower === "::1") return true;
  const dotted = /^::ffff:([0-9.]+)$/.exec(lower);
  if (dotted?.[1] !== undefined) return nonPublicV4(dotted[1].split(".").map(Number));
  // fe80::/10 link-local, fc00::/7 unique-local, ff00::/8 multicast.
  return /^(?:fe[89ab]|f[cd]|ff)[0-9a-f]{0,2}:/.test(lower);
}

function isV6Code(c: number): boolean {
  return (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46; // 0-9 : A-F a-f .
}

/**
 * IPv6 candidates grow out from each colon over the characters an address uses; each character is
 * read at most twice, and prose without colons costs one indexOf.
 */
function detectV6(text: string, found: (start: number, end: number) => void): void {
  let after = 0;
  for (let colon = text.indexOf(":"); colon !== -1; colon = text.indexOf(":", Math.max(colon + 1, after))) {
    let start = colon;
    while (start > after && isV6Code(text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && isV6Code(text.charCodeAt(end))) end++;
    after = end;
    let value = text.slice(start, end);
    // A trailing full stop or colon belongs to the sentence.
    while (value.endsWith(".") || (value.endsWith(":") && !value.endsWith("::"))) value = value.slice(0, -1);
    if (value.indexOf(":") === value.lastIndexOf(":")) continue;
    if (wordBefore(text, start) || wordAfter(text, start + value.length)) continue;
    if (value.length > 45 || !isIPv6(value) || nonPublicV6(value)) continue;
    found(start, start + value.length);
  }
}

export const ipDetector: Detector = {
  type: "ip",
  kind: "pii",
  label: "IP",
  detect(text, found) {
    eachMatch(IPV4, text, (m) => {
      if (nonPublicV4(m[0].split(".").map(Number))) return;
      if (contextBefore(text, m.index, VERSION_WORDS, 16)) return;
      found(m.index, m.index + m[0].length);
    });
    detectV6(text, found);
  },
};
