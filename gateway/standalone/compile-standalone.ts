import type { ConditionInput } from "../../common/conditions.js";
import { type CompileResult, compile, type DraftConfig } from "../../operator/compile.js";
import type { ConfigProblem } from "./config-problem.js";
import type { ConfigObjects } from "./parse-config-objects.js";

export interface StandaloneCompileResult {
  /** Holds plaintext provider credentials: it never leaves this process. */
  draft: DraftConfig;
  /** What a cluster would show in status, as problems naming file and field: there is no status here. */
  problems: ConfigProblem[];
}

/** The automatic label the API server puts on every Namespace, which selectors may use. */
const NAME_LABEL = "kubernetes.io/metadata.name";

/** Reasons that are someone's deliberate choice rather than a fault worth reporting. */
const DELIBERATE = new Set(["Disabled", "Expired"]);

/** The spec field each not-Ready reason is about; a Policy's route problems name their own. */
const FIELD_OF: Record<string, Record<string, string>> = {
  ProviderKey: {
    PrivateNetwork: "spec.baseURL",
    InvalidBaseURL: "spec.baseURL",
    SecretNotFound: "spec.credentials.secretKeyRef",
    CredentialTooLarge: "spec.credentials.secretKeyRef",
  },
  RelayKey: {
    PolicyNotFound: "spec.policyRef.name",
    SecretNotFound: "spec.secretRef",
    WeakKey: "spec.secretRef",
    InvalidKeyFormat: "spec.secretRef",
    DuplicateKey: "spec.secretRef",
  },
};

/** `Kind/namespace/name` → its parts. */
function splitId(id: string): { kind: string; namespace: string; name: string } {
  const [kind = "", namespace = "", ...rest] = id.split("/");
  return { kind, namespace, name: rest.join("/") };
}

function problemsOf(result: CompileResult, objects: ConfigObjects): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const at = (id: string) => objects.sources.get(id) ?? { file: "(unknown file)" };
  for (const [id, conds] of result.conditions) {
    const ready = conds.find((c: ConditionInput) => c.type === "Ready");
    if (!ready || ready.status === "True" || DELIBERATE.has(ready.reason)) continue;
    const object = splitId(id);
    const routes = result.routeProblems.filter((p) => `Policy/${p.policy}` === id);
    if (routes.length > 0) {
      for (const r of routes)
        out.push({ ...at(id), object, field: r.field, reason: r.reason, message: r.message });
      continue;
    }
    const field = FIELD_OF[object.kind]?.[ready.reason] ?? "spec";
    out.push({ ...at(id), object, field, reason: ready.reason, message: ready.message });
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
  return { draft: result.draft, problems: problemsOf(result, objects) };
}
