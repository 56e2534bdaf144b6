import { describe, expect, it } from "vitest";
import { ipDetector } from "./ip.js";
import { valuesFound } from "./testing.js";

describe("IP detector", () => {
  it.each([
    ["client 8.8.8.8 connected", "8.8.8.8"],
    ["two days ago 8.8.4.4 answered", "8.8.4.4"],
    ["from 203.0.113.42.", "203.0.113.42"],
    ["host=93.184.216.34:443", "93.184.216.34"],
    ["v6 2001:db8::8a2e:370:7334 seen", "2001:db8::8a2e:370:7334"],
    ["[2606:4700:4700::1111]:53", "2606:4700:4700::1111"],
  ])("finds the address in %j", (text, value) => {
    expect(valuesFound(ipDetector, text)).toEqual([value]);
  });

  it("finds a mapped IPv4 address both ways (the scanner merges the overlap)", () => {
    expect(valuesFound(ipDetector, "mapped ::ffff:8.8.4.4")).toEqual(["::ffff:8.8.4.4", "8.8.4.4"]);
  });

  it.each([
    "localhost 127.0.0.1",
    "lan 192.168.1.10 and 10.0.0.1 and 172.16.5.4",
    "link-local 169.254.1.1, cgnat 100.64.0.1",
    "v6 loopback ::1 and fe80::1 and fd00::1",
    "version 1.2.3.4",
    "v2.10.0.1 released",
    "octets 256.1.1.1",
    "leading zero 01.02.03.04",
    "at 10:30:45 UTC",
    "mac 00:1a:2b:3c:4d:5e",
    "sha deadbeefcafe",
    "1.2.3.4.5 is a longer dotted number",
  ])("finds nothing in %j", (text) => {
    expect(valuesFound(ipDetector, text)).toEqual([]);
  });
});
