import { Policies } from "@pulumi/policy";
import { AGENT_POLICIES } from "./agent";
import { CLUSTER_POLICIES } from "./cluster";
import { CUSTODY_POLICIES } from "./custody";
import { DATA_POLICIES } from "./data";
import { EGRESS_POLICIES } from "./egress";
import { MESH_POLICIES } from "./mesh";
import { NETWORK_POLICIES } from "./network";
import { SECRET_POLICIES } from "./secrets";
import { TENANT_POLICIES } from "./tenant";
import { WORKLOAD_POLICIES } from "./workload";

/** Every policy of the pack, in the order a report lists them. */
export const ALL_POLICIES: Policies = [
  ...TENANT_POLICIES,
  ...AGENT_POLICIES,
  ...CUSTODY_POLICIES,
  ...WORKLOAD_POLICIES,
  ...NETWORK_POLICIES,
  ...EGRESS_POLICIES,
  ...MESH_POLICIES,
  ...CLUSTER_POLICIES,
  ...SECRET_POLICIES,
  ...DATA_POLICIES,
];
