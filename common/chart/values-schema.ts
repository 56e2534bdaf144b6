/**
 * The Helm chart's values, as zod: `npm run crds` turns this into charts/kuberelay/values.schema.json,
 * which Helm checks every install, upgrade, template and lint against. Objects are strict, so a
 * mistyped key fails with its name instead of being ignored; Kubernetes types the chart passes
 * through unread (affinity, tolerations, EnvVars, security contexts) are checked only as far as
 * their shape, and the API server checks the rest.
 */
import { z } from "zod";

const nonNegativeInt = z.int().min(0);
const port = z.int().min(1).max(65_535);
const labels = z.record(z.string(), z.string());
/** A Kubernetes quantity: "100m", "256Mi", 1. */
const quantity = z.union([z.string().regex(/^[+-]?[0-9.]+([eE][+-]?[0-9]+|[a-zA-Z]{1,2})?$/), z.number()]);
/** What operator/webhook-tls/config.ts parses: "90s", "2m", "2160h", "500ms". */
const tlsDuration = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)?$/);
/** A Go duration, as cert-manager reads it: "2160h", "1h30m". */
const goDuration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
/** A Prometheus duration: "30s", "15m", "1h30m". */
const promDuration = z.string().regex(/^(\d+(y|w|d|h|m|s|ms))+$/);
/** A share in (0, 1]: `--set x=0.1` arrives as a string (Helm parses only integers), so both. */
const ratio = z.union([z.number().gt(0).max(1), z.string().regex(/^(0?\.\d*[1-9]\d*|1(\.0*)?)$/)]);
/** Kubernetes objects the chart copies into manifests unread. */
const passThrough = z.record(z.string(), z.unknown());
const passThroughList = z.array(passThrough);
const envVar = z.looseObject({ name: z.string().min(1) });

/** An existing Secret's name and data key; no name turns the feature off. */
const secretKeyRef = z.strictObject({ name: z.string(), key: z.string().min(1) });

const resources = z.strictObject({
  requests: z.record(z.string(), quantity).optional(),
  limits: z.record(z.string(), quantity).optional(),
  claims: passThroughList.optional(),
});

/** What every component's Deployment has: where its Pods run and what they may use. */
const placement = {
  nodeSelector: labels,
  tolerations: passThroughList,
  affinity: passThrough,
  topologySpreadConstraints: passThroughList,
  priorityClassName: z.string(),
  serviceAccount: z.strictObject({ annotations: labels }),
  resources,
  extraArgs: z.array(z.string()),
  extraEnv: z.array(envVar),
};

const operator = z.strictObject({
  replicas: nonNegativeInt,
  metricsPort: port,
  audit: z.strictObject({ database: z.boolean() }),
  maxHeapMiB: nonNegativeInt,
  ...placement,
});

const gateway = z.strictObject({
  replicas: nonNegativeInt,
  autoscaling: z.strictObject({
    enabled: z.boolean(),
    minReplicas: z.int().min(1),
    maxReplicas: z.int().min(1),
    targetCPUUtilizationPercentage: z.int().min(1).max(100),
  }),
  port,
  metricsPort: port,
  drainSeconds: nonNegativeInt,
  preStopSleepSeconds: nonNegativeInt,
  maxHeapMiB: nonNegativeInt,
  service: z.strictObject({
    type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]),
    annotations: labels,
  }),
  limits: z.strictObject({ redisUrlSecret: secretKeyRef }),
  ledger: z.strictObject({
    databaseUrlSecret: secretKeyRef,
    retentionMonths: z.int().min(1),
    spoolSizeLimit: quantity,
  }),
  admin: z.strictObject({ tokenSecret: secretKeyRef, port }),
  content: z.strictObject({ keySecret: secretKeyRef, allowPlaintext: z.boolean() }),
  podDisruptionBudget: z.strictObject({
    enabled: z.boolean(),
    maxUnavailable: z.union([nonNegativeInt, z.string().regex(/^\d+%$/)]),
  }),
  ...placement,
});

