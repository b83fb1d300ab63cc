import { mergeValues } from "../shared/values";
import {
  DEFAULT_AUDIT_SIZE,
  DEFAULT_DATA_SIZE,
  DEFAULT_SERVER_RESOURCES,
  DEFAULT_STORAGE_CLASS,
  VAULT_AUDIT_DIR,
  VAULT_DATA_PATH,
  VAULT_IMAGE,
  VAULT_NAMESPACE,
  VAULT_RELEASE,
  VAULT_REPLICAS,
  VAULT_SERVICE_ACCOUNT,
  VAULT_TLS_DIR,
  VAULT_TLS_SECRET,
} from "./defaults";

/** The AWS KMS key that unseals Vault; absent on an existing cluster, which then uses Shamir keys. */
export interface KmsSeal {
  region: string;
  keyArn: string;
}

export interface ServerConfigArgs {
  /** Auto-unseal with AWS KMS; Shamir (manual unseal) when undefined. @default undefined */
  seal?: KmsSeal;
  /** @default 3 */
  replicas?: number;
}

/** The stable DNS name of each server pod behind the chart's headless `-internal` Service. */
export function peerHost(index: number): string {
  return `${VAULT_RELEASE}-${index}.${VAULT_RELEASE}-internal`;
}

/**
 * The server's HCL. Every listener is TLS (no tls_disable anywhere); each node joins the others
 * over TLS and verifies them against the internal CA. The chart runs this through `tpl`, so the
 * text must not contain `{{`.
 */
export function buildServerHcl(args: ServerConfigArgs = {}): string {
  const replicas = args.replicas ?? VAULT_REPLICAS;
  const joins = Array.from({ length: replicas }, (_, i) =>
    [
      `  retry_join {`,
      `    leader_api_addr     = "https://${peerHost(i)}:8200"`,
      `    leader_ca_cert_file = "${VAULT_TLS_DIR}/ca.crt"`,
      `  }`,
    ].join("\n"),
  );
  const seal = args.seal
    ? [`seal "awskms" {`, `  region     = "${args.seal.region}"`, `  kms_key_id = "${args.seal.keyArn}"`, `}`, ``]
    : [];
  return [
    `ui = true`,
    // Integrated storage memory-maps its database; mlock would pin it all and needs IPC_LOCK,
    // which the restricted Pod Security level forbids.
    `disable_mlock = true`,
    ``,
    `listener "tcp" {`,
    `  address         = "[::]:8200"`,
    `  cluster_address = "[::]:8201"`,
    `  tls_cert_file   = "${VAULT_TLS_DIR}/tls.crt"`,
    `  tls_key_file    = "${VAULT_TLS_DIR}/tls.key"`,
    // The seed's "API -> Vault: TLS 1.3"; every client here (VSO, the CLI, Go) speaks it.
    `  tls_min_version = "tls13"`,
    // Prometheus scrapes /v1/sys/metrics without a Vault token (CLU-06); the data is counters only.
    `  telemetry {`,
    `    unauthenticated_metrics_access = true`,
    `  }`,
    `}`,
    ``,
    `storage "raft" {`,
    `  path = "${VAULT_DATA_PATH}"`,
    ...joins,
    `}`,
    ``,
    ...seal,
    `service_registration "kubernetes" {}`,
    ``,
    `telemetry {`,
    `  prometheus_retention_time = "24h"`,
    `  disable_hostname          = true`,
    `}`,
    ``,
  ].join("\n");
}

export interface ServerValuesArgs extends ServerConfigArgs {
  /** Encrypted StorageClass of the Raft and audit volumes. @default "gp3-encrypted" */
  storageClassName?: string;
  /** @default "10Gi" */
  dataStorageSize?: string;
  /** @default "10Gi" */
  auditStorageSize?: string;
  /** @default DEFAULT_SERVER_RESOURCES */
  resources?: ResourceRequirements;
  /** @default VAULT_IMAGE.tag */
  imageTag?: string;
  /** Deep-merged over the computed values last. @default {} */
  values?: Record<string, unknown>;
}

