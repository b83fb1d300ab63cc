import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { TENANT_PLANS } from "../../config/defaults";
import type { TenantConfig } from "../../config/schema";
import { PLATFORM_API_OIDC } from "../mesh/defaults";
import { AGENT_INBOUND_PORT, AGENT_INBOUND_PORT_NAME, AGENT_POD_ANNOTATIONS, AGENT_WORKLOAD_LABELS } from "../mesh/identities";
import { standardLabels } from "../shared/labels";
import {
  AGENT_GATEWAY_PORT,
  AGENT_UID,
  AUTH_GUARD_PORT,
  AUTH_GUARD_RESOURCES,
  AUTH_GUARD_SECRET_DIR,
  NAMES,
  NO_RESOLVER,
  TENANT_CA_DIR,
} from "./defaults";
import { providerEndpointEnv, proxyHostName } from "./provider";
import { hardenedContainerSecurity, monitorAttributionEnv, sandboxedPodBasics } from "./security";

/** Where the injected sidecar dials its control plane (Istio's default discovery address). */
export const ISTIOD_HOST = "istiod.istio-system.svc";

type PodSpec = k8s.types.input.core.v1.PodSpec;

/** Secret files are readable by the pod's group (fsGroup) only, never written. */
const SECRET_FILE_MODE = 0o440;

export interface AgentPodArgs {
  namespace: string;
  tenant: TenantConfig;
  images: { gateway: string; authGuard: string };
  /** Issuer of the tokens the auth-guard accepts: the platform API. */
  platformApiHost: string;
  runtimeClassName: string;
  /** `http://<ClusterIP>:3128` of the tenant's egress proxy: agents have no cluster DNS to find it by name. */
  egressProxyUrl: pulumi.Input<string>;
  /** The proxy's ClusterIP, which the agent reaches its provider endpoint at by a host alias (SEC-09). */
  egressProxyAddress: pulumi.Input<string>;
  /** istiod's ClusterIP: the sidecar finds its control plane by name, and the pod has no resolver. */
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
    // Issuer, audience (the client id) and signature are still checked on every token; only the
    // discovery document is not fetched, so the guard starts while the public edge is down. The
    // JWKS is fetched on the first verification. No --extra-jwt-issuers: each would be discovered.
    `--oidc-issuer-url=${issuer}`,
    "--skip-oidc-discovery=true",
    `--oidc-jwks-url=${issuer}${PLATFORM_API_OIDC.jwksPath}`,
    `--login-url=${issuer}${PLATFORM_API_OIDC.loginPath}`,
    `--redeem-url=${issuer}${PLATFORM_API_OIDC.redeemPath}`,
    `--client-id=${tokenAudience(tenantId)}`,
    `--client-secret-file=${AUTH_GUARD_SECRET_DIR}/client-secret`,
    `--cookie-secret-file=${AUTH_GUARD_SECRET_DIR}/cookie-secret`,
    "--skip-jwt-bearer-tokens=true",
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

export function buildAgentPodSpec(args: AgentPodArgs): PodSpec {
  const proxyEnv = ["HTTPS_PROXY", "HTTP_PROXY"].map((name) => ({ name, value: args.egressProxyUrl }));
  return {
    ...sandboxedPodBasics(args.runtimeClassName, AGENT_UID, NO_RESOLVER),
    serviceAccountName: NAMES.serviceAccount,
    terminationGracePeriodSeconds: 30,
    // The cluster names the pod knows: istiod for the sidecar, and its proxy's provider endpoint
    // (SEC-09); certificate checks still use the names.
    hostAliases: [
      { ip: args.istiodAddress, hostnames: [ISTIOD_HOST] },
      { ip: args.egressProxyAddress, hostnames: [proxyHostName(args.namespace)] },
    ],
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
          // The provider endpoint is the proxy itself, called directly rather than through a tunnel.
          { name: "NO_PROXY", value: `127.0.0.1,localhost,${proxyHostName(args.namespace)}` },
          // Node's fetch ignores HTTPS_PROXY unless asked to honour it.
          { name: "NODE_USE_ENV_PROXY", value: "1" },
          // SEC-09: where the provider is and which CA to trust; the key stays with the proxy.
          ...providerEndpointEnv(args.tenant, args.namespace),
        ],
        resources: gatewayResources(args.tenant),
        // The agent installs packages and writes files (seed 000): its root filesystem stays writable.
        securityContext: { ...hardenedContainerSecurity(), readOnlyRootFilesystem: false },
        volumeMounts: [
          { name: NAMES.workspaceVolume, mountPath: "/home/node" },
          { name: NAMES.tenantCaVolume, mountPath: TENANT_CA_DIR, readOnly: true },
        ],
      },
      {
        name: "auth-guard",
        image: args.images.authGuard,
        args: authGuardArgs(args.tenant.id, args.platformApiHost),
        env: [
          ...monitorAttributionEnv("auth-guard", args.images.authGuard),
          ...proxyEnv,
          { name: "NO_PROXY", value: "127.0.0.1,localhost" },
        ],
        resources: AUTH_GUARD_RESOURCES,
        // AUTH-02: read-only root filesystem and every capability dropped.
        securityContext: { ...hardenedContainerSecurity(), readOnlyRootFilesystem: true },
        // The cookie secret, and the client secret oauth2-proxy refuses to start an OIDC provider
        // without (with every route an API route there is no login flow, so it is never sent).
        volumeMounts: [{ name: NAMES.authGuardSecret, mountPath: AUTH_GUARD_SECRET_DIR, readOnly: true }],
        readinessProbe: { httpGet: { path: "/ping", port: AUTH_GUARD_PORT }, periodSeconds: 10 },
        livenessProbe: { httpGet: { path: "/ping", port: AUTH_GUARD_PORT }, periodSeconds: 20 },
      },
    ],
    volumes: [
      // SEC-09: only the tenant CA's certificate, from the proxy's certificate Secret; neither the
      // proxy's key nor the CA's, which stays in a Secret no agent pod may mount.
      {
        name: NAMES.tenantCaVolume,
        secret: { secretName: NAMES.proxyTlsSecret, defaultMode: 0o444, items: [{ key: "ca.crt", path: "ca.crt" }] },
      },
      {
        name: NAMES.authGuardSecret,
        secret: {
          secretName: NAMES.authGuardSecret,
          defaultMode: SECRET_FILE_MODE,
          items: [
            { key: "client-secret", path: "client-secret" },
            { key: "cookie-secret", path: "cookie-secret" },
          ],
        },
      },
    ],
  };
}

