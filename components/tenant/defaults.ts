/** Ports, names and sizes of an agent instance; the tests and the docs refer to these. */

/** The agent gateway listens here, on 127.0.0.1 only: nothing outside the pod reaches it (NET-06). */
export const AGENT_GATEWAY_PORT = 18789;
/** The auth-guard listens here, on 127.0.0.1; the sidecar's Envoy forwards verified traffic to it. */
export const AUTH_GUARD_PORT = 4180;
/** The tenant's egress proxy, the agent's only way out to HTTPS hosts (NET-07). */
export const EGRESS_PROXY_PORT = 3128;
/** The only resolver agents may use (NET-01). */
export const PUBLIC_DNS_SERVER = "1.1.1.1";

/**
 * Every range that is not the public internet: RFC 1918 (NET-05), link-local with the cloud metadata
 * service (NET-03), loopback, carrier-grade NAT, and the reserved blocks.
 */
export const NON_PUBLIC_RANGES = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
];

/** Envoy as the tenant's CONNECT proxy: it enforces the hostname allowlist. */
export const EGRESS_PROXY_IMAGE = "envoyproxy/envoy:v1.36.4";

/** Non-root ids: the OpenClaw image's `node` user, and unprivileged ids for the guard and proxy. */
export const AGENT_UID = 1000;
export const AUTH_GUARD_UID = 65532;
export const EGRESS_PROXY_UID = 101;

export const AUTH_GUARD_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } };
export const EGRESS_PROXY_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };

/**
 * Where secrets are mounted in tenant containers: always as read-only files, never as environment
 * variables (the gVisor trace session streams every container's environment to the node monitor).
 * Outside /var/run/secrets, where RUN-04 reports reads as secret theft.
 */
export const AUTH_GUARD_SECRET_DIR = "/etc/auth-guard";
export const PROVIDER_KEY_DIR = "/etc/agent-platform/provider";
/** The file name of the provider key inside PROVIDER_KEY_DIR (the key of the synced Secret). */
export const PROVIDER_KEY_FILE = "api-key";

/** Names inside every tenant namespace. */
export const NAMES = {
  agent: "agent",
  serviceAccount: "agent",
  egressProxy: "egress-proxy",
  aiProviderSecret: "ai-provider-key",
  authGuardSecret: "auth-guard",
  providerKeyVolume: "provider-key",
  workspaceVolume: "workspace",
} as const;
