import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { declareStaticNetworkPolicies } from "../network/declare";
import { allowDns, defaultDeny } from "../network/policy";
import { PodSecurityLevel, podSecurityLabels, standardLabels } from "./labels";

export interface NamespaceArgs {
  /** Pod Security Admission level enforced in the namespace. */
  podSecurity: PodSecurityLevel;
  /** Extra labels, e.g. `istio-injection` or tenant ids. @default {} */
  labels?: Record<string, string>;
}

/** A platform namespace and the baseline policies the owner's own policies are declared after. */
export type PlatformNamespace = k8s.core.v1.Namespace & { networkBaseline: k8s.networking.v1.NetworkPolicy[] };

/**
 * A namespace with the platform's standard and Pod Security labels (CLU-03), named exactly `name`,
 * with its default-deny NetworkPolicy and name resolution through CoreDNS for every pod. The
 * component that owns the namespace adds exactly the flows its pods use, after `networkBaseline`.
 */
export function platformNamespace(
  name: string,
  args: NamespaceArgs,
  opts: pulumi.CustomResourceOptions,
): PlatformNamespace {
  const namespace = new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name,
        labels: { ...standardLabels(name), ...podSecurityLabels(args.podSecurity), ...(args.labels ?? {}) },
      },
    },
    opts,
  );
  const networkBaseline = declareStaticNetworkPolicies(name, [defaultDeny(name), allowDns(name)], { ...opts, dependsOn: [namespace] });
  return Object.assign(namespace, { networkBaseline });
}
