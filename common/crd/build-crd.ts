import { GROUP, VERSION } from "../names.js";
import type { ResourceDefinition } from "../schemas/resource-definition.js";
import { toStructuralSchema } from "./to-structural-schema.js";

export const CATEGORY = "kuberelay";

export function crdName(def: ResourceDefinition): string {
  return `${def.plural}.${GROUP}`;
}

/** The CustomResourceDefinition for one kind, derived from its zod schemas. */
export function buildCrd(def: ResourceDefinition): Record<string, unknown> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: crdName(def), labels: { "app.kubernetes.io/name": "kuberelay" } },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: [CATEGORY],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            ...def.printerColumns,
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: def.description,
              required: ["spec"],
              properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                spec: toStructuralSchema(def.spec, `${def.kind}.spec`),
                status: toStructuralSchema(def.status, `${def.kind}.status`),
              },
            },
          },
        },
      ],
    },
  };
}
