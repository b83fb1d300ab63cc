import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { buildSecurityGroupPolicy } from "../data/network";
import { declareNetworkPolicies } from "../network/declare";
import { NetworkPolicyManifest } from "../network/policy";
import { PlatformNamespace, platformNamespace } from "../shared/namespace";
import { mergeValues } from "../shared/values";
import { MeshArgs } from "./args";
import { CHARTS, ChartPin, PUBLIC_GATEWAY_NAME } from "./defaults";
import {
  GATEWAY_LISTENER_PORTS,
  buildClusterIssuer,
  buildEdgeCertificate,
  buildPlatformApiVirtualService,
  buildPublicGateway,
  buildRateLimitFilter,
  edgeHosts,
} from "./edge";
import {
  CERT_MANAGER_NAMESPACE,
  INGRESS_NAMESPACE,
  ISTIO_NAMESPACE,
  MESH_INJECTION_LABELS,
  PLATFORM_API_NAME,
  PLATFORM_API_NAMESPACE,
} from "./identities";
import {
  PLATFORM_API_SELECTOR,
  buildPlatformApiDeployment,
  buildPlatformApiDisruptionBudget,
  buildPlatformApiService,
  buildPlatformApiServiceAccount,
} from "./platformApi";
import { MeshNetworkArgs, buildCertManagerPolicies, buildIngressPolicies, buildIstioSystemPolicies, buildPlatformApiPolicies } from "./network";
import { CustomResourceObject } from "./resources";
import {
  buildDenyAllPolicy,
  buildGatewayIngressPolicy,
  buildPeerAuthentication,
  buildPlatformApiPolicy,
} from "./security";
import {
  HelmValues,
  buildCertManagerValues,
  buildCniValues,
  buildGatewayValues,
  buildIstiodValues,
} from "./values";

/** A custom resource the mesh declares, with the suffix of its Pulumi resource name. */
export interface NamedCustomResource {
  suffix: string;
  object: CustomResourceObject;
}

/** Every Istio custom resource of the mesh; the schema test validates exactly this list. */
export function buildIstioResources(args: Pick<MeshArgs, "domain" | "platformApi">): NamedCustomResource[] {
  return [
    { suffix: "peer-authentication", object: buildPeerAuthentication() },
    { suffix: "deny-all", object: buildDenyAllPolicy() },
    { suffix: "gateway-policy", object: buildGatewayIngressPolicy([GATEWAY_LISTENER_PORTS.http, GATEWAY_LISTENER_PORTS.https]) },
    { suffix: "platform-api-policy", object: buildPlatformApiPolicy(args.platformApi.port) },
    { suffix: "public-gateway", object: buildPublicGateway(args.domain) },
    { suffix: "rate-limit", object: buildRateLimitFilter() },
    { suffix: "platform-api-route", object: buildPlatformApiVirtualService(args.domain, args.platformApi.port) },
  ];
}

/** Every cert-manager custom resource of the mesh; the schema test validates exactly this list. */
export function buildCertManagerResources(args: Pick<MeshArgs, "domain" | "acmeEmail" | "dns01">): NamedCustomResource[] {
  return [
    { suffix: "cluster-issuer", object: buildClusterIssuer(args.domain, args.acmeEmail, args.dns01) },
    { suffix: "edge-certificate", object: buildEdgeCertificate(args.domain) },
  ];
}

/**
 * The service mesh and the public edge: Istio (sidecar mode with istio-cni), an ingress gateway
 * behind an NLB, cert-manager with Let's Encrypt, the mesh-wide mTLS and authorization baseline,
 * and the platform API behind it all. The Kubernetes provider comes from `opts`.
 */
export class Mesh extends pulumi.ComponentResource {
  /** `<namespace>/<name>` of the Istio Gateway public routes bind to. */
  readonly publicGateway = `${INGRESS_NAMESPACE}/${PUBLIC_GATEWAY_NAME}`;
  readonly apiHost: string;

  constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:mesh:Mesh", name, {}, opts);
    const parent = { parent: this };
    const overrides = args.values ?? {};
    this.apiHost = edgeHosts(args.domain).api;

    // istio-cni's DaemonSet needs host paths and NET_ADMIN, which only `privileged` admits.
    const istioNs = platformNamespace(ISTIO_NAMESPACE, { podSecurity: "privileged" }, parent);
    const ingressNs = platformNamespace(INGRESS_NAMESPACE, { podSecurity: "restricted" }, parent);
    const certManagerNs = platformNamespace(CERT_MANAGER_NAMESPACE, { podSecurity: "restricted" }, parent);
    const apiNs = platformNamespace(
      PLATFORM_API_NAMESPACE,
      { podSecurity: "restricted", labels: { ...MESH_INJECTION_LABELS } },
      parent,
    );

