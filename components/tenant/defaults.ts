/** Ports, names and sizes of an agent instance; the tests and the docs refer to these. */

/** The agent gateway listens here, on 127.0.0.1 only: nothing outside the pod reaches it (NET-06). */
export const AGENT_GATEWAY_PORT = 18789;
/** The auth-guard listens here, on 127.0.0.1; the sidecar's Envoy forwards verified traffic to it. */
export const AUTH_GUARD_PORT = 4180;
/** The tenant's egress proxy, the agent's only way out to HTTPS hosts (NET-07). */
export const EGRESS_PROXY_PORT = 3128;
/**
 * SEC-09: the proxy's TLS listener for the tenant's provider API, where it adds the key the agent
 * never holds; and the port Prometheus scrapes its counters from (the admin interface stays on
 * loopback, ENVOY_ADMIN_PORT).
 */
export const PROVIDER_PROXY_PORT = 8443;
export const EGRESS_PROXY_METRICS_PORT = 9902;
export const ENVOY_ADMIN_PORT = 9901;
/** The one resolver a tenant uses (NET-01): the egress proxy's, for the names it forwards to. */
export const PUBLIC_DNS_SERVER = "1.1.1.1";
/**
 * The agent's resolv.conf names loopback, where nothing listens: the agent has no DNS egress (its
 * proxy is addressed by IP and resolves names itself), and a lookup fails at once instead of waiting
 * out a timeout against a resolver the NetworkPolicy drops. `dnsPolicy: None` needs one nameserver.
 */
export const NO_RESOLVER = "127.0.0.1";

/** Envoy as the tenant's CONNECT proxy: it enforces the hostname allowlist. */
export const EGRESS_PROXY_IMAGE = "envoyproxy/envoy:v1.36.4";

/** Non-root ids: the OpenClaw image's `node` user, and unprivileged ids for the guard and proxy. */
export const AGENT_UID = 1000;
export const AUTH_GUARD_UID = 65532;
export const EGRESS_PROXY_UID = 101;

/**
 * What the platform adds to every tenant is requested at what it idles at, with room to burst up
 * to the limits (docs/decisions/tenant-overhead.md): oauth2-proxy and a static Envoy idle at tens
 * of MiB and a few millicores.
 */
export const AUTH_GUARD_RESOURCES = { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } };
export const EGRESS_PROXY_RESOURCES = { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "500m", memory: "256Mi" } };

/**
 * Where secrets are mounted in tenant containers: always as read-only files, never as environment
 * variables (the gVisor trace session streams every container's environment to the node monitor).
 * Outside /var/run/secrets, where RUN-04 reports reads as secret theft.
 */
export const AUTH_GUARD_SECRET_DIR = "/etc/auth-guard";
export const PROVIDER_KEY_DIR = "/etc/agent-platform/provider";
/** The key of the synced Secret holding the raw provider key, as stored in Vault. */
export const PROVIDER_KEY_FILE = "api-key";
/**
 * SEC-09: the key of the synced Secret holding the header value the proxy adds (the key with its
 * provider's prefix, rendered by the operator), and the file the proxy reads it from.
 */
export const PROVIDER_CREDENTIAL_FILE = "credential";
/** Where the proxy's serving certificate is mounted, and where the agent finds its tenant's CA. */
export const PROXY_TLS_DIR = "/etc/agent-platform/tls";
export const TENANT_CA_DIR = "/etc/agent-platform/tenant-ca";
/** The system CA bundle of the Envoy image (Ubuntu's ca-certificates), for the provider's certificate. */
export const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** Names inside every tenant namespace. */
export const NAMES = {
  agent: "agent",
  serviceAccount: "agent",
  egressProxy: "egress-proxy",
  aiProviderSecret: "ai-provider-key",
  authGuardSecret: "auth-guard",
  providerKeyVolume: "provider-key",
  /** SEC-09: the tenant's own CA (its key stays in tenantCaSecret) and the proxy's serving certificate. */
  tenantCaRootIssuer: "tenant-ca-root",
  tenantCaIssuer: "tenant-ca",
  tenantCaSecret: "tenant-ca",
  proxyTlsSecret: "egress-proxy-tls",
  proxyTlsVolume: "proxy-tls",
  tenantCaVolume: "tenant-ca-cert",
  workspaceVolume: "workspace",
  /**
   * The workspace claim: the name the StatefulSet's volumeClaimTemplate gave it before the claim
   * became a resource of its own, so an existing workspace is adopted, not recreated.
   */
  workspaceClaim: "workspace-agent-0",
} as const;
