import { z } from "zod";
import { objectName } from "../../common/schemas/shared-types.js";

/** The parts of a v1 Secret the standalone config reads: `data` (base64) and `stringData`. */
export const secretObjectSchema = z.object({
  apiVersion: z.literal("v1"),
  kind: z.literal("Secret"),
  metadata: z.looseObject({ name: objectName, namespace: objectName }),
  data: z.record(z.string(), z.base64()).optional(),
  stringData: z.record(z.string(), z.string()).optional(),
});
export type SecretObject = z.infer<typeof secretObjectSchema>;

/** Data key → plaintext; `stringData` wins over `data`, as the API server merges them. */
export function secretValues(secret: SecretObject): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, encoded] of Object.entries(secret.data ?? {})) {
    values.set(key, Buffer.from(encoded, "base64").toString("utf8"));
  }
  for (const [key, value] of Object.entries(secret.stringData ?? {})) values.set(key, value);
  return values;
}

/** A v1 Namespace: only its labels matter, for ProviderKeys' allowedNamespaces. */
export const namespaceObjectSchema = z.object({
  apiVersion: z.literal("v1"),
  kind: z.literal("Namespace"),
  metadata: z.looseObject({
    name: objectName,
    labels: z.record(z.string(), z.string()).optional(),
  }),
});
