import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../shared/labels";
import { PLATFORM_API_PROBES, PLATFORM_API_RESOURCES, PLATFORM_API_UID } from "./defaults";
import { PLATFORM_API_NAME, PLATFORM_API_NAMESPACE, PLATFORM_API_SERVICE_ACCOUNT } from "./identities";
import { VAULT_CONFIG } from "../vault/defaults";
import { zoneAndNodeSpread } from "./values";

export interface PlatformApiArgs {
  /** A pinned image reference (tag or digest), validated by the stack configuration. */
  image: string;
  /** At least 3 (CLU-04), so that a node or zone loss leaves a working majority. */
  replicas: number;
  /** The container port, also the Service port; the container reads it from the `PORT` variable. */
  port: number;
}

/** A non-secret setting of the API's container. */
export interface PlatformApiEnvVar {
  name: string;
  value: pulumi.Input<string>;
}

/** The label the Service, PDB, AuthorizationPolicy and spread constraints select pods by. */
export const PLATFORM_API_SELECTOR = { app: PLATFORM_API_NAME } as const;

const labels = () => ({ ...standardLabels(PLATFORM_API_NAME, "platform-api"), ...PLATFORM_API_SELECTOR });

/** The API talks to Kubernetes through no token of its own: none is mounted. */
export function buildPlatformApiServiceAccount(): k8s.types.input.core.v1.ServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: PLATFORM_API_SERVICE_ACCOUNT, namespace: PLATFORM_API_NAMESPACE, labels: labels() },
    automountServiceAccountToken: false,
  };
}

/**
 * CLU-04: three or more replicas spread over zones, restricted security context, bounded
 * resources and probes. Its sidecar comes from the namespace's injection label and gets its
 * redirection from istio-cni, so the pod itself asks for no capability.
 */
/** Where the platform API finds its Vault login token, and the audience Vault's role expects. */
export const VAULT_TOKEN_DIR = "/var/run/secrets/vault";
export const VAULT_TOKEN_AUDIENCE = VAULT_CONFIG.tokenAudience;

/**
 * `env` adds non-secret settings after PORT: the data tier's connection facts (components/data,
 * buildDataEnv) when the stack declares one.
 */
export function buildPlatformApiDeployment(args: PlatformApiArgs, env: PlatformApiEnvVar[] = []): k8s.types.input.apps.v1.Deployment {
  if (!Number.isInteger(args.replicas) || args.replicas < 3) {
    throw new Error(`platformApi.replicas must be at least 3 (CLU-04), got ${args.replicas}`);
  }
  const probe = (path: string) => ({ httpGet: { path, port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: PLATFORM_API_NAME, namespace: PLATFORM_API_NAMESPACE, labels: labels() },
    spec: {
      replicas: args.replicas,
      selector: { matchLabels: { ...PLATFORM_API_SELECTOR } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels() },
        spec: {
          serviceAccountName: PLATFORM_API_SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: PLATFORM_API_UID,
            runAsGroup: PLATFORM_API_UID,
            fsGroup: PLATFORM_API_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          topologySpreadConstraints: zoneAndNodeSpread({ ...PLATFORM_API_SELECTOR }),
          containers: [
            {
              name: PLATFORM_API_NAME,
              image: args.image,
              ports: [{ name: "http", containerPort: args.port, protocol: "TCP" }],
              env: [{ name: "PORT", value: String(args.port) }, ...env],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
              },
              resources: {
                requests: { ...PLATFORM_API_RESOURCES.requests },
                limits: { ...PLATFORM_API_RESOURCES.limits },
              },
              livenessProbe: probe(PLATFORM_API_PROBES.liveness),
              readinessProbe: probe(PLATFORM_API_PROBES.readiness),
              startupProbe: { ...probe(PLATFORM_API_PROBES.liveness), failureThreshold: 30 },
              volumeMounts: [
                { name: "tmp", mountPath: "/tmp" },
                { name: "vault-token", mountPath: VAULT_TOKEN_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            // A read-only root filesystem still needs somewhere to write temporary files.
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            // No Kubernetes API token is mounted; this one is for Vault's Kubernetes auth only: its
            // audience is Vault's, so the API server would refuse it.
            {
              name: "vault-token",
              projected: { sources: [{ serviceAccountToken: { audience: VAULT_TOKEN_AUDIENCE, expirationSeconds: 600, path: "token" } }] },
            },
          ],
        },
      },
    },
  };
}

/** Named `http` so Istio treats the port as HTTP and applies L7 policy and routing. */
export function buildPlatformApiService(port: number): k8s.types.input.core.v1.Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: PLATFORM_API_NAME, namespace: PLATFORM_API_NAMESPACE, labels: labels() },
    spec: {
      type: "ClusterIP",
      selector: { ...PLATFORM_API_SELECTOR },
      ports: [{ name: "http", port, targetPort: "http", protocol: "TCP", appProtocol: "http" }],
    },
  };
}

/** CLU-04: voluntary disruptions (drains, upgrades) take down at most one replica at a time. */
export function buildPlatformApiDisruptionBudget(): k8s.types.input.policy.v1.PodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: PLATFORM_API_NAME, namespace: PLATFORM_API_NAMESPACE, labels: labels() },
    spec: { maxUnavailable: 1, selector: { matchLabels: { ...PLATFORM_API_SELECTOR } } },
  };
}
