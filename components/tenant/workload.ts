import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ModelProvider } from "../../config/defaults";
import { TENANT_PLANS } from "../../config/defaults";
import type { TenantConfig } from "../../config/schema";
import { AGENT_INBOUND_PORT, AGENT_INBOUND_PORT_NAME, AGENT_POD_ANNOTATIONS, AGENT_WORKLOAD_LABELS } from "../mesh/identities";

/** Where the injected sidecar dials its control plane (Istio's default discovery address). */
export const ISTIOD_HOST = "istiod.istio-system.svc";
import { standardLabels } from "../shared/labels";
import { VAULT_CONFIG } from "../vault/defaults";
import { AGENT_GATEWAY_PORT, AGENT_UID, AUTH_GUARD_PORT, AUTH_GUARD_RESOURCES, NAMES } from "./defaults";
import { hardenedContainerSecurity, sandboxedPodBasics } from "./security";

type PodSpec = k8s.types.input.core.v1.PodSpec;

/** The environment variable each provider's SDK reads its key from. */
export const API_KEY_ENV: Record<ModelProvider, string> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  google: "GEMINI_API_KEY",
  mistral: "MISTRAL_API_KEY",
  openrouter: "OPENROUTER_API_KEY",
  "azure-openai": "AZURE_OPENAI_API_KEY",
};

export interface AgentPodArgs {
  namespace: string;
  tenant: TenantConfig;
  images: { gateway: string; authGuard: string };
  /** Issuer of the tokens the auth-guard accepts: the platform API. */
  platformApiHost: string;
  runtimeClassName: string;
  /** `http://<ClusterIP>:3128` of the tenant's egress proxy: agents have no cluster DNS to find it by name. */
  egressProxyUrl: pulumi.Input<string>;
  /** istiod's ClusterIP: the sidecar finds its control plane by name, which 1.1.1.1 cannot resolve. */
  istiodAddress: pulumi.Input<string>;
}

/** The audience a token must carry to reach this tenant's agent: a token for one tenant opens no other. */
export function tokenAudience(tenantId: string): string {
  return `agent-${tenantId}`;
}

/**
 * AUTH-01: oauth2-proxy in front of the gateway. It accepts only bearer JWTs issued by the platform
 * API for this tenant's audience and forwards them to the gateway on loopback.
 */
export function authGuardArgs(tenantId: string, platformApiHost: string): string[] {
  const issuer = `https://${platformApiHost}`;
  return [
    `--http-address=127.0.0.1:${AUTH_GUARD_PORT}`,
    `--upstream=http://127.0.0.1:${AGENT_GATEWAY_PORT}/`,
    "--provider=oidc",
    `--oidc-issuer-url=${issuer}`,
    `--client-id=${tokenAudience(tenantId)}`,
    "--skip-jwt-bearer-tokens=true",
    `--extra-jwt-issuers=${issuer}=${tokenAudience(tenantId)}`,
    // Every path is an API path: answer 401 instead of redirecting to a login page.
    "--api-route=^/",
    "--email-domain=*",
    "--reverse-proxy=true",
    "--skip-provider-button=true",
    "--cookie-secure=true",
    "--silence-ping-logging=true",
  ];
}

/** The gateway gets its plan's limits; it requests a quarter of the CPU, since agents mostly wait. */
export function gatewayResources(tenant: TenantConfig): { requests: Record<string, string>; limits: Record<string, string> } {
  const plan = TENANT_PLANS[tenant.plan];
  return { requests: { cpu: scaleCpu(plan.cpu, 0.25), memory: plan.memory }, limits: { cpu: plan.cpu, memory: plan.memory } };
}

/**
 * RUN-08: the gVisor monitor learns which pod, namespace and container a sandboxed process
 * belongs to from the environment its container started with (the trace session sends it); the
 * Istio sidecar sets POD_NAME and POD_NAMESPACE itself.
 */
export function monitorAttributionEnv(container: string, image: string): k8s.types.input.core.v1.EnvVar[] {
  return [
    { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "AGENT_PLATFORM_CONTAINER", value: container },
    { name: "AGENT_PLATFORM_IMAGE", value: image },
  ];
}

