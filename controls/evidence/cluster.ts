import { Evidence } from "../types";

const UNIT = "components/cluster/cluster.unit.test.ts";
const PROGRAM = "components/cluster/cluster.test.ts";
const USERDATA = "components/cluster/userdata.test.ts";

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
      { kind: "component", file: "components/cluster/nodeGuard.ts", symbol: 'RUNSC_BINARIES = ["runsc", "containerd-shim-runsc-v1"]' },
      { kind: "component", file: "components/cluster/nodeGuard.ts", symbol: "Requires=${GUARD_UNIT}" },
    ],
    provenBy: [
      { file: PROGRAM, test: "ISO-10 installs gVisor on tainted sandbox nodes and selects them with the gvisor RuntimeClass" },
      { file: UNIT, test: "ISO-10 registers runsc as the containerd handler the gvisor RuntimeClass names" },
    ],
    limitations: [
      "That a node whose guard fails never joins rests on systemd's Requires=/After= and nodeadm starting kubelet through systemd (amazon-eks-ami nodeadm/internal/daemon/systemd.go); a live check must break the download on one node and see the node group report it.",
    ],
  },
  {
    control: "NET-05",
    enforcedBy: [{ kind: "component", file: "components/cluster/nodeGuard.ts", symbol: 'iifname "${POD_INTERFACES}" ct state new fib daddr type local counter drop' }],
    provenBy: [{ file: USERDATA, test: "NET-05 drops new connections from pod interfaces to the node's own addresses, before kubelet and on every boot" }],
    limitations: [
      "The VPC CNI's network policy agent always allows a pod's own node IP; the sandbox nodes' nftables rule closes that path, proven offline by its text only. A live check must see `curl -m2 $NODE_IP:10256/healthz` and `curl -m2 -k https://$NODE_IP:10250/` fail from an agent pod while kubelet probes keep the pod Ready (docs/decisions/node-address-isolation.md). System nodes carry no such rule.",
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
