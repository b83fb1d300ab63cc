import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { HELM_RELEASE, TENANT_PREFIX_SCHEMA, configOf, describe, forTypes, isTenantNamespace, namespaceOf } from "./k8s";

const PEER_AUTHENTICATION = "kubernetes:security.istio.io/v1:PeerAuthentication";
const AUTHORIZATION_POLICY = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
const GATEWAY_TYPES = ["v1", "v1beta1", "v1alpha3"].map((v) => `kubernetes:networking.istio.io/${v}:Gateway`);
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";

const ROOT_CONFIG = {
  properties: {
    rootNamespace: { type: "string" as const, default: "istio-system", description: "Istio's root namespace." },
  },
};

/** Whether this stack installs the mesh control plane; a tenant shard relies on the platform stack's. */
function declaresMesh(resources: PolicyResource[]): boolean {
  return resources.some((r) => r.type === HELM_RELEASE && r.props.chart === "istiod");
}

export const strictMtls: StackValidationPolicy = {
  name: "mesh-strict-mtls",
  description: "NET-08: mesh-wide STRICT mutual TLS from a PeerAuthentication in the root namespace, and no PeerAuthentication relaxes it.",
  enforcementLevel: "mandatory",
  configSchema: ROOT_CONFIG,
  validateStack: (args, report) => {
    const { rootNamespace } = configOf<{ rootNamespace: string }>(ROOT_CONFIG, args);
    const peers = args.resources.filter((r) => r.type === PEER_AUTHENTICATION);
    for (const peer of peers) {
      const modes = [peer.props.spec?.mtls?.mode, ...Object.values(peer.props.spec?.portLevelMtls ?? {}).map((p: any) => p?.mode)];
      const weak = modes.filter((m) => m !== undefined && m !== "STRICT" && m !== "UNSET");
      if (weak.length > 0) report(`${describe(peer.props)} sets mTLS mode ${weak.join(", ")}: use STRICT or leave the mode unset.`, peer.urn);
    }
    if (!declaresMesh(args.resources)) return;
    const meshWide = peers.some(
      (p) => namespaceOf(p.props) === rootNamespace && !p.props.spec?.selector && p.props.spec?.mtls?.mode === "STRICT",
    );
    if (!meshWide) {
      report(`No mesh-wide PeerAuthentication in ${rootNamespace}: declare one without a selector and spec.mtls.mode STRICT.`);
    }
  },
};

/** An ALLOW policy without rules allows nothing: the Istio idiom for deny-by-default. */
function allowsNothing(spec: any): boolean {
  return !spec?.selector && !spec?.targetRef && !spec?.targetRefs && (spec?.action ?? "ALLOW") === "ALLOW" && (spec?.rules ?? []).length === 0;
}

export const defaultDenyAuthz: StackValidationPolicy = {
  name: "mesh-default-deny-authz",
  description: "NET-09: an allow-nothing AuthorizationPolicy in the root namespace denies every request the mesh does not explicitly allow.",
  enforcementLevel: "mandatory",
  configSchema: ROOT_CONFIG,
  validateStack: (args, report) => {
    const { rootNamespace } = configOf<{ rootNamespace: string }>(ROOT_CONFIG, args);
    if (!declaresMesh(args.resources)) args.notApplicable("the stack does not install istiod");
    const present = args.resources.some(
      (r) => r.type === AUTHORIZATION_POLICY && namespaceOf(r.props) === rootNamespace && allowsNothing(r.props.spec),
    );
    if (!present) report(`No allow-nothing AuthorizationPolicy in ${rootNamespace}: declare one with spec: {} to deny by default.`);
  },
};

const CALLERS_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    agentCallers: {
      type: "array" as const,
      items: { type: "string" as const },
      default: ["cluster.local/ns/platform-api/sa/platform-api"],
      description: "Principals (the control plane) that may call agent pods.",
    },
    platformApiNamespace: { type: "string" as const, default: "platform-api", description: "Namespace of the platform API." },
    apiCallers: {
      type: "array" as const,
      items: { type: "string" as const },
      default: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"],
      description: "Principals (the ingress gateway) that may call the platform API.",
    },
  },
};
type CallersConfig = { tenantNamespacePrefix: string; agentCallers: string[]; platformApiNamespace: string; apiCallers: string[] };

export const authzCallers: ResourceValidationPolicy = {
  name: "mesh-authz-callers",
  description: "NET-09: only the control plane may call agent pods and only the ingress gateway may call the platform API.",
  enforcementLevel: "mandatory",
  configSchema: CALLERS_CONFIG,
  validateResource: forTypes([AUTHORIZATION_POLICY], (props, args, report) => {
    const config = configOf<CallersConfig>(CALLERS_CONFIG, args);
    const namespace = namespaceOf(props);
    const allowed = isTenantNamespace(namespace, config.tenantNamespacePrefix)
      ? config.agentCallers
      : namespace === config.platformApiNamespace
        ? config.apiCallers
        : undefined;
    if (!allowed) args.notApplicable("neither a tenant nor the platform API namespace");
    if ((props.spec?.action ?? "ALLOW") !== "ALLOW") return;
    ((props.spec?.rules ?? []) as any[]).forEach((rule, i) => {
      const sources: any[] = (rule?.from ?? []).map((f: any) => f?.source ?? {});
      // A source without principals matches callers by namespace or IP, which a peer can share.
      const open = sources.length === 0 || sources.some((s) => (s.principals ?? []).length === 0);
      const foreign = sources.flatMap((s) => (s.principals ?? []) as string[]).filter((p) => !allowed!.includes(p));
      if (open || foreign.length > 0) {
        report(`${describe(props)} rule ${i + 1} admits ${open ? "callers not named by principal" : foreign.join(", ")}: allow only principals ${allowed!.join(", ")}.`);
      }
    });
  }),
};

