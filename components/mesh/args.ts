import type * as pulumi from "@pulumi/pulumi";
import type { ClusterNetworkInput } from "../network/declare";
import type { EgressRule } from "../network/policy";
import { Dns01Args } from "./edge";
import { PlatformApiArgs, PlatformApiEnvVar } from "./platformApi";
import { HelmValues } from "./values";

/** How the platform API reaches its data tier (components/data): settings, pod security groups, egress. */
export interface PlatformApiDataAccess {
  /** Non-secret connection facts for the API's container. */
  env: PlatformApiEnvVar[];
  /**
   * The groups the API's SecurityGroupPolicy gives its pods: the API's own, and the cluster's.
   * Absent for an operator's stores (existing mode): no SecurityGroupPolicy is declared.
   * @default undefined
   */
  securityGroupIds?: pulumi.Input<string>[];
  /** Extra egress of the API's NetworkPolicy: the Pod Identity agent and the stores' ports. */
  egress: EgressRule[];
}

/** Helm values merged last into what the mesh computes, one tree per chart. */
export interface MeshValueOverrides {
  /** @default {} */
  base?: HelmValues;
  /** @default {} */
  istiod?: HelmValues;
  /** @default {} */
  cni?: HelmValues;
  /** @default {} */
  gateway?: HelmValues;
  /** @default {} */
  certManager?: HelmValues;
}

export interface MeshArgs {
  /** The public zone: the API is served at `api.<domain>`, tenants under `*.<domain>`. */
  domain: string;
  /** Let's Encrypt account contact, warned before a certificate expires unrenewed. */
  acmeEmail: string;
  platformApi: PlatformApiArgs;
  /** The data tier the API uses; absent when the stack declares none. @default undefined */
  dataAccess?: PlatformApiDataAccess;
  /**
   * Route 53 DNS-01 for the edge certificate. Required: HTTP-01 can neither issue the wildcard nor
   * pass through the gateway's port-80 redirect. cert-manager authenticates with ambient
   * credentials, so its service account needs an EKS Pod Identity association (or IRSA).
   */
  dns01: Dns01Args;
  /** Annotations on cert-manager's service account, e.g. an IRSA role ARN. @default {} */
  certManagerServiceAccountAnnotations?: Record<string, string>;
  /** The cluster's API server address and node subnets, for the mesh's NetworkPolicies. */
  network: ClusterNetworkInput;
  /** @default {} */
  values?: MeshValueOverrides;
}
