import { contextBefore, eachMatch } from "../text-context.js";
import type { Detector } from "../types.js";

/**
 * AWS access key ids (AKIA long-term, ASIA temporary, ABIA/ACCA) and secret access keys. A secret
 * key is 40 base64 characters with nothing else to tell it apart, so it only counts within a short
 * distance of an access key id or right after a name that says what it is.
 */

const ACCESS_KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const SECRET_KEY = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
const SECRET_NAME = /(?:secret_?access_?key|secretaccesskey|aws_?secret(?:_?key)?)["']?\s*[:=]?\s*["']?$/;
const NEAR = 300;

export const awsAccessKeyDetector: Detector = {
  type: "awsAccessKey",
  kind: "secret",
  label: "AWS_ACCESS_KEY",
  detect(text, found) {
    eachMatch(ACCESS_KEY_ID, text, (m) => found(m.index, m.index + m[0].length));
  },
};

function accessKeyIdStarts(text: string): number[] {
  const starts: number[] = [];
  eachMatch(ACCESS_KEY_ID, text, (m) => starts.push(m.index));
  return starts;
}

export const awsSecretKeyDetector: Detector = {
  type: "awsSecretKey",
  kind: "secret",
  label: "AWS_SECRET_KEY",
  detect(text, found) {
    const ids = accessKeyIdStarts(text);
    const lower = text.toLowerCase();
    if (ids.length === 0 && !lower.includes("secret")) return;
    eachMatch(SECRET_KEY, text, (m) => {
      const value = m[0];
      if (!/[0-9]/.test(value) || !/[A-Z]/.test(value) || !/[a-z]/.test(value)) return;
      const nearId = ids.some((id) => Math.abs(id - m.index) <= NEAR);
      if (nearId || contextBefore(text, m.index, SECRET_NAME, 48)) found(m.index, m.index + value.length);
    });
  },
};