export const edgeTls13: ResourceValidationPolicy = {
  name: "edge-tls13",
  description: "EDGE-01: the ingress gateway terminates TLS with at least TLS 1.3, and plain HTTP only redirects to HTTPS.",
  enforcementLevel: "mandatory",
  validateResource: forTypes(GATEWAY_TYPES, (props, _args, report) => {
    for (const server of (props.spec?.servers ?? []) as any[]) {
      const protocol = String(server?.port?.protocol ?? "").toUpperCase();
      const at = `${describe(props)} server ${server?.port?.name ?? server?.port?.number}`;
      if (protocol === "HTTPS" || protocol === "TLS") {
        if (server?.tls?.mode === "PASSTHROUGH" || server?.tls?.mode === "AUTO_PASSTHROUGH") {
          report(`${at} passes TLS through: terminate it at the gateway with tls.mode SIMPLE and minProtocolVersion TLSV1_3.`);
        } else if (server?.tls?.minProtocolVersion !== "TLSV1_3") {
          report(`${at} accepts TLS below 1.3: set tls.minProtocolVersion: TLSV1_3.`);
        }
      } else if (protocol === "HTTP") {
        if (server?.tls?.httpsRedirect !== true) report(`${at} serves plain HTTP: set tls.httpsRedirect: true.`);
      } else {
        report(`${at} serves ${protocol || "an unknown protocol"} without TLS: use HTTPS with minProtocolVersion TLSV1_3.`);
      }
    }
  }),
};

const CERT_CONFIG = {
  properties: {
    acmeServers: {
      type: "array" as const,
      items: { type: "string" as const },
      default: ["https://acme-v02.api.letsencrypt.org/directory"],
      description: "ACME directories edge certificates may come from (Let's Encrypt production).",
    },
  },
};

export const edgeCertificates: StackValidationPolicy = {
  name: "edge-certificates",
  description: "EDGE-02: every gateway TLS secret is a cert-manager Certificate with an ECDSA P-256 key from a Let's Encrypt ACME issuer.",
  enforcementLevel: "mandatory",
  configSchema: CERT_CONFIG,
  validateStack: (args, report) => {
    const { acmeServers } = configOf<{ acmeServers: string[] }>(CERT_CONFIG, args);
    for (const gateway of args.resources.filter((r) => GATEWAY_TYPES.includes(r.type))) {
      const namespace = namespaceOf(gateway.props);
      for (const server of (gateway.props.spec?.servers ?? []) as any[]) {
        const secretName = server?.tls?.credentialName;
        if (!secretName) continue;
        const cert = args.resources.find((r) => r.type === CERTIFICATE && namespaceOf(r.props) === namespace && r.props.spec?.secretName === secretName);
        if (!cert) {
          report(`${describe(gateway.props)} serves ${secretName}, which no cert-manager Certificate in ${namespace} issues: declare one.`, gateway.urn);
          continue;
        }
        const key = cert.props.spec?.privateKey ?? {};
        if (key.algorithm !== "ECDSA" || Number(key.size) !== 256) {
          report(`${describe(cert.props)} uses a ${key.algorithm ?? "RSA"} ${key.size ?? "default"} key: set privateKey algorithm ECDSA, size 256.`, cert.urn);
        }
        const ref = cert.props.spec?.issuerRef ?? {};
        const issuer = args.resources.find(
          (r) =>
            r.props.metadata?.name === ref.name &&
            ((ref.kind === "ClusterIssuer" && r.type === "kubernetes:cert-manager.io/v1:ClusterIssuer") ||
              ((ref.kind ?? "Issuer") === "Issuer" && r.type === "kubernetes:cert-manager.io/v1:Issuer" && namespaceOf(r.props) === namespace)),
        );
        if (!issuer || !acmeServers.includes(issuer.props.spec?.acme?.server)) {
          report(`${describe(cert.props)} is issued by ${ref.kind ?? "Issuer"} ${ref.name}, not a Let's Encrypt ACME issuer in this stack: use one with acme.server ${acmeServers[0]}.`, cert.urn);
        }
      }
    }
  },
};

/**
 * The injected sidecar drops ALL capabilities unless global.proxy.privileged is set; without the
 * CNI plugin every pod also gets the istio-init container, which adds NET_ADMIN and NET_RAW.
 */
export const sidecarCapabilities: ResourceValidationPolicy = {
  name: "mesh-sidecar-no-capabilities",
  description: "ISO-07: injected Istio sidecars keep all capabilities dropped: the CNI plugin replaces istio-init (NET_ADMIN, NET_RAW) and the proxy is not privileged.",
  enforcementLevel: "mandatory",
  validateResource: forTypes([HELM_RELEASE], (props, args, report) => {
    if (props.chart !== "istiod") args.notApplicable("not the istiod chart");
    const values = props.values ?? {};
    const at = `Helm release ${props.name ?? args.name} (istiod)`;
    if (values.pilot?.cni?.enabled !== true && values.istio_cni?.enabled !== true) {
      report(`${at} injects istio-init with NET_ADMIN and NET_RAW: set pilot.cni.enabled: true and install the istio-cni chart.`);
    }
    if (values.global?.proxy?.privileged === true) report(`${at} runs privileged sidecars: remove global.proxy.privileged.`);
  }),
};

export const MESH_POLICIES = [strictMtls, defaultDenyAuthz, authzCallers, edgeTls13, edgeCertificates, sidecarCapabilities];
