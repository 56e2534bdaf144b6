import type { Detector } from "../types.js";

/**
 * Email addresses, found from each `@` outwards rather than by one regex: the scan left is capped at
 * 64 characters (the local-part limit) and the scan right stops at the first character a domain
 * cannot hold, so a run of `@`s or of `a.a.a.` costs linear time.
 */

// Image and source file suffixes that follow `@` in names such as icon@2x.png, never real TLDs in prose.
const FILE_SUFFIXES = new Set([
  "png",
  "jpg",
  "jpeg",
  "gif",
  "svg",
  "webp",
  "js",
  "ts",
  "css",
  "json",
  "html",
  "tsx",
]);

function isLocalCode(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 46 || // .
    c === 95 || // _
    c === 37 || // %
    c === 43 || // +
    c === 45 // -
  );
}

function isDomainCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 45;
}

function validDomain(domain: string): boolean {
  const labels = domain.split(".");
  if (labels.length < 2) return false;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || label.startsWith("-") || label.endsWith("-")) return false;
  }
  const tld = labels[labels.length - 1] ?? "";
  return /^[A-Za-z]{2,24}$/.test(tld) && !FILE_SUFFIXES.has(tld.toLowerCase());
}

function localStart(text: string, at: number): number {
  let start = at;
  while (start > 0 && at - start < 64 && isLocalCode(text.charCodeAt(start - 1))) start--;
  while (start < at && text.charCodeAt(start) === 46) start++;
  return start;
}

function domainEnd(text: string, at: number): number {
  let end = at + 1;
  while (end < text.length && end - at <= 253 && isDomainCode(text.charCodeAt(end))) end++;
  // A sentence's full stop or a dash after the address is not part of it.
  while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
  return end;
}

export const emailDetector: Detector = {
  type: "email",
  kind: "pii",
  label: "EMAIL",
  detect(text, found) {
    for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
      const start = localStart(text, at);
      if (start === at || text.charCodeAt(at - 1) === 46) continue;
      const end = domainEnd(text, at);
      if (text.slice(start, at).includes("..")) continue;
      if (validDomain(text.slice(at + 1, end))) found(start, end);
    }
  },
};