    // Each namespace's flows exist before the first pod, Helm hooks included: in strict mode the
    // VPC CNI denies a pod everything until a policy selects it.
    const flows = (namespace: PlatformNamespace, build: (args: MeshNetworkArgs) => NetworkPolicyManifest[]) =>
      declareNetworkPolicies(name, (network) => build({ network, platformApiPort: args.platformApi.port, dataEgress: args.dataAccess?.egress }), args.network, {
        ...parent,
        dependsOn: [namespace, ...namespace.networkBaseline],
      });
    const policies = new Map<k8s.core.v1.Namespace, pulumi.Resource[]>([
      [istioNs, flows(istioNs, buildIstioSystemPolicies)],
      [ingressNs, flows(ingressNs, buildIngressPolicies)],
      [certManagerNs, flows(certManagerNs, buildCertManagerPolicies)],
      [apiNs, flows(apiNs, buildPlatformApiPolicies)],
    ]);

    const release = (suffix: string, pin: ChartPin, namespace: k8s.core.v1.Namespace, values: HelmValues, dependsOn: pulumi.Resource[]) =>
      new k8s.helm.v3.Release(
        `${name}-${suffix}`,
        {
          name: pin.release,
          chart: pin.chart,
          version: pin.version,
          repositoryOpts: { repo: pin.repo },
          namespace: namespace.metadata.name,
          values,
        },
        { ...parent, dependsOn: [namespace, ...(policies.get(namespace) ?? []), ...dependsOn] },
      );

    const base = release("istio-base", CHARTS.base, istioNs, mergeValues({}, overrides.base), []);
    const cni = release("istio-cni", CHARTS.cni, istioNs, { ...buildCniValues(overrides.cni) }, [base]);
    const istiod = release("istiod", CHARTS.istiod, istioNs, { ...buildIstiodValues(overrides.istiod) }, [base, cni]);
    release("gateway", CHARTS.gateway, ingressNs, { ...buildGatewayValues(overrides.gateway) }, [istiod]);
    const certManager = release(
      "cert-manager",
      CHARTS.certManager,
      certManagerNs,
      { ...buildCertManagerValues(args.certManagerServiceAccountAnnotations, overrides.certManager) },
      [],
    );

    const declare = (resources: NamedCustomResource[], dependsOn: pulumi.Resource[]) =>
      resources.map(
        ({ suffix, object }) => new k8s.apiextensions.CustomResource(`${name}-${suffix}`, object, { ...parent, dependsOn }),
      );
    // Istio's CRDs come with base; its validating webhook with istiod.
    declare(buildIstioResources(args), [base, istiod, ingressNs, apiNs]);
    declare(buildCertManagerResources(args), [certManager, ingressNs]);

    // The sidecar is injected at pod creation, so the Deployment waits for istiod and istio-cni.
    const childOf = (dependsOn: pulumi.Resource[]) => ({ ...parent, dependsOn: [apiNs, ...policies.get(apiNs)!, ...dependsOn] });
    new k8s.core.v1.ServiceAccount(`${name}-platform-api-sa`, buildPlatformApiServiceAccount(), childOf([]));
    // DATA-04: the VPC CNI gives a pod its groups when the pod is created, so the policy comes first.
    const podGroups = args.dataAccess?.securityGroupIds
      ? [
          new k8s.apiextensions.CustomResource(
            `${name}-platform-api-security-groups`,
            buildSecurityGroupPolicy(PLATFORM_API_NAMESPACE, PLATFORM_API_NAME, PLATFORM_API_SELECTOR, args.dataAccess.securityGroupIds),
            childOf([]),
          ),
        ]
      : [];
    new k8s.apps.v1.Deployment(
      `${name}-platform-api`,
      buildPlatformApiDeployment(args.platformApi, args.dataAccess?.env),
      childOf([istiod, cni, ...podGroups]),
    );
    new k8s.core.v1.Service(`${name}-platform-api-service`, buildPlatformApiService(args.platformApi.port), childOf([]));
    new k8s.policy.v1.PodDisruptionBudget(`${name}-platform-api-pdb`, buildPlatformApiDisruptionBudget(), childOf([]));

    this.registerOutputs({ apiHost: this.apiHost, publicGateway: this.publicGateway });
  }
}
