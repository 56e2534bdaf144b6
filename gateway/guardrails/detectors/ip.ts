import { isIPv6 } from "node:net";
import { contextBefore, eachMatch, isWordCode } from "../text-context.js";
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
// A maximal run of the characters an IPv6 address uses: one pass, no backtracking.
const IPV6_RUN = /[0-9A-Fa-f:.]{2,}/g;
const VERSION_WORDS = /(?:\bv|version|ver\.?|release|build|rev|firmware|driver|node|python|go|chrome)\s*$/;

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

function detectV6(text: string, found: (start: number, end: number) => void): void {
  eachMatch(IPV6_RUN, text, (m) => {
    let value = m[0];
    if (value.indexOf(":") === value.lastIndexOf(":")) return;
    // Trailing full stop or colon belong to the sentence.
    while (value.endsWith(".") || (value.endsWith(":") && !value.endsWith("::"))) value = value.slice(0, -1);
    const end = m.index + value.length;
    if (
      (m.index > 0 && isWordCode(text.charCodeAt(m.index - 1))) ||
      (end < text.length && isWordCode(text.charCodeAt(end)))
    )
      return;
    if (value.length < 3 || value.length > 45 || !isIPv6(value) || nonPublicV6(value)) return;
    found(m.index, end);
  });
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
    if (text.includes(":")) detectV6(text, found);
  },
};
