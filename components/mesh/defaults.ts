/**
 * Every pinned version and tunable default of the mesh component lives here, so that the
 * component, its tests and the ADR agree on one value.
 */

/** Istio publishes base, istiod, cni and gateway from one repository; chart version = Istio version. */
export const ISTIO_CHART_REPO = "https://istio-release.storage.googleapis.com/charts";
/**
 * Istio 1.31.1 (2026-09-21), the newest patch of the newest minor found; 1.29 is end of life.
 * 1.28+ carries the gVisor iptables `comment` fix (istio/istio#57679) should a pod ever use capture.
 */
export const ISTIO_VERSION = "1.31.1";
/**
 * Where Istio's images come from, for istiod, the CNI agent and every injected sidecar: set
 * explicitly so the allowed-registries constraint holds whatever default a release ships with.
 */
export const ISTIO_HUB = "docker.io/istio";
/** The sidecar image the injector puts into every meshed pod, the gateway's included. */
export const ISTIO_PROXY_IMAGE = `${ISTIO_HUB}/proxyv2:${ISTIO_VERSION}`;

export const CERT_MANAGER_CHART_REPO = "https://charts.jetstack.io";
/** cert-manager keeps the `v` prefix in its chart versions; v1.21.0 panics on renewal policy `Disabled`. */
export const CERT_MANAGER_VERSION = "v1.21.2";

export interface ChartPin {
  /** The Helm release name; the gateway's pod labels are derived from it. */
  release: string;
  chart: string;
  version: string;
  repo: string;
}

/** Every chart the mesh installs, pinned. */
export const CHARTS: Record<"base" | "istiod" | "cni" | "gateway" | "certManager", ChartPin> = {
  base: { release: "istio-base", chart: "base", version: ISTIO_VERSION, repo: ISTIO_CHART_REPO },
  istiod: { release: "istiod", chart: "istiod", version: ISTIO_VERSION, repo: ISTIO_CHART_REPO },
  cni: { release: "istio-cni", chart: "cni", version: ISTIO_VERSION, repo: ISTIO_CHART_REPO },
  gateway: { release: "istio-ingressgateway", chart: "gateway", version: ISTIO_VERSION, repo: ISTIO_CHART_REPO },
  certManager: { release: "cert-manager", chart: "cert-manager", version: CERT_MANAGER_VERSION, repo: CERT_MANAGER_CHART_REPO },
};

/** Labels the gateway chart puts on its pods: the release name minus its `istio-` prefix. */
export const GATEWAY_SELECTOR = { istio: "ingressgateway" } as const;

/** The Istio Gateway (networking.istio.io) every public route binds to, as `<namespace>/<name>`. */
export const PUBLIC_GATEWAY_NAME = "public";

/** The Secret cert-manager writes and the gateway serves; it must live in the gateway's namespace. */
export const EDGE_TLS_SECRET = "platform-edge-tls";

export const ACME_PRODUCTION_SERVER = "https://acme-v02.api.letsencrypt.org/directory";
export const CLUSTER_ISSUER_NAME = "letsencrypt-production";

/** Let's Encrypt issues 90-day certificates; renewing 30 days early leaves two retry windows. */
export const CERTIFICATE_RENEW_BEFORE = "720h";

/**
 * Local rate limit per gateway pod (Envoy token buckets are per process): the effective limit is
 * this times the number of gateway replicas.
 */
export const GATEWAY_RATE_LIMIT = { maxTokens: 200, tokensPerFill: 200, fillInterval: "1s" } as const;

/** Response headers on every route through the public gateway (EDGE-04). */
export const SECURITY_HEADERS: Record<string, string> = {
  "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  // The platform API serves JSON only, so nothing may load, frame or submit from its responses.
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/** Three gateway replicas, one per zone, survive the loss of a zone with two left (CLU-05). */
export const GATEWAY_REPLICAS = { min: 3, max: 9 } as const;

export const GATEWAY_RESOURCES = {
  requests: { cpu: "250m", memory: "256Mi" },
  limits: { cpu: "2", memory: "1Gi" },
} as const;

export const ISTIOD_RESOURCES = {
  requests: { cpu: "500m", memory: "2Gi" },
  limits: { cpu: "2", memory: "4Gi" },
} as const;

/** ADM-03: the CNI node agent, and cert-manager's parts, whose charts set no limits. */
export const CNI_RESOURCES = { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "500m", memory: "256Mi" } } as const;
export const CERT_MANAGER_RESOURCES = {
  controller: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  webhook: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
  cainjector: { requests: { cpu: "20m", memory: "128Mi" }, limits: { cpu: "200m", memory: "512Mi" } },
  startupapicheck: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
} as const;

/** Default size of every injected sidecar but the agents'. */
export const PROXY_RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "1", memory: "512Mi" },
} as const;

/**
 * An agent's sidecar: one inbound route and istiod, a few requests a second, so it requests a
 * fifth of the default and keeps the default's limits for bursts (docs/decisions/tenant-overhead.md).
 * Set per pod through Istio's proxyCPU/proxyMemory annotations; the tenant quota charges it.
 */
export const AGENT_PROXY_RESOURCES = {
  requests: { cpu: "20m", memory: "64Mi" },
  limits: { cpu: "1", memory: "512Mi" },
} as const;

/** The platform API's contract with the platform: these paths answer 200 when alive and ready. */
export const PLATFORM_API_PROBES = { liveness: "/healthz", readiness: "/readyz" } as const;

/**
 * The platform API is the OIDC issuer of the tokens agents accept (`https://api.<domain>`). The
 * auth-guard is given these endpoints instead of discovering them, so it starts without the public
 * edge; the API must serve the JWKS at this path. Login and redeem are never used (every agent route
 * is an API route) but oauth2-proxy needs them when discovery is skipped.
 */
export const PLATFORM_API_OIDC = {
  jwksPath: "/.well-known/jwks.json",
  loginPath: "/oauth2/authorize",
  redeemPath: "/oauth2/token",
} as const;

/** The distroless `nonroot` user; explicit so runAsNonRoot holds even for an image without USER. */
export const PLATFORM_API_UID = 65532;

export const PLATFORM_API_RESOURCES = {
  requests: { cpu: "250m", memory: "256Mi" },
  limits: { cpu: "1", memory: "512Mi" },
} as const;