const webhook = z.strictObject({
  enabled: z.boolean(),
  replicas: nonNegativeInt,
  port,
  metricsPort: port,
  failClosedForLabelledNamespaces: z.boolean(),
  timeoutSeconds: z.int().min(1).max(5),
  // Removed; kept so the chart's own message says what replaced it (_helpers.tpl).
  failurePolicy: z.unknown().optional(),
  excludeNamespaces: z.array(z.string().min(1)),
  gatewayUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/ })]),
  tls: z.strictObject({
    mode: z.enum(["operator", "certManager"]),
    operator: z.strictObject({
      certValidity: tlsDuration,
      certRenewBefore: tlsDuration,
      caValidity: tlsDuration,
      caRenewBefore: tlsDuration,
      propagation: tlsDuration,
    }),
  }),
  certManager: z.strictObject({
    enabled: z.boolean(),
    issuerRef: z.union([
      z.strictObject({}),
      z.strictObject({
        name: z.string().min(1),
        kind: z.enum(["Issuer", "ClusterIssuer"]).optional(),
        group: z.string().optional(),
      }),
    ]),
    duration: goDuration,
    renewBefore: goDuration,
  }),
  podDisruptionBudget: z.strictObject({
    maxUnavailable: z.union([nonNegativeInt, z.string().regex(/^\d+%$/)]),
  }),
  ...placement,
});

export const chartValuesSchema = z.strictObject({
  nameOverride: z.string(),
  fullnameOverride: z.string(),
  image: z.strictObject({
    repository: z.string().min(1),
    // `--set image.tag=1.2` arrives as a number.
    tag: z.union([z.string(), z.number()]),
    digest: z.union([z.literal(""), z.string().regex(/^sha256:[a-f0-9]{64}$/)]),
    pullPolicy: z.enum(["Always", "IfNotPresent", "Never"]),
  }),
  imagePullSecrets: z.array(z.strictObject({ name: z.string().min(1) })),
  configSecretName: z.string(),
  masterKey: z.strictObject({
    existingSecret: z.string(),
    secretKey: z.string().min(1),
    previousSecretKey: z.string(),
  }),
  kms: z.strictObject({
    keyId: z.string(),
    previousKeyIds: z.array(z.string().min(1)),
    region: z.string(),
    endpoint: z.string(),
  }),
  podSecurityContext: passThrough,
  containerSecurityContext: passThrough,
  podLabels: labels,
  podAnnotations: labels,
  logLevel: z.enum(["debug", "info", "warn", "error"]),
  operator,
  gateway,
  webhook,
  rbac: z.strictObject({ aggregateToDefaultRoles: z.boolean() }),
  metrics: z.strictObject({ tokenSecret: secretKeyRef }),
  networkPolicy: z.strictObject({
    enabled: z.boolean(),
    metricsNamespaceSelector: labels,
    metricsPodSelector: labels,
    extraMetricsFrom: passThroughList,
    gatewayFrom: passThroughList,
    webhookFrom: passThroughList,
    adminFrom: passThroughList,
  }),
  dashboards: z.strictObject({
    enabled: z.boolean(),
    label: z.string().min(1),
    labelValue: z.string(),
    namespace: z.string(),
    annotations: labels,
  }),
  serviceMonitor: z.strictObject({
    enabled: z.boolean(),
    interval: promDuration,
    scrapeTimeout: promDuration,
    labels,
  }),
  prometheusRule: z.strictObject({
    enabled: z.boolean(),
    labels,
    alertLabels: labels,
    budgetNearLimitRatio: ratio,
    errorRatio: ratio,
    generationSkewFor: promDuration,
    missedInjectionsFor: promDuration,
    certificateExpiryDays: z.int().min(1),
  }),
});

export type ChartValues = z.infer<typeof chartValuesSchema>;
