/**
 * The connectivity the platform is meant to have, flow by flow, each with its reason: the
 * specification the analyser's answer is compared with (docs/decisions/network-policies.md). It is
 * written from what each component needs, not from the policies; a policy that opens more, or
 * less, than this fails the proof.
 *
 * Endpoints are workloads as the analyser names them (`namespace/name[Kind]`) or named address sets.
 */
import { AnalyzedConnection, Interval, addressSet, formatAddress } from "./analyzer";

export interface Flow {
  /** Why the flow exists. */
  why: string;
  from: string;
  to: string;
  /** As the analyser writes connections: `TCP 53,UDP 53`. */
  conn: string;
}

/** The addresses of the prod stack's cluster that the policies name. */
export interface AddressFacts {
  /** The `kubernetes` Service's ClusterIP. */
  apiServer: string;
  /** The private subnets: nodes, pods and the API server's ENIs. */
  nodeNetwork: string[];
  vpcResolver: string;
  /** The private subnets, where the database and Redis have their addresses (components/data/network.ts privateBlocks). */
  dataTier?: { cidr: string; except: string[] };
}

/** Everything that is not the public internet (RFC 1918, 6598, 5735/6890 and link-local). */
const NOT_PUBLIC = [
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

export function namedSets(facts: AddressFacts): Record<string, Interval[]> {
  return {
    internet: addressSet(["0.0.0.0/0"]),
    "public-internet": addressSet(["0.0.0.0/0"], NOT_PUBLIC),
    "cloudflare-dns": addressSet(["1.1.1.1/32"]),
    "kube-apiserver": addressSet([`${facts.apiServer}/32`]),
    "node-network": addressSet(facts.nodeNetwork),
    "vpc-resolver": addressSet([`${facts.vpcResolver}/32`]),
    "pod-identity-agent": addressSet(["169.254.170.23/32"]),
    ...(facts.dataTier ? { "data-tier": addressSet([facts.dataTier.cidr], facts.dataTier.except) } : {}),
  };
}

export const W = {
  istiod: "istio-system/istiod[Deployment]",
  cni: "istio-system/istio-cni-node[DaemonSet]",
  gateway: "istio-ingress/istio-ingressgateway[Deployment]",
  certManager: "cert-manager/cert-manager[Deployment]",
  cainjector: "cert-manager/cert-manager-cainjector[Deployment]",
  certWebhook: "cert-manager/cert-manager-webhook[Deployment]",
  startupApiCheck: "cert-manager/cert-manager-startupapicheck[Job]",
  platformApi: "platform-api/platform-api[Deployment]",
  vault: "vault/vault[StatefulSet]",
  snapshot: "vault/vault-snapshot[CronJob]",
  vso: "vault-secrets-operator/vault-secrets-operator-controller-manager[Deployment]",
  vsoUpgradeCrds: "vault-secrets-operator/upgrade-crds-vault-secrets-operator[Job]",
  vsoCleanup: "vault-secrets-operator/pdcc-vault-secrets-operator[Job]",
  operator: "monitoring/kube-prometheus-stack-operator[Deployment]",
  kubeStateMetrics: "monitoring/kube-prometheus-stack-kube-state-metrics[Deployment]",
  prometheus: "monitoring/prometheus-kube-prometheus-stack-prometheus[StatefulSet]",
  alertmanager: "monitoring/alertmanager-kube-prometheus-stack-alertmanager[StatefulSet]",
  admissionCreate: "monitoring/kube-prometheus-stack-admission-create[Job]",
  admissionPatch: "monitoring/kube-prometheus-stack-admission-patch[Job]",
  falco: "falco/falco[DaemonSet]",
  sidekick: "falco/falco-falcosidekick[Deployment]",
  gvisorMonitor: "falco/gvisor-monitor[DaemonSet]",
  gatekeeper: "gatekeeper-system/gatekeeper-controller-manager[Deployment]",
  gatekeeperAudit: "gatekeeper-system/gatekeeper-audit[Deployment]",
  gatekeeperCrds: "gatekeeper-system/gatekeeper-update-crds-hook[Job]",
  gatekeeperProbe: "gatekeeper-system/gatekeeper-probe-webhook-post-install[Job]",
  coredns: "kube-system/coredns[Deployment]",
  ebsController: "kube-system/ebs-csi-controller[Deployment]",
  ebsNode: "kube-system/ebs-csi-node[DaemonSet]",
  unlisted: (namespace: string) => `${namespace}/unlisted[Deployment]`,
  agent: (tenant: string) => `tenant-${tenant}/agent[StatefulSet]`,
  egressProxy: (tenant: string) => `tenant-${tenant}/egress-proxy[Deployment]`,
} as const;

const f = (why: string, from: string, to: string, conn: string): Flow => ({ why, from, to, conn });
const HTTPS = "TCP 443";
const DNS = "TCP 53,UDP 53";

/** Into a tenant: the platform API on the auth port, Prometheus on the sidecar's metrics port. Out: proxy, istiod, and from the proxy 443. */
export function tenantFlows(tenant: string): Flow[] {
  const agent = W.agent(tenant);
  const proxy = W.egressProxy(tenant);
  return [
    f("the platform API calls the agent through its sidecar's mTLS port (auth-guard behind it)", W.platformApi, agent, "TCP 8443"),
    f("Prometheus reads the agent sidecar's merged metrics", W.prometheus, agent, "TCP 15020"),
    f("the agent's only way out: HTTP CONNECT to its own egress proxy, and its provider endpoint there (SEC-09)", agent, proxy, "TCP 3128,8443"),
    f("Prometheus reads the egress proxy's counters, the provider budget among them", W.prometheus, proxy, "TCP 9902"),
    f("the agent pod's sidecar fetches xDS and its certificate (documented exception, 15012 only)", agent, W.istiod, "TCP 15012"),
    f("the egress proxy opens allowed tunnels to public HTTPS only", proxy, "public-internet", HTTPS),
    f("the egress proxy resolves its allowed hosts at 1.1.1.1", proxy, "cloudflare-dns", DNS),
  ];
}

const toApi = (why: string, from: string) => f(`${why} (through the kubernetes Service)`, from, "kube-apiserver", HTTPS);

export const PLATFORM_FLOWS: Flow[] = [
  // The mesh and the edge.
  f("the platform API's sidecar fetches xDS and its certificate", W.platformApi, W.istiod, "TCP 15012"),
  f("the gateway fetches xDS and its certificate", W.gateway, W.istiod, "TCP 15012"),
  f("the API server calls istiod's injection and validation webhooks", "node-network", W.istiod, "TCP 15017"),
  f("Prometheus reads istiod's metrics", W.prometheus, W.istiod, "TCP 15014"),
  toApi("istiod watches the mesh's resources", W.istiod),
  toApi("the CNI agent watches its node's pods", W.cni),
  f("the internet reaches the gateway through the NLB", "internet", W.gateway, "TCP 80,443"),
  f("Prometheus reads the gateway's merged metrics", W.prometheus, W.gateway, "TCP 15020"),
  f("the gateway routes api.<domain> to the platform API", W.gateway, W.platformApi, "TCP 8080"),
  f("Prometheus reads the platform API sidecar's merged metrics", W.prometheus, W.platformApi, "TCP 15020"),
  f("the platform API uses Transit and its secrets", W.platformApi, W.vault, "TCP 8200"),
  f("the platform API reaches PostgreSQL and Valkey in the private subnets (DATA-04; the stores' security groups admit its pods alone)", W.platformApi, "data-tier", "TCP 5432,6379"),
  f("the platform API gets its Pod Identity credentials, which sign its database and Redis IAM tokens", W.platformApi, "pod-identity-agent", "TCP 80"),
  toApi("cert-manager manages Certificates and challenges", W.certManager),
  f("cert-manager talks ACME to Let's Encrypt, DNS-01 to Route 53, and STS", W.certManager, "public-internet", HTTPS),
  f("cert-manager gets its Pod Identity credentials", W.certManager, "pod-identity-agent", "TCP 80"),
  f("the API server calls cert-manager's webhook", "node-network", W.certWebhook, "TCP 10250"),
  toApi("the webhook keeps its serving certificate", W.certWebhook),
  toApi("the CA injector patches webhook configurations", W.cainjector),
  toApi("startupapicheck waits for the webhook", W.startupApiCheck),
  // Vault and its operator.
  f("the Secrets Operator syncs agents' keys", W.vso, W.vault, "TCP 8200"),
  toApi("the Secrets Operator requests tokens and writes Secrets", W.vso),
  toApi("the operator's CRD upgrade hook", W.vsoUpgradeCrds),
  toApi("the operator's pre-delete cleanup hook", W.vsoCleanup),
  f("the snapshot job saves a snapshot from the leader", W.snapshot, W.vault, "TCP 8200"),
  f("the snapshot job uploads to S3", W.snapshot, "public-internet", HTTPS),
  f("the snapshot job gets its Pod Identity credentials", W.snapshot, "pod-identity-agent", "TCP 80"),
  f("Prometheus reads Vault's telemetry", W.prometheus, W.vault, "TCP 8200"),
  toApi("Vault registers its pods and reviews login tokens", W.vault),
  f("Vault's awskms seal calls KMS and STS", W.vault, "public-internet", HTTPS),
  f("Vault gets its Pod Identity credentials", W.vault, "pod-identity-agent", "TCP 80"),
  // Monitoring.
  toApi("Prometheus discovers its targets", W.prometheus),
  f("Prometheus scrapes the API server's endpoints and every kubelet", W.prometheus, "node-network", "TCP 443,10250"),
  f("Prometheus scrapes Falco", W.prometheus, W.falco, "TCP 8765"),
  f("Prometheus scrapes falcosidekick", W.prometheus, W.sidekick, "TCP 2801"),
  f("Prometheus scrapes the gVisor monitor", W.prometheus, W.gvisorMonitor, "TCP 9376"),
  f("Prometheus scrapes Gatekeeper's webhook pods", W.prometheus, W.gatekeeper, "TCP 8888"),
  f("Prometheus scrapes Gatekeeper's audit", W.prometheus, W.gatekeeperAudit, "TCP 8888"),
  f("Prometheus scrapes CoreDNS", W.prometheus, W.coredns, "TCP 9153"),
  f("Prometheus scrapes kube-state-metrics", W.prometheus, W.kubeStateMetrics, "TCP 8080"),
  f("Prometheus scrapes its operator", W.prometheus, W.operator, "TCP 10250"),
  f("Prometheus alerts Alertmanager and scrapes it and its reloader", W.prometheus, W.alertmanager, "TCP 8080,9093"),
  f("the API server validates PrometheusRules at the operator's webhook", "node-network", W.operator, "TCP 10250"),
  toApi("the Prometheus Operator reconciles Prometheus and Alertmanager", W.operator),
  toApi("kube-state-metrics lists the cluster's objects", W.kubeStateMetrics),
  toApi("the chart's admission-create hook", W.admissionCreate),
  toApi("the chart's admission-patch hook", W.admissionPatch),
  f("Alertmanager posts to the alert webhook", W.alertmanager, "public-internet", HTTPS),
  // Runtime detection.
  f("Falco posts detections to falcosidekick", W.falco, W.sidekick, "TCP 2801"),
  f("the gVisor monitor posts sandbox detections to falcosidekick", W.gvisorMonitor, W.sidekick, "TCP 2801"),
  f("falcoctl installs and follows the rules artifact from its registry", W.falco, "public-internet", HTTPS),
  f("falcosidekick posts alerts to the webhook", W.sidekick, "public-internet", HTTPS),
  // Admission.
  f("the API server calls Gatekeeper's webhook", "node-network", W.gatekeeper, "TCP 8443"),
  toApi("Gatekeeper's webhook syncs constraints and data", W.gatekeeper),
  toApi("Gatekeeper's audit lists the cluster", W.gatekeeperAudit),
  toApi("Gatekeeper's CRD upgrade hook", W.gatekeeperCrds),
  toApi("Gatekeeper's post-install probe", W.gatekeeperProbe),
  f("the post-install probe waits until the webhook answers", W.gatekeeperProbe, W.gatekeeper, "TCP 8443"),
  // The EKS add-ons in kube-system.
  f("CoreDNS forwards outside names to the VPC's resolver", W.coredns, "vpc-resolver", DNS),
  toApi("CoreDNS watches Services and EndpointSlices", W.coredns),
  toApi("the EBS CSI controller watches volumes", W.ebsController),
  f("the EBS CSI controller calls EC2 and STS", W.ebsController, "public-internet", HTTPS),
  f("the EBS CSI controller gets its Pod Identity credentials", W.ebsController, "pod-identity-agent", "TCP 80"),
  toApi("the EBS CSI node plugin reads its node", W.ebsNode),
];

/** Every pod of a platform namespace (kube-system's included) resolves names at CoreDNS; tenants never. */
export function dnsFlows(workloads: string[]): Flow[] {
  return workloads.filter((w) => w !== W.coredns).map((w) => f("resolves names at CoreDNS", w, W.coredns, DNS));
}

/** The flows as the analyser would print them: address sets written as ranges, so one normaliser reads both. */
export function asConnections(flows: Flow[], sets: Record<string, Interval[]>): AnalyzedConnection[] {
  const endpoint = (e: string) => (sets[e] ? sets[e].map(([s, t]) => `${formatAddress(s)}-${formatAddress(t)}`).join(",") : e);
  return flows.map((flow) => ({ src: endpoint(flow.from), dst: endpoint(flow.to), conn: flow.conn }));
}
