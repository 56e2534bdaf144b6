import { type CompileResult, compile, type DraftConfig } from "../../operator/compile.js";
import type { ConfigObjects } from "./parse-config-objects.js";

/** A compile condition that keeps an object out of the config; logged, since there is no status. */
export interface NotReady {
  /** `Kind/namespace/name`. */
  object: string;
  reason: string;
  message: string;
}

export interface StandaloneCompileResult {
  /** Holds plaintext provider credentials: it never leaves this process. */
  draft: DraftConfig;
  notReady: NotReady[];
}

/** The automatic label the API server puts on every Namespace, which selectors may use. */
const NAME_LABEL = "kubernetes.io/metadata.name";

/** Reasons that are someone's deliberate choice rather than a fault worth a warning. */
const DELIBERATE = new Set(["Disabled", "Expired"]);

function notReadyOf(conditions: CompileResult["conditions"]): NotReady[] {
  const out: NotReady[] = [];
  for (const [object, conds] of conditions) {
    const ready = conds.find((c) => c.type === "Ready");
    if (ready && ready.status !== "True" && !DELIBERATE.has(ready.reason)) {
      out.push({ object, reason: ready.reason, message: ready.message });
    }
  }
  return out;
}

/**
 * Runs the operator's own compiler over a directory's objects, so that standalone mode and
 * a cluster agree on what the same resources mean. Secrets come from the directory; every
 * Namespace exists implicitly, carrying the labels a declared Namespace gives it.
 */
export function compileStandalone(objects: ConfigObjects): StandaloneCompileResult {
  const secretValue = (ns: string, name: string, key: string) =>
    objects.secrets.get(`${ns}/${name}`)?.get(key);
  const result = compile({
    relayKeys: objects.relayKeys,
    policies: objects.policies,
    providerKeys: objects.providerKeys,
    namespaceLabels: (ns) => ({ ...objects.namespaceLabels.get(ns), [NAME_LABEL]: ns }),
    // Generated keys were refused when the objects were parsed; nothing here would write one.
    relayKeyPlaintext: (rk, where) =>
      where.generated ? undefined : secretValue(rk.metadata.namespace, where.secretName, where.key),
    providerCredential: secretValue,
    now: new Date(),
  });
  return { draft: result.draft, notReady: notReadyOf(result.conditions) };
}
