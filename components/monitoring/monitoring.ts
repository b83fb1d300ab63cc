/**
 * Monitoring (CLU-06): kube-prometheus-stack with Prometheus and Alertmanager, the scrape targets
 * for Istio and Vault, and the platform's security alerts. Falco and Gatekeeper bring their own
 * monitors when built with `prometheusOperator: true` and `monitoringLabels: MONITORING_LABELS`;
 * they must depend on this component, whose chart installs the monitoring.coreos.com CRDs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterNetworkInput, declareNetworkPolicies } from "../network/declare";
import { platformNamespace } from "../shared/namespace";
import { ALERT_WEBHOOK_KEY, alertWebhookSecret } from "../shared/secrets";
import { KUBE_PROMETHEUS_STACK_CHART, MONITORING_LABELS, MONITORING_NAMESPACE, MONITORING_RELEASE, ResourceRequirements } from "./defaults";
import { buildMonitoringPolicies } from "./network";
import { buildAlertRules } from "./rules";
import { buildScrapeTargets } from "./targets";
import { AlertWebhookKind, AlertWebhookSecret, KubePrometheusStackValues, buildPrometheusValues } from "./values";

/** The key of the Secret this component creates from `alertWebhookUrl`. */

export interface MonitoringArgs {
  /** The cluster's API server address and node subnets, for Prometheus's NetworkPolicies. */
  network: ClusterNetworkInput;
  /** Encrypted StorageClass of the Prometheus and Alertmanager volumes (SEC-08). @default "gp3-encrypted" */
  storageClassName?: string;
  /** How long Prometheus keeps samples. @default "15d" */
  retention?: string;
  /** Size of each Prometheus replica's volume. @default "50Gi" */
  storageSize?: string;
  /** Prometheus and Alertmanager replicas, spread across zones. @default 2 */
  replicas?: number;
  /** @default PROMETHEUS_RESOURCES */
  resources?: ResourceRequirements;
  /**
   * The alert webhook URL as a Pulumi secret; stored in a Secret of the monitoring namespace that
   * Alertmanager mounts. @default undefined (no external receiver)
   */
  alertWebhookUrl?: pulumi.Input<string>;
  /** An existing Secret in the monitoring namespace instead of alertWebhookUrl. @default undefined */
  alertWebhookSecret?: { name: string; key: string };
  /** "slack" for a Slack incoming webhook, "webhook" for Alertmanager's JSON. @default "slack" */
  alertWebhookKind?: AlertWebhookKind;
  /**
   * What must exist before the Vault monitor: the vault namespace and its `vault-server-tls`
   * Secret (the VaultCluster component). @default []
   */
  vaultDependsOn?: pulumi.Input<pulumi.Resource>[];
  /** @default KUBE_PROMETHEUS_STACK_CHART.version */
  chartVersion?: string;
  /** Chart values merged last, over this component's. @default {} */
  values?: KubePrometheusStackValues;
}

export class Monitoring extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** Labels for the monitors and rules of other components (`monitoringLabels`). */
  readonly monitoringLabels: Record<string, string> = { ...MONITORING_LABELS };
  /**
   * The chart release, which installs the monitoring.coreos.com CRDs. Falco and Gatekeeper depend
   * on this, not on the component: the component also waits for Vault (its monitor's namespace).
   */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:monitoring:Monitoring", name, {}, opts);
    const parent = { parent: this };
    if (args.alertWebhookUrl !== undefined && args.alertWebhookSecret !== undefined) {
      throw new Error("Monitoring: give alertWebhookUrl or alertWebhookSecret, not both");
    }

    // Every pod of the chart as configured (operator, Prometheus, Alertmanager, kube-state-metrics,
    // webhook jobs) runs non-root without host access; node-exporter, which could not, is off.
    const ns = platformNamespace(MONITORING_NAMESPACE, { podSecurity: "restricted" }, parent);
    this.namespace = ns.metadata.name;

    const dependsOn: pulumi.Resource[] = [ns];
    let webhook: AlertWebhookSecret | undefined = args.alertWebhookSecret
      ? { ...args.alertWebhookSecret, kind: args.alertWebhookKind }
      : undefined;
    if (args.alertWebhookUrl !== undefined) {
      const secretName = `${name}-alert-webhook`;
      dependsOn.push(alertWebhookSecret(secretName, ns.metadata.name, args.alertWebhookUrl, { ...parent, dependsOn: [ns] }));
      webhook = { name: secretName, key: ALERT_WEBHOOK_KEY, kind: args.alertWebhookKind };
    }

    // Prometheus reaches exactly its scrape targets; in place before the chart's first Job runs.
    const alertWebhook = webhook !== undefined;
    dependsOn.push(
      ...declareNetworkPolicies(name, (network) => buildMonitoringPolicies(network, { alertWebhook }), args.network, { ...parent, dependsOn: [ns, ...ns.networkBaseline] }),
    );

    const release = (this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: MONITORING_RELEASE,
        chart: KUBE_PROMETHEUS_STACK_CHART.chart,
        version: args.chartVersion ?? KUBE_PROMETHEUS_STACK_CHART.version,
        repositoryOpts: { repo: KUBE_PROMETHEUS_STACK_CHART.repo },
        namespace: ns.metadata.name,
        createNamespace: false,
        values: buildPrometheusValues({
          storageClassName: args.storageClassName,
          retention: args.retention,
          storageSize: args.storageSize,
          replicas: args.replicas,
          resources: args.resources,
          alertWebhook: webhook,
          overrides: args.values,
        }),
      },
      { ...parent, dependsOn },
    ));

    // Monitors and rules need the chart's CRDs (and its rule-validating webhook).
    for (const target of buildScrapeTargets()) {
      const extra = target.covers === "vault" ? (args.vaultDependsOn ?? []) : [];
      new k8s.apiextensions.CustomResource(`${name}-${target.suffix}`, target.object as any, {
        ...parent,
        dependsOn: [release, ...extra],
      });
    }
    new k8s.apiextensions.CustomResource(`${name}-alert-rules`, buildAlertRules() as any, { ...parent, dependsOn: [release] });

    this.registerOutputs({ namespace: this.namespace, monitoringLabels: this.monitoringLabels });
  }
}
