import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PodSecurityLevel, podSecurityLabels, standardLabels } from "./labels";

export interface NamespaceArgs {
  /** Pod Security Admission level enforced in the namespace. */
  podSecurity: PodSecurityLevel;
  /** Extra labels, e.g. `istio-injection` or tenant ids. @default {} */
  labels?: Record<string, string>;
}

/** A namespace with the platform's standard and Pod Security labels (CLU-03), named exactly `name`. */
export function platformNamespace(
  name: string,
  args: NamespaceArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name,
        labels: { ...standardLabels(name), ...podSecurityLabels(args.podSecurity), ...(args.labels ?? {}) },
      },
    },
    opts,
  );
}
