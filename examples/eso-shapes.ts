/**
 * A hand-written check of the external-secrets.io/v1 fields the examples use, so a typo or a
 * field from another ESO version fails here rather than in a user's cluster. Not ESO's full
 * schema: strict objects, so a field not listed is refused, and adding one to an example means
 * checking it against ESO's documentation and adding it here. Sources:
 * - ExternalSecret: https://external-secrets.io/latest/api/externalsecret/ (refreshInterval,
 *   refreshPolicy, secretStoreRef, target.creationPolicy, data[].secretKey/remoteRef)
 * - SecretStore / ClusterSecretStore: https://external-secrets.io/latest/api/secretstore,
 *   https://external-secrets.io/latest/api/clustersecretstore/, and ESO's
 *   apis/externalsecrets/v1/secretstore_types.go (ClusterSecretStoreCondition: namespaces,
 *   namespaceSelector)
 * - providers: https://external-secrets.io/latest/provider/hashicorp-vault/ (server, path,
 *   version, auth.kubernetes), https://external-secrets.io/latest/provider/aws-secrets-manager/
 *   (service, region, auth.jwt.serviceAccountRef), https://external-secrets.io/latest/provider/azure-key-vault
 *   (authType, vaultUrl, serviceAccountRef)
 */
import { z } from "zod";
import { labelSelectorSchema, objectName } from "../common/schemas/shared-types.js";

export const ESO_API_VERSION = "external-secrets.io/v1";

/** A Go time.Duration string, as ESO's refreshInterval takes it (e.g. 1h, 15m, 1h30m). */
const goDuration = z.string().regex(/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/, "a Go duration, e.g. 1h");

const serviceAccountRef = z.strictObject({ name: objectName, namespace: objectName.optional() });

const vaultProvider = z.strictObject({
  server: z.url(),
  path: z.string().min(1),
  version: z.enum(["v1", "v2"]),
  auth: z.strictObject({
    kubernetes: z.strictObject({
      mountPath: z.string().min(1),
      role: z.string().min(1),
      serviceAccountRef: serviceAccountRef.optional(),
    }),
  }),
});

const awsProvider = z.strictObject({
  service: z.enum(["SecretsManager", "ParameterStore"]),
  region: z.string().min(1),
  role: z.string().optional(),
  auth: z.strictObject({ jwt: z.strictObject({ serviceAccountRef }) }).optional(),
});

const azureKeyVaultProvider = z
  .strictObject({
    authType: z.enum(["ServicePrincipal", "ManagedIdentity", "WorkloadIdentity"]),
    vaultUrl: z.url(),
    environmentType: z
      .enum(["PublicCloud", "USGovernmentCloud", "ChinaCloud", "GermanCloud", "AzureStackCloud"])
      .optional(),
    tenantId: z.string().optional(),
    serviceAccountRef: serviceAccountRef.optional(),
  })
  .refine((p) => p.authType !== "WorkloadIdentity" || p.serviceAccountRef !== undefined, {
    message: "authType WorkloadIdentity needs serviceAccountRef",
  });

const provider = z
  .strictObject({
    vault: vaultProvider.optional(),
    aws: awsProvider.optional(),
    azurekv: azureKeyVaultProvider.optional(),
  })
  .refine((p) => Object.keys(p).length === 1, { message: "exactly one provider per store" });

const objectMeta = (namespaced: boolean) =>
  z.looseObject({
    name: objectName,
    namespace: namespaced
      ? objectName
      : z.never({ message: "a cluster-scoped store has no namespace" }).optional(),
  });

export const secretStoreSchema = z.strictObject({
  apiVersion: z.literal(ESO_API_VERSION),
  kind: z.literal("SecretStore"),
  metadata: objectMeta(true),
  spec: z.strictObject({ provider }),
});

export const clusterSecretStoreSchema = z.strictObject({
  apiVersion: z.literal(ESO_API_VERSION),
  kind: z.literal("ClusterSecretStore"),
  metadata: objectMeta(false),
  spec: z.strictObject({
    provider,
    conditions: z
      .array(
        z.strictObject({
          namespaces: z.array(objectName).optional(),
          namespaceSelector: labelSelectorSchema.optional(),
        }),
      )
      .optional(),
  }),
});

export const externalSecretSchema = z.strictObject({
  apiVersion: z.literal(ESO_API_VERSION),
  kind: z.literal("ExternalSecret"),
  metadata: objectMeta(true),
  spec: z.strictObject({
    refreshInterval: goDuration,
    refreshPolicy: z.enum(["Periodic", "OnChange", "CreatedOnce"]).optional(),
    secretStoreRef: z.strictObject({ kind: z.enum(["SecretStore", "ClusterSecretStore"]), name: objectName }),
    target: z.strictObject({
      name: objectName,
      creationPolicy: z.enum(["Owner", "Orphan", "Merge", "None"]),
      deletionPolicy: z.enum(["Delete", "Merge", "Retain"]).optional(),
      // Left out on purpose: an immutable Secret cannot take a rotated value in place.
    }),
    data: z
      .array(
        z.strictObject({
          secretKey: z.string().min(1),
          remoteRef: z.strictObject({ key: z.string().min(1), property: z.string().min(1).optional() }),
        }),
      )
      .min(1),
  }),
});
export type ExternalSecret = z.infer<typeof externalSecretSchema>;

export const esoSchemas: Record<string, z.ZodType> = {
  SecretStore: secretStoreSchema,
  ClusterSecretStore: clusterSecretStoreSchema,
  ExternalSecret: externalSecretSchema,
};
