/**
 * How long certificate generation takes (prints figures, asserts nothing):
 * npx tsx common/x509/certificate.bench.ts
 */
import { createCa, issueServingCertificate } from "./certificate.js";

const RUNS = 200;

function summary(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `median ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms over ${ms.length} runs`;
}

const window = () => ({ notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000) });
const caTimes: number[] = [];
const servingTimes: number[] = [];
let ca = await createCa({ commonName: "bench-ca", ...window() });
for (let i = 0; i < RUNS; i++) {
  let t = performance.now();
  ca = await createCa({ commonName: "bench-ca", ...window() });
  caTimes.push(performance.now() - t);
  t = performance.now();
  await issueServingCertificate(ca, {
    commonName: "kuberelay-webhook.kuberelay-system.svc",
    dnsNames: ["kuberelay-webhook", "kuberelay-webhook.kuberelay-system.svc"],
    ipAddresses: ["127.0.0.1"],
    ...window(),
  });
  servingTimes.push(performance.now() - t);
}
console.log(`CA (key pair + self-signed certificate): ${summary(caTimes)}`);
console.log(`serving certificate (key pair + CA-signed certificate): ${summary(servingTimes)}`);
