/**
 * Runtime detection: host Falco (modern eBPF) on every node, sandbox nodes included,
 * falcosidekick routing alerts to the operator's webhook, and metrics. The agent rules
 * (RUN-01..07) live in rules/agent-rules.yaml; the chart values are pure functions. What host
 * Falco cannot see inside gVisor sandboxes is docs/decisions/falco-and-gvisor.md's subject.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterNetworkInput, declareNetworkPolicies } from "../network/declare";
import { mergeValues } from "../shared/values";
import { platformNamespace } from "../shared/namespace";
import { ALERT_WEBHOOK_KEY, alertWebhookSecret } from "../shared/secrets";
import {
  AGENT_RULES_NAME,
  CONTAINERD_SOCKET,
  FALCOCTL_RESOURCES,
  FALCOCTL_UID,
  FALCO_CAPABILITIES,
  FALCO_CHART,
  FALCO_METRICS_PORT,
  FALCO_NAMESPACE,
  FALCO_RELEASE,
  SANDBOX_TAINT_KEY,
  SIDEKICK_PORT,
  SIDEKICK_RESOURCES,
  SIDEKICK_UID,
} from "./defaults";
import { falcoAlertRules } from "./monitoring";
import { buildFalcoPolicies } from "./network";
import { agentRulesYaml } from "./rules";

export type FalcoPriority = "emergency" | "alert" | "critical" | "error" | "warning" | "notice" | "informational" | "debug";
export type AlertWebhookKind = "slack" | "webhook";

interface Toleration {
  key?: string;
  operator: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** The Falco chart values this component sets (chart 9.1.1 key names); others pass through. */
export interface FalcoValues {
  driver?: { kind?: string; modernEbpf?: { leastPrivileged?: boolean } };
  /** Replaces the chart's computed container securityContext. */
  containerSecurityContext?: Record<string, unknown>;
  collectors?: { containerEngine?: { engines?: Record<string, { enabled?: boolean; sockets?: string[] }> }; [key: string]: unknown };
  falcoctl?: { artifact?: Record<"install" | "follow", { resources?: unknown; securityContext?: unknown }>; [key: string]: unknown };
  tolerations?: Toleration[];
  podAnnotations?: Record<string, string>;
  customRules?: Record<string, string>;
  falco?: Record<string, unknown>;
  metrics?: { enabled?: boolean; [key: string]: unknown };
  serviceMonitor?: { create?: boolean; labels?: Record<string, string>; [key: string]: unknown };
  falcosidekick?: { enabled?: boolean; config?: Record<string, unknown>; [key: string]: unknown };
  [key: string]: unknown;
}

export interface FalcoArgs {
  /** The cluster network: Falco's policies name no address, but wait for kube-system's. */
  network: ClusterNetworkInput;
  /** Taint key of the sandbox nodes; Falco tolerates it (NoSchedule) to run there too. @default SANDBOX_TAINT_KEY */
  sandboxTaintKey?: string;
  /**
   * The operator's alert webhook URL, as a Pulumi secret. It is stored in a Kubernetes Secret;
   * the chart only ever sees the Secret's name. @default undefined (no external alert output)
   */
  alertWebhookUrl?: pulumi.Input<string>;
  /** An existing Secret in the falco namespace with the URL under key `url`, instead of alertWebhookUrl. @default undefined */
  alertWebhookSecretName?: string;
  /** "slack" formats messages for a Slack incoming webhook; "webhook" posts Falco's JSON. @default "slack" */
  alertWebhookKind?: AlertWebhookKind;
  /** The lowest priority sent to the webhook; WARNING keeps RUN-01. @default "warning" */
  alertMinimumPriority?: FalcoPriority;
  /**
   * Create ServiceMonitors and alert rules; needs the Prometheus Operator's CRDs. Without them,
   * pods carry prometheus.io annotations instead. @default false
   */
  prometheusOperator?: boolean;
  /** Labels the monitors and rules need to be selected, e.g. `{ release: "kube-prometheus-stack" }`. @default {} */
  monitoringLabels?: Record<string, string>;
  /** Chart version of the host release. @default FALCO_CHART.version */
  chartVersion?: string;
  /** Chart values merged last into the host release. @default {} */
  values?: FalcoValues;
}

