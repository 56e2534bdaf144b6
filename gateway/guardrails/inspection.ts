import type { Finding, FindingKind } from "./types.js";

/** Why a text may not go on. Names the type, never the value. */
export type BlockReason =
  | { reason: "finding"; type: string; kind: FindingKind; label: string }
  | { reason: "tooLarge"; limit: number };

/** A finding in one of a request's texts. */
export interface TextFinding extends Finding {
  textIndex: number;
}

/** How many values of one type were found and what was done with them: a metric's labels and value. */
export interface Hit {
  type: string;
  kind: FindingKind;
  action: Finding["action"];
  count: number;
}

export function blockedBy(finding: Finding): BlockReason {
  return { reason: "finding", type: finding.type, kind: finding.kind, label: finding.label };
}

/** A message for the caller (a 400) that names what was found and where, never the value. */
export function blockMessage(blocked: BlockReason): string {
  if (blocked.reason === "tooLarge") {
    return `The request was not forwarded: a text longer than ${blocked.limit} characters cannot be checked by the guardrails.`;
  }
  const what =
    blocked.kind === "custom" ? `a match of the rule "${blocked.type}"` : `a value of type ${blocked.label}`;
  return `The request was not forwarded: it contains ${what}, which this key's policy blocks.`;
}

/** Findings counted by type, kind and action, in first-seen order. */
export function countHits(findings: readonly Finding[]): Hit[] {
  const hits = new Map<string, Hit>();
  for (const f of findings) {
    const key = `${f.kind}\u0000${f.type}\u0000${f.action}`;
    const hit = hits.get(key);
    if (hit === undefined) hits.set(key, { type: f.type, kind: f.kind, action: f.action, count: 1 });
    else hit.count++;
  }
  return [...hits.values()];
}
