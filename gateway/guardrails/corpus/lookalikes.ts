import { luhnValid } from "../checksums.js";
import type { SeededRandom } from "./random.js";
import * as gen from "./values.js";

/**
 * Lines with no PII and no secret that look as if they had some: ids, hashes, times, versions,
 * codes. Every finding in them is a false positive.
 */
export const LOOKALIKES: readonly string[] = [
  "Order #100-2345-6789 shipped on Monday.",
  "Your order number is 4000123456789010, keep it for returns.",
  "Invoice INV-2024-000123 is overdue.",
  "Tracking: 1Z999AA10123456784",
  "SKU 212-555-0100-B is out of stock.",
  "Product code 123-456-7890 replaces 123-456-7891.",
  "Part no. 0800 123 4567 fits the 2019 model.",
  "Ticket #415-555-2671 was closed.",
  "ISBN 978-3-16-148410-0",
  "ISBN-13: 9783161484100",
  "Release 1.2.3.4 fixes the crash.",
  "Upgrade to version 10.0.19045.3803 first.",
  "Chrome 120.0.6099.109 on Windows",
  "node v20.11.1, npm 10.2.4",
  "pip install scikit-learn==1.4.0",
  "npm i @types/node@20.11.5",
  "image: ghcr.io/org/app@sha256:3b1f1e2d4c5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
  "commit e83c5163316f89bfbde7d9ab23ca2e25604af290",
  "Reverted 3f2a9c1 and 9b8e7d6.",
  "uuid: 123e4567-e89b-12d3-a456-426614174000",
  "request id 7c9e6679-7425-40de-944b-e07fc1f90ae7 failed",
  "Timestamp 2024-01-15T10:30:00.000Z",
  "at 2024-01-15 10:30:45.123456+00:00",
  "Epoch 1700000000123 ms",
  "The meeting is 15/01/2024 at 10:30.",
  "MAC 00:1a:2b:3c:4d:5e on eth0",
  "Listening on 127.0.0.1:8080 and [::1]:8080",
  "Router at 192.168.1.1, NAS at 10.0.0.12, VPN 172.16.0.5",
  "Pod IP 10.244.1.17, node 100.64.3.2",
  "link-local fe80::1ff:fe23:4567:890a%eth0",
  "ULA fd12:3456:789a:1::1",
  "pi is 3.14159265358979323846",
  "coordinates 51.5074, -0.1278",
  "semver 1.0.0-alpha+001",
  "hex color #a1b2c3 and #FFAA00",
  "sort code 12-34-56, account 12345678",
  "card ending in 4242",
  "Use the icon@2x.png asset for retina screens.",
  "@channel the deploy is done",
  "Decorate it with @app.route('/users')",
  "ssh git@localhost:repo.git",
  "the expression a@b is not valid",
  "class MyApplicationController2024 extends BaseController",
  "function getUserAccountSettingsForUser2() {}",
  "import { XMLHttpRequestEventTarget } from 'dom'",
  "path: src/components/UserProfileSettings2.tsx",
  "package @aws-sdk/client-bedrock-runtime",
  "deployment nginx-deployment-7fb96c846b-8xkzq restarted",
  "The sk-learn alias is confusing, use sklearn.",
  "my-sk-proj-folder is in the repo",
  "AKIA is the prefix AWS uses for access key ids.",
  "A JWT starts with eyJ because of the JSON header.",
  "-----BEGIN PUBLIC KEY----- marks a public key, not a private one.",
  "-----BEGIN CERTIFICATE-----",
  "The word supercalifragilisticexpialidocious has 34 letters.",
  "Temperature 23.5C, humidity 45%, pressure 1013.25 hPa",
  "Score 98.6 / 100, rank 12 of 450",
  "Population 8,045,311,447 as of 2023",
  "Price: $1,299.99 (was $1,499.99)",
  "1 + 2 - 3 = 0",
  "build +20240115 is the nightly",
  "Room 415-B, floor 5",
  "Flight BA 2490 departs 10:45",
  "Postcode SW1A 1AA, London",
  "Ref: 020 7946 0958 is the case file",
  "Serial 536-90-4399 on the back of the device",
  "Model AB123456C-2 is discontinued.",
  "error code 0x80070005",
  "lat,long = 40.7128,-74.0060",
  "The regex [a-z]+@[a-z]+ matches too much.",
  "ID 00000000-0000-0000-0000-000000000000",
  "Base image sha: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  "GUID {21EC2020-3AEA-1069-A2DD-08002B30309D}",
  'ETag: W/"5e15153d-120f"',
  "Window size 1920x1080 at 60Hz",
  "The test card 4111 1111 1111 1112 fails Luhn.",
  "IBAN format example: DE00 0000 0000 0000 0000 00",
  "Set ulimit -n 1048576",
  "Chunk 2/10 of upload abc123",
  "The 2024-2025 season starts 2024-08-16.",
  "Range 10.0.0.0/8 is private.",
  "Redis on redis://localhost:6379/0",
  "Go to https://example.com/docs/v2.3.1/index.html",
  "CVE-2024-3094 affects xz 5.6.0 and 5.6.1",
  "PR #12345 and issue #678 are linked",
  "Kubernetes 1.29.2, kubectl 1.29.0",
  "Array(16).fill(4111)",
  "matrix [[1, 2], [3, 4]]",
  "lorem ipsum dolor sit amet 1234 5678",
  "Call stack depth 12 exceeded at frame 7",
  "Phone model iPhone 15 Pro, storage 256 GB",
  "ISO week 2024-W03-2",
  "Duration PT1H30M",
  "Base64 of hello world is aGVsbG8gd29ybGQ=",
  "Cron 0 */5 * * * runs every five minutes",
  "Docker digest sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "UUIDv7 018f3f5e-8c1a-7b2c-9d3e-4f5a6b7c8d9e in the log",
  "Latency p99 1234.5 ms over 86400 s",
];

