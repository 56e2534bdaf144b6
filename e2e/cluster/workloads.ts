/**
 * The workloads of the cluster suite besides kuberelay itself: the mock provider behind a Service,
 * and an app team's Deployment whose Pods the webhook injects. All run under the restricted Pod
 * Security Standard, as the namespaces they go into enforce it.
 */
import { stringify } from "yaml";

export const restrictedPodSecurity = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  seccompProfile: { type: "RuntimeDefault" },
};

export const restrictedContainerSecurity = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

export function restrictedNamespace(name: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
      },
    },
  });
}

interface WorkloadSpec {
  name: string;
  namespace: string;
  annotations?: Record<string, string>;
  /** The one container, without its securityContext (always the restricted one). */
  container: Record<string, unknown>;
}

/** One replica, no ServiceAccount token, restricted security contexts; labelled app=<name>. */
function restrictedDeployment(w: WorkloadSpec): Record<string, unknown> {
  const labels = { app: w.name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: w.name, namespace: w.namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, ...(w.annotations ? { annotations: w.annotations } : {}) },
        spec: {
          securityContext: restrictedPodSecurity,
          automountServiceAccountToken: false,
          containers: [
            { ...w.container, imagePullPolicy: "Never", securityContext: restrictedContainerSecurity },
          ],
        },
      },
    },
  };
}

export const mockProviderPort = 8080;

/** The e2e mock provider, which the kuberelay image carries (dist/e2e/mock-provider). */
export function mockProviderManifests(namespace: string, image: string, secretName: string): string {
  const deployment = restrictedDeployment({
    name: "mock-provider",
    namespace,
    container: {
      name: "mock-provider",
      image,
      command: ["node", "/app/dist/e2e/mock-provider/main.js"],
      args: ["--host", "0.0.0.0", "--port", String(mockProviderPort)],
      env: [{ name: "MOCK_OPENAI_KEY", valueFrom: { secretKeyRef: { name: secretName, key: "apiKey" } } }],
      ports: [{ name: "http", containerPort: mockProviderPort }],
      readinessProbe: { tcpSocket: { port: mockProviderPort }, periodSeconds: 1 },
    },
  });
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "mock-provider", namespace },
    spec: {
      selector: { app: "mock-provider" },
      ports: [{ name: "http", port: mockProviderPort, targetPort: "http" }],
    },
  };
  return [deployment, service].map((d) => stringify(d)).join("---\n");
}

/** An app team's Deployment: the annotation asks the webhook for the gateway URL and the key. */
export function sdkClientManifest(namespace: string, image: string, relayKey: string): string {
  return stringify(
    restrictedDeployment({
      name: "sdk-client",
      namespace,
      annotations: { "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": relayKey },
      container: { name: "client", image },
    }),
  );
}
