import { type PiiTypeName, piiTypes } from "../../common/schemas/guardrails.js";

/** What a guardrail does with a value it found. */
export type GuardrailAction = "redact" | "block";
/** A setting: `off` leaves the type alone. */
export type GuardrailSetting = "off" | GuardrailAction;

export type FindingKind = "pii" | "secret" | "custom";

// The Policy schema names the types; the detectors must cover each (builtin.ts is keyed by them).
export const PII_TYPES = piiTypes;
export type PiiType = PiiTypeName;

export const SECRET_TYPES = [
  "openaiKey",
  "anthropicKey",
  "awsAccessKey",
  "awsSecretKey",
  "gcpServiceAccount",
  "privateKey",
  "jwt",
  "relayKey",
  "highEntropy",
] as const;
export type SecretType = (typeof SECRET_TYPES)[number];

/** A custom rule as the Policy states it. `pattern` is RE2 syntax (no lookaround, no backreferences). */
export interface CustomRuleSpec {
  name: string;
  pattern: string;
  action: GuardrailAction;
}

/**
 * Everything a Policy's guardrails say, as plain data (the Policy schema produces it). Absent
 * entries are `off`.
 */
export interface GuardrailSettings {
  pii?: Partial<Record<PiiType, GuardrailSetting>>;
  /** One action for every secret type: a leaked key is a leaked key, whichever provider issued it. */
  secrets?: GuardrailSetting;
  custom?: readonly CustomRuleSpec[];
  /** Texts longer than this are refused unscanned (fail closed). Defaults to MAX_SCAN_CHARS. */
  maxScanChars?: number;
}

/**
 * One value found in a text. It holds where the value is, never the value: a finding can be
 * logged, counted and put in a metric label without leaking what it points at.
 */
export interface Finding {
  /** A PiiType, a SecretType, or a custom rule's name. */
  type: string;
  kind: FindingKind;
  action: GuardrailAction;
  /** The placeholder stem: EMAIL in [EMAIL_1]. */
  label: string;
  /** UTF-16 offsets into the text, end exclusive. */
  start: number;
  end: number;
}

/** Finds one type of value. `detect` reports each value's offsets and must run in linear time. */
export interface Detector {
  type: string;
  kind: FindingKind;
  label: string;
  detect(text: string, found: (start: number, end: number) => void): void;
}

/** A detector as the scanner runs it: with the action the settings gave its type. */
export interface ArmedDetector extends Detector {
  action: GuardrailAction;
}