export function buildAgentPodSpec(args: AgentPodArgs): PodSpec {
  const proxyEnv = ["HTTPS_PROXY", "HTTP_PROXY"].map((name) => ({ name, value: args.egressProxyUrl }));
  return {
    ...sandboxedPodBasics(args.runtimeClassName, AGENT_UID),
    serviceAccountName: NAMES.serviceAccount,
    terminationGracePeriodSeconds: 30,
    // The one cluster name the pod knows, for the sidecar only; certificate checks still use the name.
    hostAliases: [{ ip: args.istiodAddress, hostnames: [ISTIOD_HOST] }],
    containers: [
      {
        name: "gateway",
        image: args.images.gateway,
        // The gateway binds loopback only: the sole way in is Envoy -> auth-guard (NET-06).
        args: ["gateway", "--bind", "loopback", "--port", String(AGENT_GATEWAY_PORT)],
        env: [
          ...monitorAttributionEnv("gateway", args.images.gateway),
          { name: "HOME", value: "/home/node" },
          ...proxyEnv,
          { name: "NO_PROXY", value: "127.0.0.1,localhost" },
          // Node's fetch ignores HTTPS_PROXY unless asked to honour it.
          { name: "NODE_USE_ENV_PROXY", value: "1" },
          {
            name: API_KEY_ENV[args.tenant.modelProvider],
            // Optional: until Vault is configured and the key stored, the Secret does not exist and the
            // agent starts without it; the operator restarts the agent when the Secret appears.
            valueFrom: { secretKeyRef: { name: VAULT_CONFIG.aiProviderSecretName, key: "api-key", optional: true } },
          },
        ],
        resources: gatewayResources(args.tenant),
        // The agent installs packages and writes files (seed 000): its root filesystem stays writable.
        securityContext: { ...hardenedContainerSecurity(), readOnlyRootFilesystem: false },
        volumeMounts: [{ name: NAMES.workspaceVolume, mountPath: "/home/node" }],
      },
      {
        name: "auth-guard",
        image: args.images.authGuard,
        args: authGuardArgs(args.tenant.id, args.platformApiHost),
        env: [
          ...monitorAttributionEnv("auth-guard", args.images.authGuard),
          ...proxyEnv,
          { name: "NO_PROXY", value: "127.0.0.1,localhost" },
          { name: "OAUTH2_PROXY_COOKIE_SECRET", valueFrom: { secretKeyRef: { name: NAMES.authGuardSecret, key: "cookie-secret" } } },
          // oauth2-proxy refuses to start an OIDC provider without one; with every route an API
          // route there is no login flow, so it is never sent anywhere.
          { name: "OAUTH2_PROXY_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: NAMES.authGuardSecret, key: "client-secret" } } },
        ],
        resources: AUTH_GUARD_RESOURCES,
        // AUTH-02: read-only root filesystem and every capability dropped.
        securityContext: { ...hardenedContainerSecurity(), readOnlyRootFilesystem: true },
        readinessProbe: { httpGet: { path: "/ping", port: AUTH_GUARD_PORT }, periodSeconds: 10 },
        livenessProbe: { httpGet: { path: "/ping", port: AUTH_GUARD_PORT }, periodSeconds: 20 },
      },
    ],
  };
}

function scaleCpu(cpu: string, factor: number): string {
  const millicores = cpu.endsWith("m") ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
  return `${Math.max(50, Math.round(millicores * factor))}m`;
}

export function buildAgentStatefulSet(args: AgentPodArgs, storageClassName?: string): k8s.types.input.apps.v1.StatefulSet {
  const labels = { ...standardLabels(NAMES.agent, "agent"), ...AGENT_WORKLOAD_LABELS };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: NAMES.agent, namespace: args.namespace, labels },
    spec: {
      serviceName: NAMES.agent,
      replicas: 1,
      selector: { matchLabels: { ...AGENT_WORKLOAD_LABELS } },
      template: { metadata: { labels, annotations: { ...AGENT_POD_ANNOTATIONS } }, spec: buildAgentPodSpec(args) },
      volumeClaimTemplates: [
        {
          metadata: { name: NAMES.workspaceVolume, labels: standardLabels(NAMES.agent, "workspace") },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(storageClassName ? { storageClassName } : {}),
            resources: { requests: { storage: args.tenant.storage } },
          },
        },
      ],
      // Keep the workspace when the instance is scaled down or deleted (SEC-07).
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    },
  };
}

/** The agent's Service: the sidecar's inbound port only; 18789 and the guard stay inside the pod. */
export function buildAgentService(namespace: string): k8s.types.input.core.v1.Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: NAMES.agent, namespace, labels: standardLabels(NAMES.agent, "agent") },
    spec: {
      type: "ClusterIP",
      selector: { ...AGENT_WORKLOAD_LABELS },
      ports: [{ name: AGENT_INBOUND_PORT_NAME, port: AGENT_INBOUND_PORT, targetPort: AGENT_INBOUND_PORT }],
    },
  };
}

export function buildServiceAccount(namespace: string): k8s.types.input.core.v1.ServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: NAMES.serviceAccount, namespace, labels: standardLabels(NAMES.agent, "agent") },
    // ISO-09: no token is mounted unless a pod asks, and tenant pods never do.
    automountServiceAccountToken: false,
  };
}
