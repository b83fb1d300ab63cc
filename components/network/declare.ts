import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterNetwork, NetworkPolicyManifest } from "./policy";

/**
 * The cluster network as components receive it: the API server's address is read from the cluster,
 * and `dependsOn` holds what every policy waits for (kube-system's, so that CoreDNS answers before
 * any chart's first pod needs a name).
 */
export type ClusterNetworkInput = ClusterNetwork<pulumi.Input<string>> & { dependsOn?: pulumi.Resource[] };

/**
 * Declares the policies `build` returns, named `<prefix>-<policy name>`. The builders stay pure
 * functions of plain strings: only the API server's address is a Pulumi input, and it changes the
 * content of rules, never which policies exist or their names, so those come from a first call
 * with a stand-in address.
 */
export function declareNetworkPolicies(
  prefix: string,
  build: (network: ClusterNetwork) => NetworkPolicyManifest[],
  network: ClusterNetworkInput,
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy[] {
  const facts = { nodeCidrs: network.nodeCidrs, vpcResolver: network.vpcResolver };
  const shapes = build({ ...facts, apiServerAddress: "0.0.0.0" });
  const resolved = pulumi.output(network.apiServerAddress).apply((address) => build({ ...facts, apiServerAddress: address }));
  const after = { ...opts, dependsOn: [...toArray(opts.dependsOn), ...(network.dependsOn ?? [])] };
  return shapes.map(
    (shape, i) =>
      new k8s.networking.v1.NetworkPolicy(
        `${prefix}-${shape.metadata.name}`,
        { apiVersion: shape.apiVersion, kind: shape.kind, metadata: shape.metadata, spec: resolved.apply((policies) => policies[i].spec) },
        after,
      ),
  );
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
