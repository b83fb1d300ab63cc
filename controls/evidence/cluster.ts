import { Evidence } from "../types";

const UNIT = "components/cluster/cluster.unit.test.ts";
const PROGRAM = "components/cluster/cluster.test.ts";

export const clusterEvidence: Evidence[] = [
  {
    control: "SEC-01",
    enforcedBy: [
      { kind: "component", file: "components/cluster/eks.ts", symbol: 'encryptionConfig: { provider: { keyArn: keys.secrets.arn }, resources: ["secrets"] }' },
      { kind: "component", file: "components/cluster/kms.ts", symbol: "enableKeyRotation: true" },
    ],
    provenBy: [
      { file: PROGRAM, test: "SEC-01 encrypts Kubernetes secrets with a customer-managed, rotating KMS key" },
      { file: UNIT, test: "SEC-01 lets only EKS, on the deployer's behalf, use the secrets key" },
    ],
  },
  {
    control: "CLU-01",
    enforcedBy: [{ kind: "component", file: "components/cluster/defaults.ts", symbol: '"audit"' }],
    provenBy: [{ file: PROGRAM, test: "CLU-01 ships every control-plane log type, audit included, to an encrypted log group" }],
  },
  {
    control: "ISO-10",
    enforcedBy: [
      { kind: "component", file: "components/cluster/eks.ts", symbol: 'effect: "NO_SCHEDULE"' },
      { kind: "component", file: "components/cluster/kubernetes.ts", symbol: "handler: RUNSC_HANDLER" },
      { kind: "component", file: "components/cluster/userdata.ts", symbol: "containerd-shim-runsc-v1" },
    ],
    provenBy: [
      { file: PROGRAM, test: "ISO-10 installs gVisor on tainted sandbox nodes and selects them with the gvisor RuntimeClass" },
      { file: UNIT, test: "ISO-10 registers runsc as the containerd handler the gvisor RuntimeClass names" },
    ],
  },
  {
    control: "ISO-13",
    enforcedBy: [{ kind: "component", file: "components/cluster/kubernetes.ts", symbol: '"storageclass.kubernetes.io/is-default-class": "true"' }],
    provenBy: [{ file: PROGRAM, test: "ISO-13 makes the KMS-encrypted gp3 class the default" }],
  },
  {
    control: "SEC-08",
    enforcedBy: [
      { kind: "component", file: "components/cluster/eks.ts", symbol: 'encrypted: "true", kmsKeyId: ebsKeyArn' },
      { kind: "component", file: "components/cluster/kubernetes.ts", symbol: 'encrypted: "true", kmsKeyId: kmsKeyArn' },
    ],
    provenBy: [
      { file: PROGRAM, test: "SEC-08 encrypts node root volumes with the EBS key and allows IMDSv2 only, one hop" },
      { file: UNIT, test: "SEC-08 lets the EBS key be used only through EC2 in this account" },
    ],
  },
  {
    control: "SEC-07",
    enforcedBy: [
      { kind: "component", file: "components/cluster/kms.ts", symbol: "{ ...opts, protect: true }" },
      { kind: "component", file: "components/cluster/eks.ts", symbol: "protect: true" },
    ],
    provenBy: [{ file: PROGRAM, test: "SEC-07 protects every KMS key, log group and the EKS cluster against deletion" }],
  },
  {
    control: "CLU-02",
    enforcedBy: [{ kind: "component", file: "components/cluster/eks.ts", symbol: "bootstrapClusterCreatorAdminPermissions: false" }],
    provenBy: [{ file: "test/program.test.ts", test: "CLU-02 gives cluster-admin only to the operators and the deployer role, never to a workload" }],
    limitations: ["RBAC that the pinned charts install (Istio, Gatekeeper, Falco, Vault, VSO, Prometheus) is not rendered offline, so their bindings are not checked here."],
  },
];
