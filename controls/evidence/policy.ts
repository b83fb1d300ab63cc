import { Evidence } from "../types";

const PACK = "policy-pack/policies";
const TESTS = {
  tenant: `${PACK}/tenant.test.ts`,
  egress: `${PACK}/egress.test.ts`,
  agent: `${PACK}/agent.test.ts`,
  workload: `${PACK}/workload.test.ts`,
  network: `${PACK}/network.test.ts`,
  mesh: `${PACK}/mesh.test.ts`,
  cluster: `${PACK}/cluster.test.ts`,
  secrets: `${PACK}/secrets.test.ts`,
  data: `${PACK}/data.test.ts`,
  custody: `${PACK}/custody.test.ts`,
};
type Module = keyof typeof TESTS;

/** A policy of the pack, found by its name as the module declares it. */
const policy = (module: Module, name: string) => ({ kind: "policy" as const, file: `${PACK}/${module}.ts`, symbol: `name: "${name}"` });
const proof = (module: Module, test: string) => ({ file: TESTS[module], test });

const NON_ROOT = proof("workload", "ISO-11 ADM-04 require non-root containers, allowing root only in a user namespace under gVisor");
const LIMITS = proof("workload", "ISO-12 ADM-03 require CPU and memory limits on every container");
const PRIVILEGED = proof("workload", "ADM-02 denies privileged containers outside exempt namespaces");
const HOST = proof("workload", "ISO-14 denies host namespaces, hostPath volumes and host ports");

