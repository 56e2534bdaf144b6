import { BlockList, isIP } from "node:net";

/** Addresses a gateway must not reach on a ProviderKey's behalf unless allowPrivateNetwork says so. */
const privateRanges = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and 255.255.255.255
] as const) {
  privateRanges.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["100::", 64], // discard-only
  ["2001:db8::", 32], // documentation
  ["64:ff9b:1::", 48], // local-use NAT64: whatever it translates to is local
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // deprecated site-local
  ["ff00::", 8], // multicast
] as const) {
  privateRanges.addSubnet(net, prefix, "ipv6");
}

/** The 16 bytes of a valid IPv6 literal (checked by isIP first). */
function ipv6Bytes(address: string): number[] {
  let text = address.toLowerCase();
  const words: number[] = [];
  const dotted = text.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  let tail: number[] = [];
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    text = text.slice(0, -dotted[0].length);
    // "::1.2.3.4" leaves "::", "a::1.2.3.4" leaves "a::", "a:b:c:d:e:f:1.2.3.4" leaves "…f:".
    if (text.endsWith(":") && !text.endsWith("::")) text = text.slice(0, -1);
  }
  const [head = "", rest] = text.split("::");
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((w) => Number.parseInt(w, 16)));
  const left = parse(head);
  const right = [...parse(rest ?? ""), ...tail];
  const fill = rest === undefined ? 0 : 8 - left.length - right.length;
  words.push(...left, ...Array<number>(fill).fill(0), ...right);
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

const v4 = (b: readonly number[], at: number) => b.slice(at, at + 4).join(".");
const zeros = (b: readonly number[], from: number, to: number) => b.slice(from, to).every((x) => x === 0);

/**
 * The IPv4 addresses an IPv6 address carries and would reach: mapped (`::ffff:a.b.c.d`),
 * translated (`::ffff:0:a.b.c.d`), compatible (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`),
 * 6to4 (`2002:aabb:ccdd::`) and Teredo (server, and the obfuscated client).
 */
function embeddedIPv4(b: readonly number[]): string[] {
  const w = (i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
  if (zeros(b, 0, 10) && w(10) === 0xffff) return [v4(b, 12)];
  if (zeros(b, 0, 8) && w(8) === 0xffff && w(10) === 0) return [v4(b, 12)];
  if (zeros(b, 0, 12)) return [v4(b, 12)];
  if (w(0) === 0x64 && w(2) === 0xff9b && zeros(b, 4, 12)) return [v4(b, 12)];
  if (w(0) === 0x2002) return [v4(b, 2)];
  if (w(0) === 0x2001 && w(2) === 0) {
    const client = b.slice(12, 16).map((x) => x ^ 0xff);
    return [v4(b, 4), client.join(".")];
  }
  return [];
}

/** Whether an IP literal is loopback, private, link-local, multicast, reserved or unspecified. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, "ipv4");
  if (family !== 6) return false;
  if (privateRanges.check(address, "ipv6")) return true;
  return embeddedIPv4(ipv6Bytes(address)).some((ip) => privateRanges.check(ip, "ipv4"));
}

/** Whether a host name is one every resolver keeps on this machine. */
export const isLocalName = (host: string) => {
  const name = host.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
};

/**
 * Whether a URL's host is a loopback, private, link-local or otherwise non-public address
 * (or localhost). Other host names are judged by name only here; the gateway checks the
 * address they resolve to when it connects (gateway/pipeline/upstream-request.ts).
 */
export function isPrivateNetworkURL(value: string): boolean {
  let host: string;
  try {
    host = new URL(value).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return false;
  }
  return isLocalName(host) || isPrivateAddress(host);
}
