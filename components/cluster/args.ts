import type { ClusterConfig } from "../../config/schema";
import type { NodeFile } from "./userdata";

export interface ClusterArgs {
  /** The validated `cluster` settings of the stack. */
  config: ClusterConfig;
  /** EKS cluster name; also names the log groups and key aliases. */
  clusterName: string;
  /** AWS region of the stack (`aws:region`). */
  region: string;
  /** Route 53 zone of the platform's domain, for cert-manager's DNS-01 identity. */
  dns: { domain: string; hostedZoneId: string };
  /** Extra `[runsc_config]` flags for sandbox nodes, e.g. runtime monitoring. @default {} */
  runscFlags?: Record<string, string>;
  /** Files written on sandbox nodes before kubelet starts, e.g. the runsc trace session. @default [] */
  sandboxNodeFiles?: NodeFile[];
}