const SIDEKICK_ENV: Record<AlertWebhookKind, string> = { slack: "SLACK_WEBHOOKURL", webhook: "WEBHOOK_ADDRESS" };

/** Helm replaces lists, so the chart's own control-plane tolerations are restated. */
export function falcoTolerations(taintKey: string = SANDBOX_TAINT_KEY): Toleration[] {
  return [
    { key: taintKey, operator: "Exists", effect: "NoSchedule" },
    { key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule" },
    { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
  ];
}

export function scrapeAnnotations(port: number): Record<string, string> {
  return { "prometheus.io/scrape": "true", "prometheus.io/port": String(port), "prometheus.io/path": "/metrics" };
}

/** Falco's alert fields: JSON with the rendered output and the tags, which carry the control id. */
const JSON_OUTPUT = { json_output: true, json_include_output_property: true, json_include_tags_property: true };

export interface AlertOutput {
  secretName: string;
  kind: AlertWebhookKind;
  minimumPriority: FalcoPriority;
}

/** falcosidekick's settings: the URL comes from the Secret by reference, never as a value. */
export function sidekickValues(alert: AlertOutput | undefined, serviceMonitor: boolean, labels: Record<string, string> = {}): FalcoValues["falcosidekick"] {
  const config: Record<string, unknown> = {};
  if (alert) {
    // `env` wins over the chart's own envFrom Secret, which holds an empty value for this key.
    config.extraEnv = [
      { name: SIDEKICK_ENV[alert.kind], valueFrom: { secretKeyRef: { name: alert.secretName, key: ALERT_WEBHOOK_KEY } } },
    ];
    config[alert.kind] = { minimumpriority: alert.minimumPriority, ...(alert.kind === "slack" ? { outputformat: "all" } : {}) };
  }
  return {
    enabled: true,
    config,
    // ADM-03, ISO-06..08: the Deployment meets "restricted" once limits and contexts are set.
    resources: SIDEKICK_RESOURCES,
    podSecurityContext: { runAsNonRoot: true, runAsUser: SIDEKICK_UID, fsGroup: SIDEKICK_UID, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
    ...(serviceMonitor
      ? { serviceMonitor: { enabled: true, additionalLabels: labels } }
      : { podAnnotations: scrapeAnnotations(SIDEKICK_PORT) }),
  };
}

export interface HostValuesInput {
  taintKey?: string;
  alert?: AlertOutput;
  serviceMonitor?: boolean;
  serviceMonitorLabels?: Record<string, string>;
  rules?: string;
  overrides?: FalcoValues;
}

function falcoctlContainer() {
  return {
    resources: FALCOCTL_RESOURCES,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
      runAsNonRoot: true,
      runAsUser: FALCOCTL_UID,
      runAsGroup: FALCOCTL_UID,
    },
  };
}

/** Values of the host release: every node, sandbox nodes included. */
export function falcoValues(input: HostValuesInput = {}): FalcoValues {
  const serviceMonitor = input.serviceMonitor ?? false;
  const base: FalcoValues = {
    // modern_ebpf needs no kernel headers or module build; AL2023 kernels ship BTF. Least
    // privilege swaps `privileged` for BPF, PERFMON, SYS_RESOURCE and SYS_PTRACE.
    driver: { kind: "modern_ebpf", modernEbpf: { leastPrivileged: true } },
    // The same capabilities the chart's least-privileged mode grants, but with ALL dropped first,
    // no escalation and RuntimeDefault seccomp (containerd's profile allows bpf and
    // perf_event_open to holders of CAP_BPF and CAP_PERFMON). Falco still runs as root, exempt
    // from runasnonroot and from hostisolation for its listed paths (admission/exemptions.ts).
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      seccompProfile: { type: "RuntimeDefault" },
      capabilities: { drop: ["ALL"], add: [...FALCO_CAPABILITIES] },
    },
    // One container runtime socket from the host instead of six (docker, podman, cri-o, ...).
    collectors: {
      containerEngine: {
        engines: {
          docker: { enabled: false },
          podman: { enabled: false },
          containerd: { enabled: false },
          cri: { enabled: true, sockets: [CONTAINERD_SOCKET] },
        },
      },
    },
    // The artifact sidecars only fetch rules into emptyDirs: non-root and held to every rule.
    falcoctl: { artifact: { install: falcoctlContainer(), follow: falcoctlContainer() } },
    tolerations: falcoTolerations(input.taintKey),
    customRules: { [AGENT_RULES_NAME]: input.rules ?? agentRulesYaml() },
    // The stock rules load first; with the chart's `first`, their matches (NOTICE "Terminal shell
    // in container", "Read sensitive file untrusted", ...) would be the only alert for an event
    // RUN-01/05/06 also match, under another name and a lower priority.
    falco: { ...JSON_OUTPUT, rule_matching: "all" },
    metrics: { enabled: true },
    serviceMonitor: serviceMonitor ? { create: true, labels: input.serviceMonitorLabels ?? {} } : { create: false },
    ...(serviceMonitor ? {} : { podAnnotations: scrapeAnnotations(FALCO_METRICS_PORT) }),
    falcosidekick: sidekickValues(input.alert, serviceMonitor, input.serviceMonitorLabels),
  };
  return mergeValues(base, input.overrides);
}

export class Falco extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** The Secret holding the alert webhook URL, when one is configured. */
  readonly alertSecretName?: string;

  constructor(name: string, args: FalcoArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:runtime:Falco", name, {}, opts);
    const parent = { parent: this };
    if (args.alertWebhookUrl !== undefined && args.alertWebhookSecretName !== undefined) {
      throw new Error("Falco: give alertWebhookUrl or alertWebhookSecretName, not both");
    }

    // "privileged": Falco reads every node's syscalls through eBPF and mounts /proc, /etc and the
    // container runtime socket from the host; no lower Pod Security level admits that. Only
    // the platform deploys here, and Gatekeeper exempts the namespace for the same reason.
    const ns = platformNamespace(FALCO_NAMESPACE, { podSecurity: "privileged" }, parent);
    this.namespace = ns.metadata.name;
    const inNamespace = { ...parent, dependsOn: [ns] };

    let secretName = args.alertWebhookSecretName;
    const dependsOn: pulumi.Resource[] = [ns];
    if (args.alertWebhookUrl !== undefined) {
      secretName = `${name}-alert-webhook`;
      dependsOn.push(alertWebhookSecret(secretName, ns.metadata.name, args.alertWebhookUrl, inNamespace));
    }
    this.alertSecretName = secretName;
    const alert: AlertOutput | undefined = secretName
      ? { secretName, kind: args.alertWebhookKind ?? "slack", minimumPriority: args.alertMinimumPriority ?? "warning" }
      : undefined;

    // Falco and falcosidekick reach only each other, Prometheus and the internet's 443 (rules, alerts).
    const build = () => buildFalcoPolicies(FALCO_NAMESPACE, { alertWebhook: alert !== undefined });
    dependsOn.push(...declareNetworkPolicies(name, build, args.network, { ...parent, dependsOn: [ns, ...ns.networkBaseline] }));

    const release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: FALCO_RELEASE,
        chart: FALCO_CHART.chart,
        version: args.chartVersion ?? FALCO_CHART.version,
        repositoryOpts: { repo: FALCO_CHART.repo },
        namespace: ns.metadata.name,
        createNamespace: false,
        values: falcoValues({
          taintKey: args.sandboxTaintKey ?? SANDBOX_TAINT_KEY,
          serviceMonitor: args.prometheusOperator ?? false,
          serviceMonitorLabels: args.monitoringLabels ?? {},
          alert,
          overrides: args.values,
        }),
      },
      { ...parent, dependsOn },
    );

    if (args.prometheusOperator) {
      new k8s.apiextensions.CustomResource(`${name}-alert-rules`, falcoAlertRules(args.monitoringLabels) as any, {
        ...parent,
        dependsOn: [release],
      });
    }

    this.registerOutputs({ namespace: this.namespace, alertSecretName: this.alertSecretName });
  }
}
