/**
 * The basic shape of the core Kubernetes objects the examples hold: enough to catch a wrong
 * apiVersion, a misplaced field or a Deployment whose selector misses its Pods. The API server
 * checks the rest when the e2e test (e2e/gitops.test.ts) applies them.
 */
import { z } from "zod";
import { objectName } from "../common/schemas/shared-types.js";

const labels = z.record(z.string(), z.string());
const meta = (namespaced: boolean) =>
  z.looseObject({
    name: objectName,
    namespace: namespaced ? objectName : z.never({ message: "a Namespace has no namespace" }).optional(),
    labels: labels.optional(),
    annotations: labels.optional(),
  });

const namespaceSchema = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Namespace"),
  metadata: meta(false),
});

const serviceAccountSchema = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("ServiceAccount"),
  metadata: meta(true),
});

const containerSchema = z.looseObject({ name: objectName, image: z.string().min(1) });

const deploymentSchema = z
  .strictObject({
    apiVersion: z.literal("apps/v1"),
    kind: z.literal("Deployment"),
    metadata: meta(true),
    spec: z.looseObject({
      replicas: z.number().int().min(0).optional(),
      selector: z.strictObject({ matchLabels: labels }),
      template: z.strictObject({
        metadata: z.strictObject({ labels, annotations: labels.optional() }),
        spec: z.looseObject({ containers: z.array(containerSchema).min(1) }),
      }),
    }),
  })
  .refine(
    (d) =>
      Object.entries(d.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
    { message: "spec.selector.matchLabels must select the Pod template's labels" },
  );
export type Deployment = z.infer<typeof deploymentSchema>;

export const coreSchemas: Record<string, z.ZodType> = {
  Namespace: namespaceSchema,
  ServiceAccount: serviceAccountSchema,
  Deployment: deploymentSchema,
};