export interface ResourceRequirements {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** The keys of the `hashicorp/vault` chart this component sets. */
export interface VaultChartValues {
  global: { enabled: boolean; tlsDisable: boolean };
  injector: { enabled: boolean };
  server: {
    image: { repository: string; tag: string };
    resources: ResourceRequirements;
    extraEnvironmentVars: Record<string, string>;
    volumes: Array<{ name: string; secret: { secretName: string; defaultMode: number } }>;
    volumeMounts: Array<{ name: string; mountPath: string; readOnly: boolean }>;
    dataStorage: StorageValues;
    auditStorage: StorageValues;
    serviceAccount: { create: boolean; name: string };
    topologySpreadConstraints: Array<Record<string, unknown>>;
    statefulSet: { securityContext: { pod: Record<string, unknown>; container: Record<string, unknown> } };
    includeConfigAnnotation: boolean;
    standalone: { enabled: boolean };
    ha: {
      enabled: boolean;
      replicas: number;
      raft: { enabled: boolean; setNodeId: boolean; config: string };
      disruptionBudget: { enabled: boolean; maxUnavailable: number };
    };
  };
}

interface StorageValues {
  enabled: boolean;
  size: string;
  storageClass: string;
  accessMode: string;
  mountPath: string;
}

/** Labels the chart puts on server pods; the spread constraint must select exactly those. */
export const SERVER_POD_LABELS = {
  "app.kubernetes.io/name": "vault",
  "app.kubernetes.io/instance": VAULT_RELEASE,
  component: "server",
};

/** Pod and container security of the server (the chart's defaults replaced as a whole when set). */
export const SERVER_POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 100,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: "RuntimeDefault" },
};
export const SERVER_CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** Values for the `hashicorp/vault` chart: HA Raft over TLS, spread across zones, one node down at most. */
export function buildServerValues(args: ServerValuesArgs = {}): VaultChartValues & Record<string, unknown> {
  const replicas = args.replicas ?? VAULT_REPLICAS;
  const storageClass = args.storageClassName ?? DEFAULT_STORAGE_CLASS;
  const computed: VaultChartValues = {
    global: { enabled: true, tlsDisable: false },
    // Secrets reach workloads through the Vault Secrets Operator, not the sidecar injector.
    injector: { enabled: false },
    server: {
      image: { repository: VAULT_IMAGE.repository, tag: args.imageTag ?? VAULT_IMAGE.tag },
      resources: args.resources ?? DEFAULT_SERVER_RESOURCES,
      // The chart sets VAULT_ADDR to https://127.0.0.1:8200 itself; the certificate names 127.0.0.1.
      extraEnvironmentVars: { VAULT_CACERT: `${VAULT_TLS_DIR}/ca.crt` },
      volumes: [{ name: VAULT_TLS_SECRET, secret: { secretName: VAULT_TLS_SECRET, defaultMode: 0o440 } }],
      volumeMounts: [{ name: VAULT_TLS_SECRET, mountPath: VAULT_TLS_DIR, readOnly: true }],
      dataStorage: storage(args.dataStorageSize ?? DEFAULT_DATA_SIZE, storageClass, VAULT_DATA_PATH),
      auditStorage: storage(args.auditStorageSize ?? DEFAULT_AUDIT_SIZE, storageClass, VAULT_AUDIT_DIR),
      serviceAccount: { create: true, name: VAULT_SERVICE_ACCOUNT },
      // The chart's default hard anti-affinity (one server per node) stays; this adds one per zone.
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "DoNotSchedule",
          labelSelector: { matchLabels: SERVER_POD_LABELS },
        },
      ],
      statefulSet: { securityContext: { pod: SERVER_POD_SECURITY, container: SERVER_CONTAINER_SECURITY } },
      // Pods are replaced by hand (OnDelete); the checksum shows which ones run an old config.
      includeConfigAnnotation: true,
      standalone: { enabled: false },
      ha: {
        enabled: true,
        replicas,
        raft: { enabled: true, setNodeId: true, config: buildServerHcl({ seal: args.seal, replicas }) },
        disruptionBudget: { enabled: true, maxUnavailable: 1 },
      },
    },
  };
  return mergeValues(computed as unknown as Record<string, unknown>, args.values ?? {}) as VaultChartValues &
    Record<string, unknown>;
}

function storage(size: string, storageClass: string, mountPath: string): StorageValues {
  return { enabled: true, size, storageClass, accessMode: "ReadWriteOnce", mountPath };
}

/** Every name the server certificate must carry: services, each peer, and loopback for probes. */
export function serverDnsNames(replicas: number = VAULT_REPLICAS): string[] {
  const ns = VAULT_NAMESPACE;
  const services = [VAULT_RELEASE, `${VAULT_RELEASE}-active`, `${VAULT_RELEASE}-standby`, `${VAULT_RELEASE}-internal`];
  const qualified = services.flatMap((s) => [s, `${s}.${ns}`, `${s}.${ns}.svc`, `${s}.${ns}.svc.cluster.local`]);
  const peers = Array.from({ length: replicas }, (_, i) => [peerHost(i), `${peerHost(i)}.${ns}.svc.cluster.local`]).flat();
  return [...qualified, ...peers, "localhost"];
}
