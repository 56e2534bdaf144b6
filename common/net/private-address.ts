import { BlockList, isIP } from "node:net";

const privateRanges = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const) {
  privateRanges.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
] as const) {
  privateRanges.addSubnet(net, prefix, "ipv6");
}

/**
 * Whether a URL's host is a loopback, private, link-local or unspecified address (or
 * localhost). Host names are judged by name only: the gateway resolves them at connect time.
 */
export function isPrivateNetworkURL(value: string): boolean {
  let host: string;
  try {
    host = new URL(value).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return false;
  }
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const family = isIP(host);
  if (family === 0) return false;
  const mapped = family === 6 && host.toLowerCase().startsWith("::ffff:") ? host.slice(7) : undefined;
  if (mapped && isIP(mapped) === 4) return privateRanges.check(mapped, "ipv4");
  return privateRanges.check(host, family === 4 ? "ipv4" : "ipv6");
}
