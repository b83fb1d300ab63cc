/**
 * Gatekeeper (issue 6): the chart, the platform's ConstraintTemplates and Constraints. The
 * policy logic lives in policies.ts and the .rego files; this component only declares it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterNetworkInput, declareNetworkPolicies } from "../network/declare";
import { platformNamespace } from "../shared/namespace";
import { GATEKEEPER_CHART, GATEKEEPER_IGNORE_LABEL, GATEKEEPER_NAMESPACE } from "./defaults";
import { NAMESPACE_EXEMPTIONS } from "./exemptions";
import { mergeValues } from "../shared/values";
import { gatekeeperAlertRules, gatekeeperPodMonitor, gatekeeperScrapeAnnotations } from "./monitoring";
import { buildGatekeeperPolicies } from "./network";
import { LatestTagMode, PolicyBundleArgs, renderPolicyBundle } from "./policies";

/** The chart values this component sets (chart 3.23.1 key names); other keys pass through. */
export interface GatekeeperValues {
  replicas?: number;
  validatingWebhookFailurePolicy?: "Ignore" | "Fail";
  validatingWebhookTimeoutSeconds?: number;
  auditInterval?: number;
  logDenies?: boolean;
  emitAdmissionEvents?: boolean;
  emitAuditEvents?: boolean;
  controllerManager?: { exemptNamespaces?: string[]; [key: string]: unknown };
  postInstall?: { labelNamespace?: { enabled?: boolean; [key: string]: unknown }; [key: string]: unknown };
  podAnnotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface GatekeeperArgs {
  /** The cluster's API server address and node subnets, for Gatekeeper's NetworkPolicies. */
  network: ClusterNetworkInput;
  /** ADM-05: config `admission.latestTag`. @default "warn" */
  latestTag?: LatestTagMode;
  /** Config `admission.allowedRegistries`; empty leaves the registry constraint out. @default [] */
  allowedRegistries?: string[];
  /**
   * Declare a PodMonitor and alert rules; needs the Prometheus Operator's CRDs. Without them the
   * pods carry prometheus.io scrape annotations instead. @default false
   */
  prometheusOperator?: boolean;
  /** Labels the monitor and rules need to be selected, e.g. `{ release: "kube-prometheus-stack" }`. @default {} */
  monitoringLabels?: Record<string, string>;
  /** Chart version; must match gator's in scripts/install-tools.sh. @default GATEKEEPER_CHART.version */
  chartVersion?: string;
  /** Chart values merged last, over this component's. @default {} */
  values?: GatekeeperValues;
}

/** The chart values, as a pure function of the namespaces the platform exempts. */
export function gatekeeperValues(overrides?: GatekeeperValues, prometheusOperator = false): GatekeeperValues {
  const base: GatekeeperValues = {
    replicas: 3,
    // Fail-open is the chart default and deliberate: the webhook is registered before its pods
    // are ready, and Fail would then block every install, Gatekeeper's own included. Tenant pods
    // are still held by PSA "restricted" and by audit while the webhook is unavailable.
    validatingWebhookFailurePolicy: "Ignore",
    validatingWebhookTimeoutSeconds: 3,
    auditInterval: 60,
    // Denials and warnings must reach an operator, not only the client that was refused.
    logDenies: true,
    emitAdmissionEvents: true,
    emitAuditEvents: true,
    // Only these may carry the ignore label (webhook bypass); the chart adds its own namespace.
    controllerManager: {
      exemptNamespaces: NAMESPACE_EXEMPTIONS.map((e) => e.namespace).filter((ns) => ns !== GATEKEEPER_NAMESPACE),
    },
    // The chart's hook would relabel the namespace behind Pulumi's back; this component sets the labels.
    postInstall: { labelNamespace: { enabled: false } },
    ...(prometheusOperator ? {} : { podAnnotations: gatekeeperScrapeAnnotations() }),
  };
  return mergeValues(base, overrides);
}

export class Gatekeeper extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly constraintNames: string[];

  constructor(name: string, args: GatekeeperArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:admission:Gatekeeper", name, {}, opts);
    const parent = { parent: this };

    const ns = platformNamespace(
      GATEKEEPER_NAMESPACE,
      // Gatekeeper's pods meet "restricted"; the ignore label keeps its own webhook off its namespace.
      { podSecurity: "restricted", labels: { [GATEKEEPER_IGNORE_LABEL]: "no-self-managing" } },
      parent,
    );
    this.namespace = ns.metadata.name;
    // The webhook answers the API server from its first pod on; the hook Jobs run before the chart.
    const policies = declareNetworkPolicies(name, buildGatekeeperPolicies, args.network, { ...parent, dependsOn: [ns, ...ns.networkBaseline] });

    const release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: "gatekeeper",
        chart: GATEKEEPER_CHART.chart,
        version: args.chartVersion ?? GATEKEEPER_CHART.version,
        repositoryOpts: { repo: GATEKEEPER_CHART.repo },
        namespace: ns.metadata.name,
        createNamespace: false,
        values: gatekeeperValues(args.values, args.prometheusOperator ?? false),
      },
      { ...parent, dependsOn: [ns, ...policies] },
    );

    const bundleArgs: PolicyBundleArgs = { latestTag: args.latestTag, allowedRegistries: args.allowedRegistries };
    const bundle = renderPolicyBundle(bundleArgs);
    // Templates and expansions need the chart's CRDs; each constraint needs the CRD its template creates.
    const afterChart = { ...parent, dependsOn: [release] };
    for (const expansion of bundle.expansions) {
      new k8s.apiextensions.CustomResource(`${name}-${expansion.metadata.name}`, expansion as any, afterChart);
    }
    for (const mutator of bundle.mutators) {
      new k8s.apiextensions.CustomResource(`${name}-${mutator.metadata.name}`, mutator as any, afterChart);
    }
    bundle.policies.forEach((policy, i) => {
      const template = new k8s.apiextensions.CustomResource(`${name}-template-${policy.name}`, bundle.templates[i] as any, afterChart);
      new k8s.apiextensions.CustomResource(`${name}-constraint-${policy.name}`, bundle.constraints[i] as any, {
        ...parent,
        dependsOn: [template],
      });
    });
    this.constraintNames = bundle.policies.map((p) => p.name);

    if (args.prometheusOperator) {
      const labels = args.monitoringLabels ?? {};
      new k8s.apiextensions.CustomResource(`${name}-pod-monitor`, gatekeeperPodMonitor(labels) as any, afterChart);
      new k8s.apiextensions.CustomResource(`${name}-alert-rules`, gatekeeperAlertRules(labels) as any, afterChart);
    }

    this.registerOutputs({ namespace: this.namespace, constraintNames: this.constraintNames });
  }
}