/** What the policy pack enforces before every deployment, and the tests that prove each policy. */
export const policyEvidence: Evidence[] = [
  {
    control: "ISO-01",
    enforcedBy: [policy("tenant", "tenant-namespace-labelled")],
    provenBy: [proof("tenant", "ISO-01 requires each tenant namespace to carry its own tenant label, once per tenant")],
  },
  {
    control: "ISO-02",
    enforcedBy: [policy("tenant", "tenant-default-deny")],
    provenBy: [proof("tenant", "ISO-02 requires a default-deny NetworkPolicy for ingress and egress in every tenant namespace")],
  },
  {
    control: "ISO-03",
    enforcedBy: [policy("network", "tenant-no-cross-tenant-traffic")],
    provenBy: [proof("network", "ISO-03 admits tenant traffic only from the own namespace or named platform namespaces")],
  },
  {
    control: "ISO-04",
    enforcedBy: [policy("tenant", "tenant-resource-quota")],
    provenBy: [proof("tenant", "ISO-04 requires a ResourceQuota that bounds compute, pods and storage and forbids LoadBalancer and NodePort services")],
  },
  {
    control: "ISO-06",
    enforcedBy: [policy("workload", "pod-seccomp-runtime-default")],
    provenBy: [proof("workload", "ISO-06 requires the RuntimeDefault seccomp profile for every container, from the pod or the container")],
  },
  {
    control: "ISO-07",
    enforcedBy: [policy("workload", "container-drop-capabilities"), policy("mesh", "mesh-sidecar-no-capabilities")],
    provenBy: [
      proof("workload", "ISO-07 requires every container to drop the dangerous capabilities and add none back"),
      proof("mesh", "ISO-07 requires injected sidecars without istio-init capabilities and without privilege"),
    ],
  },
  {
    control: "ISO-08",
    enforcedBy: [policy("workload", "no-privilege-escalation")],
    provenBy: [proof("workload", "ISO-08 requires allowPrivilegeEscalation: false on every container")],
  },
  {
    control: "ISO-09",
    enforcedBy: [policy("agent", "tenant-no-service-account-token")],
    provenBy: [proof("agent", "ISO-09 refuses service account tokens in tenant pods and service accounts")],
  },
  {
    control: "ISO-10",
    enforcedBy: [policy("agent", "tenant-gvisor-sandbox")],
    provenBy: [proof("agent", "ISO-10 requires the gVisor RuntimeClass for tenant pods, pinned to tainted sandbox nodes")],
  },
  { control: "ISO-11", enforcedBy: [policy("workload", "run-as-non-root")], provenBy: [NON_ROOT] },
  { control: "ISO-12", enforcedBy: [policy("workload", "container-resource-limits")], provenBy: [LIMITS] },
  {
    control: "ISO-13",
    enforcedBy: [policy("tenant", "tenant-volumes-encrypted")],
    provenBy: [
      proof("tenant", "ISO-13 requires every tenant volume to use a KMS-encrypted StorageClass"),
      { file: "test/plan.test.ts", test: "ISO-13 passes its own policy pack as a tenants shard, trusting the StorageClass its platform stack declares" },
    ],
  },
  {
    control: "ISO-14",
    enforcedBy: [policy("workload", "no-host-access"), policy("workload", "no-privileged-containers")],
    provenBy: [HOST, PRIVILEGED, proof("workload", "ISO-14 allows only the listed hostPath directory, and only in its namespace (the gVisor monitor's socket)")],
  },
  {
    control: "NET-01",
    enforcedBy: [policy("agent", "tenant-external-dns-only"), policy("network", "agent-sends-no-dns")],
    provenBy: [
      proof("agent", "NET-01 requires tenant pods to resolve only through 1.1.1.1, or through nothing (loopback)"),
      proof("network", "NET-01 lets agent pods send no DNS, to cluster DNS or any resolver, while the egress proxy resolves"),
    ],
  },
  {
    control: "NET-02",
    enforcedBy: [policy("agent", "tenant-no-service-discovery")],
    provenBy: [proof("agent", "NET-02 denies tenant pods service discovery: search domains, service links and *.svc names")],
  },
  {
    control: "NET-03",
    enforcedBy: [policy("network", "tenant-egress-blocks-metadata")],
    provenBy: [proof("network", "NET-03 keeps the metadata range 169.254.0.0/16 out of every tenant egress rule")],
  },
  {
    control: "NET-04",
    enforcedBy: [policy("network", "tenant-egress-https-only")],
    provenBy: [proof("network", "NET-04 lets traffic leave a tenant only on TCP 443, with DNS only to 1.1.1.1")],
  },
  {
    control: "NET-05",
    enforcedBy: [policy("network", "tenant-egress-blocks-private-ranges")],
    provenBy: [proof("network", "NET-05 keeps every RFC 1918 range out of tenant egress")],
  },
  {
    control: "NET-06",
    enforcedBy: [policy("network", "agent-gateway-port-closed")],
    provenBy: [proof("network", "NET-06 keeps the gateway port 18789 closed in containers, Services, NetworkPolicies and the mesh")],
  },
  {
    control: "NET-07",
    enforcedBy: [policy("network", "agent-egress-via-proxy"), policy("egress", "egress-proxy-allowlist")],
    provenBy: [
      proof("network", "NET-07 sends agent traffic out only through the egress proxy, never directly"),
      proof("egress", "NET-07 lets the egress proxy forward only to exactly named hosts on 443, within allowedEgressHosts when set"),
      proof("egress", "NET-07 SEC-09 checks where a route to a fixed cluster goes, whatever host the request names"),
    ],
  },
  {
    control: "NET-08",
    enforcedBy: [policy("mesh", "mesh-strict-mtls")],
    provenBy: [proof("mesh", "NET-08 requires mesh-wide STRICT mTLS in istio-system and refuses any PeerAuthentication that relaxes it")],
  },
  {
    control: "NET-09",
    enforcedBy: [policy("mesh", "mesh-default-deny-authz"), policy("mesh", "mesh-authz-callers")],
    provenBy: [
      proof("mesh", "NET-09 requires an allow-nothing AuthorizationPolicy in istio-system when the stack installs the mesh"),
      proof("mesh", "NET-09 lets only the platform API call agent pods and only the ingress gateway call the platform API"),
    ],
  },
  {
    control: "EDGE-01",
    enforcedBy: [policy("mesh", "edge-tls13")],
    provenBy: [proof("mesh", "EDGE-01 requires TLS 1.3 at the ingress gateway and only a redirect on plain HTTP")],
  },
  {
    control: "EDGE-02",
    enforcedBy: [policy("mesh", "edge-certificates")],
    provenBy: [proof("mesh", "EDGE-02 requires gateway certificates with ECDSA P-256 keys from Let's Encrypt through cert-manager")],
  },
  {
    control: "AUTH-01",
    enforcedBy: [policy("agent", "agent-auth-guard")],
    provenBy: [proof("agent", "AUTH-01 requires the auth-guard in every agent pod, forwarding to the gateway on loopback")],
  },
  {
    control: "AUTH-02",
    enforcedBy: [policy("agent", "auth-guard-hardened")],
    provenBy: [proof("agent", "AUTH-02 requires the auth-guard to run with a read-only root filesystem and no capabilities")],
  },
  {
    control: "SEC-01",
    enforcedBy: [policy("cluster", "eks-secrets-encryption"), policy("cluster", "kms-key-rotation")],
    provenBy: [
      proof("cluster", "SEC-01 requires EKS to encrypt secrets with a customer-managed KMS key"),
      proof("cluster", "SEC-01 requires automatic rotation of every symmetric KMS key"),
    ],
  },
  {
    control: "SEC-02",
    enforcedBy: [policy("secrets", "vault-ha-tls-kms")],
    provenBy: [proof("secrets", "SEC-02 requires Vault to run three Raft nodes with TLS, auto-unsealed by AWS KMS")],
  },
  {
    control: "SEC-04",
    enforcedBy: [policy("secrets", "vault-agent-secrets-templated")],
    provenBy: [
      proof("secrets", "SEC-04 requires Vault policies to read agents' secrets only through the agent_id template"),
      { file: "policy-pack/pack.test.ts", test: "SEC-04 checks the program's own Vault policies when Vault is configured, and they pass" },
    ],
  },
  {
    control: "SEC-05",
    enforcedBy: [policy("agent", "tenant-ai-keys-from-vault")],
    provenBy: [proof("agent", "SEC-05 requires tenant secrets as files from Secrets synced from Vault, never through the environment")],
  },
  {
    control: "SEC-09",
    enforcedBy: [policy("custody", "tenant-provider-key-custody"), policy("egress", "egress-proxy-allowlist")],
    provenBy: [
      proof("custody", "SEC-09 refuses an agent pod that mounts, projects or env-references the provider key or the tenant CA's key"),
      proof("custody", "SEC-09 lets the egress proxy, and pods outside tenant namespaces, hold the key"),
      proof("egress", "NET-07 SEC-09 checks where a route to a fixed cluster goes, whatever host the request names"),
    ],
  },
  {
    control: "SEC-06",
    enforcedBy: [policy("secrets", "no-plaintext-credentials")],
    provenBy: [proof("secrets", "SEC-06 refuses credentials in plain text in any resource input outside a Secret's data")],
  },
  {
    control: "SEC-07",
    enforcedBy: [policy("cluster", "stateful-resources-protected")],
    provenBy: [proof("cluster", "SEC-07 requires stateful resources to be protected and Kubernetes volumes to be retained")],
  },
  {
    control: "SEC-08",
    enforcedBy: [policy("cluster", "volumes-encrypted")],
    provenBy: [proof("cluster", "SEC-08 requires node disks, EBS volumes and EBS StorageClasses to be encrypted")],
  },
  {
    control: "ADM-01",
    enforcedBy: [policy("workload", "workload-required-labels")],
    provenBy: [proof("workload", "ADM-01 requires app.kubernetes.io/name and part-of on every Deployment")],
  },
  { control: "ADM-02", enforcedBy: [policy("workload", "no-privileged-containers")], provenBy: [PRIVILEGED] },
  { control: "ADM-03", enforcedBy: [policy("workload", "container-resource-limits")], provenBy: [LIMITS] },
  { control: "ADM-04", enforcedBy: [policy("workload", "run-as-non-root")], provenBy: [NON_ROOT] },
  {
    control: "ADM-05",
    enforcedBy: [policy("workload", "image-tag-not-latest")],
    provenBy: [proof("workload", "ADM-05 flags :latest and untagged images as advisory, and denies them when configured mandatory")],
  },
  {
    control: "CLU-01",
    enforcedBy: [policy("cluster", "eks-audit-logging")],
    provenBy: [proof("cluster", "CLU-01 requires the EKS control plane to ship audit, api and authenticator logs")],
  },
  {
    control: "CLU-02",
    enforcedBy: [policy("cluster", "no-cluster-admin-workloads")],
    provenBy: [proof("cluster", "CLU-02 refuses cluster-admin for service accounts and everyone")],
  },
  {
    control: "CLU-03",
    enforcedBy: [policy("tenant", "namespace-pod-security")],
    provenBy: [proof("tenant", "CLU-03 requires a Pod Security Admission enforce label on every namespace, restricted for tenants")],
  },
  {
    control: "CLU-04",
    enforcedBy: [policy("cluster", "platform-api-availability")],
    provenBy: [proof("cluster", "CLU-04 requires three platform API replicas and a disruption budget that keeps it up")],
  },
  {
    control: "CLU-05",
    enforcedBy: [policy("secrets", "ha-vault-and-ingress")],
    provenBy: [proof("secrets", "CLU-05 requires Vault and the ingress gateway to run three zone-spread pods with a disruption budget")],
  },
  {
    control: "DATA-01",
    enforcedBy: [policy("data", "database-hardened"), policy("data", "database-tls-required")],
    provenBy: [
      proof("data", "DATA-01 passes the hardened database and fails an unencrypted, single-AZ, public, deletable one without backups"),
      proof("data", "DATA-01 requires TLS in every PostgreSQL parameter group"),
      proof("data", "DATA-01 DATA-03 decide in a first preview: a key, group or password not yet known is still set"),
    ],
  },
  {
    control: "DATA-02",
    enforcedBy: [policy("data", "database-no-static-password"), policy("data", "cache-user-no-password")],
    provenBy: [
      proof("data", "DATA-02 fails a database given a password, or one whose password RDS does not manage, or without IAM authentication"),
      proof("data", "DATA-02 fails an ElastiCache user with a password, or an enabled one with none"),
    ],
  },
  {
    control: "DATA-03",
    enforcedBy: [policy("data", "cache-hardened")],
    provenBy: [
      proof("data", "DATA-03 passes the hardened replication group and fails each weakened variant"),
      proof("data", "DATA-01 DATA-03 decide in a first preview: a key, group or password not yet known is still set"),
    ],
  },
  {
    control: "DATA-04",
    enforcedBy: [policy("data", "data-store-ingress-by-security-group")],
    provenBy: [proof("data", "DATA-04 fails a rule that opens a data store's port to addresses instead of the API's security group")],
  },
];