function scaleCpu(cpu: string, factor: number): string {
  const millicores = cpu.endsWith("m") ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
  return `${Math.max(50, Math.round(millicores * factor))}m`;
}

/**
 * The agent's workspace (ISO-13, SEC-07): a claim of its own rather than a volumeClaimTemplate,
 * which Kubernetes forbids changing, so a bigger plan grows it in place (the StorageClass allows
 * expansion) instead of replacing the agent. The tenant component keeps it when the tenant is
 * removed from the configuration (docs/decisions/tenant-offboarding.md).
 */
export function buildWorkspaceClaim(namespace: string, storage: string, storageClassName?: string): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: NAMES.workspaceClaim, namespace, labels: standardLabels(NAMES.agent, "workspace") },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(storageClassName ? { storageClassName } : {}),
      resources: { requests: { storage } },
    },
  };
}

export function buildAgentStatefulSet(args: AgentPodArgs, replicas = 1): k8s.types.input.apps.v1.StatefulSet {
  const labels = { ...standardLabels(NAMES.agent, "agent"), ...AGENT_WORKLOAD_LABELS };
  const pod = buildAgentPodSpec(args);
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: NAMES.agent, namespace: args.namespace, labels },
    spec: {
      serviceName: NAMES.agent,
      replicas,
      selector: { matchLabels: { ...AGENT_WORKLOAD_LABELS } },
      template: {
        metadata: { labels, annotations: { ...AGENT_POD_ANNOTATIONS } },
        spec: {
          ...pod,
          volumes: [{ name: NAMES.workspaceVolume, persistentVolumeClaim: { claimName: NAMES.workspaceClaim } }, ...(pod.volumes as k8s.types.input.core.v1.Volume[])],
        },
      },
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
