import { describe, expect, it } from "vitest";
import { isPrivateAddress, isPrivateNetworkURL } from "./private-address.js";

describe("isPrivateNetworkURL", () => {
  it.each([
    "http://127.0.0.1:8080/v1",
    "https://10.1.2.3",
    "https://172.20.0.1",
    "https://192.168.1.1",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://localhost:443",
    "https://localhost.:443",
    "https://api.localhost",
    "https://0.0.0.0",
    "http://0x7f.1/",
    "https://[64:ff9b::a9fe:a9fe]/",
  ])("flags %s", (url) => {
    expect(isPrivateNetworkURL(url)).toBe(true);
  });

  it.each(["https://api.openai.com/v1", "https://8.8.8.8", "https://[2001:4860:4860::8888]/", "not a url"])(
    "passes %s",
    (url) => {
      expect(isPrivateNetworkURL(url)).toBe(false);
    },
  );
});

describe("isPrivateAddress", () => {
  it.each([
    ["192.0.0.1", "IETF protocol assignments 192.0.0.0/24"],
    ["198.18.0.1", "benchmarking 198.18.0.0/15"],
    ["198.19.255.254", "benchmarking 198.18.0.0/15 (upper half)"],
    ["224.0.0.1", "multicast 224.0.0.0/4"],
    ["239.255.255.250", "multicast 224.0.0.0/4"],
    ["240.0.0.1", "reserved 240.0.0.0/4"],
    ["255.255.255.255", "limited broadcast"],
    ["192.0.2.10", "documentation"],
    ["::ffff:127.0.0.1", "IPv4-mapped, dotted"],
    ["::ffff:7f00:1", "IPv4-mapped, hex"],
    ["::FFFF:A9FE:A9FE", "IPv4-mapped, upper-case hex (metadata)"],
    ["0:0:0:0:0:ffff:10.0.0.1", "IPv4-mapped, uncompressed"],
    ["::ffff:0:127.0.0.1", "IPv4-translated"],
    ["::127.0.0.1", "IPv4-compatible, dotted"],
    ["::a9fe:a9fe", "IPv4-compatible, hex (metadata)"],
    ["64:ff9b::127.0.0.1", "NAT64 well-known prefix, dotted"],
    ["64:ff9b::a00:1", "NAT64 well-known prefix, hex"],
    ["64:ff9b:1::8.8.8.8", "local-use NAT64 64:ff9b:1::/48"],
    ["2002:7f00:1::", "6to4 of 127.0.0.1"],
    ["2002:c0a8:101::1", "6to4 of 192.168.1.1"],
    ["2001:0:7f00:1::", "Teredo with a loopback server"],
    ["2001:0:808:808::f5ff:fffe", "Teredo with an obfuscated 10.0.0.1 client"],
    ["ff02::1", "IPv6 multicast"],
    ["fec0::1", "IPv6 site-local"],
    ["::", "unspecified"],
  ])("security: %s (%s) is private", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "198.20.0.1",
    "223.255.255.255",
    "::ffff:8.8.8.8",
    "::ffff:808:808",
    "64:ff9b::8.8.8.8",
    "2002:808:808::1",
    "2606:4700:4700::1111",
    "not-an-ip",
  ])("%s is public (or not an address)", (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});
