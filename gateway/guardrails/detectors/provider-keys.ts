import { eachMatch } from "../text-context.js";
import type { Detector } from "../types.js";

/**
 * API keys with a recognisable prefix: OpenAI (`sk-`, `sk-proj-`, `sk-svcacct-`, `sk-admin-`),
 * Anthropic (`sk-ant-`) and our own relay keys (`krk_`, see common/crypto/relay-key.ts). The body
 * must look random (letters and digits both), so `sk-learn` or `sk-proj-my-project` do not count.
 */

const OPENAI = /(?<![\w-])sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g;
const ANTHROPIC = /(?<![\w-])sk-ant-[A-Za-z0-9_-]{32,}/g;
// 32 random bytes are 43 base64url characters.
const RELAY = /(?<![\w-])krk_[A-Za-z0-9_-]{40,}/g;

function looksRandom(body: string): boolean {
  return /[0-9]/.test(body) && /[A-Za-z]/.test(body) && !/^[a-z-]+[0-9]{0,4}$/.test(body);
}

function prefixed(
  type: string,
  label: string,
  re: RegExp,
  prefixLength: (value: string) => number,
): Detector {
  return {
    type,
    kind: "secret",
    label,
    detect(text, found) {
      eachMatch(re, text, (m) => {
        if (looksRandom(m[0].slice(prefixLength(m[0])))) found(m.index, m.index + m[0].length);
      });
    },
  };
}

const OPENAI_PREFIX = /^sk-(?:proj-|svcacct-|admin-)?/;
export const openaiKeyDetector = prefixed(
  "openaiKey",
  "OPENAI_KEY",
  OPENAI,
  (v) => OPENAI_PREFIX.exec(v)?.[0].length ?? 3,
);
export const anthropicKeyDetector = prefixed("anthropicKey", "ANTHROPIC_KEY", ANTHROPIC, () => 7);
export const relayKeyDetector = prefixed("relayKey", "RELAY_KEY", RELAY, () => 4);
