import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { withInputs } from "../shared/inputs";
import type { ClusterNetwork, NetworkPolicyManifest } from "./policy";

/**
 * The cluster network as components receive it: the API server's address is read from the cluster,
 * and `dependsOn` holds what every policy waits for (kube-system's, so that CoreDNS answers before
 * any chart's first pod needs a name).
 */
export type ClusterNetworkInput = ClusterNetwork<pulumi.Input<string>> & { dependsOn?: pulumi.Resource[] };

/**
 * Declares the policies `build` returns, named `<prefix>-<policy name>`. The builders stay pure
 * functions of plain strings: only the API server's address is a Pulumi input, and only the rules
 * that name it wait for it, so a first preview (where the address is unknown) still shows every
 * other rule to the policy pack.
 */
export function declareNetworkPolicies(
  prefix: string,
  build: (network: ClusterNetwork) => NetworkPolicyManifest[],
  network: ClusterNetworkInput,
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy[] {
  const facts = { nodeCidrs: network.nodeCidrs, vpcResolver: network.vpcResolver };
  const policies = withInputs({ apiServerAddress: network.apiServerAddress }, ({ apiServerAddress }) => build({ ...facts, apiServerAddress })) as NetworkPolicyManifest[];
  const after = { ...opts, dependsOn: [...toArray(opts.dependsOn), ...(network.dependsOn ?? [])] };
  return policies.map((policy) => new k8s.networking.v1.NetworkPolicy(`${prefix}-${policy.metadata.name}`, policy, after));
}

const toArray = (deps: pulumi.CustomResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] =>
  deps === undefined ? [] : Array.isArray(deps) ? deps : [deps as pulumi.Input<pulumi.Resource>];

/** Policies that need nothing from the cluster (a tenant's, a namespace's default deny). */
export function declareStaticNetworkPolicies(
  prefix: string,
  policies: NetworkPolicyManifest[],
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy[] {
  return policies.map((policy) => new k8s.networking.v1.NetworkPolicy(`${prefix}-${policy.metadata.name}`, policy, opts));
}
