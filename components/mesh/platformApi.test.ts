import {
  buildPlatformApiDeployment,
  buildPlatformApiDisruptionBudget,
  buildPlatformApiService,
  buildPlatformApiServiceAccount,
} from "./platformApi";

const labels = {
  "app.kubernetes.io/name": "platform-api",
  "app.kubernetes.io/part-of": "agent-platform",
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/component": "platform-api",
  app: "platform-api",
};
const metadata = { name: "platform-api", namespace: "platform-api", labels };
const args = { image: "ghcr.io/example/platform-api:1.4.2", replicas: 3, port: 8080 };

describe("platform API", () => {
  it("CLU-04 runs the platform API with three or more replicas across zones and a disruption budget", () => {
    const deployment = buildPlatformApiDeployment(args);
    expect(deployment.spec).toMatchObject({
      replicas: 3,
      selector: { matchLabels: { app: "platform-api" } },
      template: {
        spec: {
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "topology.kubernetes.io/zone",
              whenUnsatisfiable: "DoNotSchedule",
              labelSelector: { matchLabels: { app: "platform-api" } },
            },
            {
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: { app: "platform-api" } },
            },
          ],
        },
      },
    });
    expect(buildPlatformApiDeployment({ ...args, replicas: 5 }).spec).toMatchObject({ replicas: 5 });
    expect(() => buildPlatformApiDeployment({ ...args, replicas: 2 })).toThrow("at least 3 (CLU-04)");
    expect(buildPlatformApiDisruptionBudget()).toEqual({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata,
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: "platform-api" } } },
    });
  });

  it("runs the platform API container restricted, bounded and probed", () => {
    expect(buildPlatformApiDeployment(args)).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "platform-api" } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: "platform-api",
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              fsGroup: 65532,
              seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraints: expect.any(Array),
            containers: [
              {
                name: "platform-api",
                image: "ghcr.io/example/platform-api:1.4.2",
                ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
                env: [{ name: "PORT", value: "8080" }],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                livenessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
                readinessProbe: { httpGet: { path: "/readyz", port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
                startupProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 30 },
                volumeMounts: [
                  { name: "tmp", mountPath: "/tmp" },
                  { name: "vault-token", mountPath: "/var/run/secrets/vault", readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
              {
                name: "vault-token",
                projected: { sources: [{ serviceAccountToken: { audience: "vault", expirationSeconds: 600, path: "token" } }] },
              },
            ],
          },
        },
      },
    });
  });

  it("mounts no Kubernetes token and exposes one HTTP port", () => {
    expect(buildPlatformApiServiceAccount()).toEqual({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "platform-api", namespace: "platform-api", labels },
      automountServiceAccountToken: false,
    });
    expect(buildPlatformApiService(8080)).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata,
      spec: {
        type: "ClusterIP",
        selector: { app: "platform-api" },
        ports: [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP", appProtocol: "http" }],
      },
    });
  });
});