function uuid(r: SeededRandom): string {
  return `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${r.pick(["8", "9", "a", "b"])}${r.hex(3)}-${r.hex(12)}`;
}

function luhnFailing(r: SeededRandom): string {
  const valid = gen.card(r);
  const last = Number(valid.slice(-1));
  const broken = `${valid.slice(0, -1)}${(last + 1) % 10}`;
  return luhnValid(broken.replace(/[ -]/g, "")) ? `${valid.slice(0, -1)}${(last + 2) % 10}` : broken;
}

function badIban(r: SeededRandom): string {
  const valid = gen.iban(r, false);
  const check = Number(valid.slice(2, 4));
  return `${valid.slice(0, 2)}${String((check + 1) % 100).padStart(2, "0")}${valid.slice(4)}`;
}

function timestamp(r: SeededRandom): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `20${pad(r.int(10, 30))}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}T${pad(r.int(0, 23))}:${pad(r.int(0, 59))}:${pad(r.int(0, 59))}.${r.digits(3)}Z`;
}

const MAKERS: [string, (r: SeededRandom) => string][] = [
  ["Request {v} timed out after 30s.", uuid],
  ["The job started at {v} and failed.", timestamp],
  ["See commit {v} for the fix.", (r) => r.hex(40)],
  ["Checksum sha256:{v}", (r) => r.hex(64)],
  ["Order number {v}, status: shipped.", (r) => `${r.int(100, 999)}-${r.digits(7)}-${r.digits(7)}`],
  ["Order {v} is delayed.", (r) => r.digits(r.int(10, 16))],
  ["Payment reference {v} failed Luhn, please re-enter.", luhnFailing],
  ["Transfer to {v} was rejected: invalid IBAN.", badIban],
  ["Upgrade to {v} when it ships.", (r) => `v${r.int(1, 30)}.${r.int(0, 20)}.${r.int(0, 99)}`],
  ["Product code {v} is on backorder.", (r) => `${r.int(100, 999)}-${r.int(100, 999)}-${r.digits(4)}`],
  ["Build {v} passed.", (r) => `${r.int(1, 9)}.${r.int(0, 99)}.${r.int(0, 999)}.${r.int(0, 9999)}`],
  ["Internal host {v} is down.", (r) => `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`],
  ["Run took {v} seconds.", (r) => `${r.int(0, 999)}.${r.digits(6)}`],
];

/** Generated look-alikes: each maker applied a number of times. */
export function lookalikeLines(r: SeededRandom): { text: string; labels: [] }[] {
  const lines: { text: string; labels: [] }[] = [];
  for (const [template, make] of MAKERS) {
    for (let i = 0; i < 12; i++) lines.push({ text: template.replace("{v}", make(r)), labels: [] });
  }
  return lines;
}
