import { eachMatch } from "../text-context.js";
import type { Detector } from "../types.js";

/**
 * JSON Web Tokens: three base64url parts whose first decodes to a JSON object with an `alg`. The
 * header of every JWT starts `{"` and so its encoding starts `eyJ`, which is the prefilter.
 */

const CANDIDATE = /(?<![\w.-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

function headerHasAlg(encoded: string): boolean {
  if (encoded.length > 2048) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
    return (
      typeof header === "object" && header !== null && typeof (header as { alg?: unknown }).alg === "string"
    );
  } catch {
    return false;
  }
}

export const jwtDetector: Detector = {
  type: "jwt",
  kind: "secret",
  label: "JWT",
  detect(text, found) {
    if (!text.includes("eyJ")) return;
    eachMatch(CANDIDATE, text, (m) => {
      const header = m[0].slice(0, m[0].indexOf("."));
      if (headerHasAlg(header)) found(m.index, m.index + m[0].length);
    });
  },
};
