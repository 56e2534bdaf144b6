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

export const mockProviderPort = 8080;

/** The e2e mock provider, which the kuberelay image carries (dist/e2e/mock-provider). */
export function mockProviderManifests(namespace: string, image: string, secretName: string): string {
  const labels = { app: "mock-provider" };
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "mock-provider", namespace },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: restrictedPodSecurity,
            automountServiceAccountToken: false,
            containers: [
              {
                name: "mock-provider",
                image,
                imagePullPolicy: "Never",
                command: ["node", "/app/dist/e2e/mock-provider/main.js"],
                args: ["--host", "0.0.0.0", "--port", String(mockProviderPort)],
                env: [
                  {
                    name: "MOCK_OPENAI_KEY",
                    valueFrom: { secretKeyRef: { name: secretName, key: "apiKey" } },
                  },
                ],
                ports: [{ name: "http", containerPort: mockProviderPort }],
                readinessProbe: { tcpSocket: { port: mockProviderPort }, periodSeconds: 1 },
                securityContext: restrictedContainerSecurity,
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "mock-provider", namespace },
      spec: { selector: labels, ports: [{ name: "http", port: mockProviderPort, targetPort: "http" }] },
    },
  ]
    .map((d) => stringify(d))
    .join("---\n");
}

/** An app team's Deployment: the annotation asks the webhook for the gateway URL and the key. */
export function sdkClientManifest(namespace: string, image: string, relayKey: string): string {
  const labels = { app: "sdk-client" };
  return stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "sdk-client", namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: {
          labels,
          annotations: { "kuberelay.dev/inject": "true", "kuberelay.dev/relay-key": relayKey },
        },
        spec: {
          securityContext: restrictedPodSecurity,
          automountServiceAccountToken: false,
          containers: [
            {
              name: "client",
              image,
              imagePullPolicy: "Never",
              securityContext: restrictedContainerSecurity,
            },
          ],
        },
      },
    },
  });
}
