/**
 * A Secret as External Secrets Operator writes it for an ExternalSecret: the managed label, the
 * data-hash annotation, no `immutable`, under ESO's field manager. The ExternalSecret's
 * ownerReference (creationPolicy Owner) is left out: its kind has no CRD in the test cluster, so
 * the reference would point at nothing. Field names from ESO's apis/externalsecrets/v1
 * (LabelManaged, LabelOwner, AnnotationDataHash).
 */
import { createHash } from "node:crypto";
import type { Kubectl } from "./kubectl.js";

export const ESO_FIELD_MANAGER = "external-secrets";

export function esoManagedSecret(namespace: string, name: string, data: Record<string, string>) {
  const encoded = Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
  );
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: {
      name,
      namespace,
      labels: {
        "reconcile.external-secrets.io/managed": "true",
        "reconcile.external-secrets.io/created-by": createHash("sha256")
          .update(`${namespace}/${name}`)
          .digest("hex")
          .slice(0, 56),
      },
      // ESO hashes the data to notice drift; any digest stands in for it here.
      annotations: {
        "reconcile.external-secrets.io/data-hash": createHash("md5")
          .update(JSON.stringify(encoded))
          .digest("hex"),
      },
    },
    data: encoded,
  };
}

/** Creates or updates it in place, as ESO does on every refresh that finds a new value. */
export async function writeEsoSecret(
  kubectl: Kubectl,
  namespace: string,
  name: string,
  data: Record<string, string>,
): Promise<void> {
  await kubectl(
    ["apply", "--server-side", `--field-manager=${ESO_FIELD_MANAGER}`, "-f", "-"],
    JSON.stringify(esoManagedSecret(namespace, name, data)),
  );
}
