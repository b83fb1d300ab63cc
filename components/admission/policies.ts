/**
 * The Gatekeeper policy bundle as plain Kubernetes objects: ConstraintTemplates built from the
 * `.rego` sources next to this file, their Constraints, and the ExpansionTemplates that let Pod
 * constraints judge workload templates at admission. The component declares these objects, the
 * gator suites test them, and a later self-consistency test can run them over the plan's manifests.
 */
import * as fs from "fs";
import * as path from "path";
import { Exemption } from "../../controls/types";
import { ISTIO_PROXY_IMAGE } from "../mesh/defaults";
import { AGENT_WORKLOAD_LABELS, INGRESS_NAMESPACE, MESH_TOKEN_AUDIENCE, SIDECAR_CONTAINER } from "../mesh/identities";
import { NAMES } from "../tenant/defaults";
import { VAULT_CONFIG } from "../vault/defaults";
import { SANDBOX_RUNTIME_CLASS, TENANT_LABEL } from "./defaults";
import { EXEMPTIONS_SCHEMA, NAMESPACE_EXEMPTIONS, WORKLOAD_EXEMPTIONS, WorkloadExemption, exemptionsFor } from "./exemptions";

export type LatestTagMode = "warn" | "deny";
export type EnforcementAction = "deny" | "warn" | "dryrun";

/** Which objects a constraint judges. */
export type PolicyScope =
  /** Deployments and StatefulSets in every non-exempt namespace. */
  | "workloads"
  /** Pods (and, via expansion, pod templates) in every non-exempt namespace. */
  | "pods"
  /** Pods in tenant namespaces only (namespaces labelled TENANT_LABEL). */
  | "tenantPods";

export interface PolicyBundleArgs {
  /** ADM-05: whether `:latest` or untagged images are warned about or refused. @default "warn" */
  latestTag?: LatestTagMode;
  /** Registries images must come from; empty means any. @default [] */
  allowedRegistries?: string[];
  /** Namespaces excluded from every constraint. @default NAMESPACE_EXEMPTIONS */
  exemptions?: readonly Exemption[];
  /** Platform workloads exempt from named constraints only. @default WORKLOAD_EXEMPTIONS */
  workloadExemptions?: readonly WorkloadExemption[];
  /** The only RuntimeClass tenant pods may use, and under which root-in-userns is allowed. @default "gvisor" */
  sandboxRuntimeClass?: string;
}

export interface PolicyDefinition {
  /** Folder under policies/ holding src.rego; also the constraint's name. */
  name: string;
  /** The constraint kind; the template's name is its lower-case form. */
  kind: string;
  controls: string[];
  scope: PolicyScope;
  /** OpenAPI properties of the constraint's parameters. */
  parameterSchema: Record<string, unknown>;
  parameters(args: Required<PolicyBundleArgs>): Record<string, unknown>;
  enforcementAction(args: Required<PolicyBundleArgs>): EnforcementAction;
  /** Left out of the bundle when this says so (e.g. no registry list configured). */
  enabled?(args: Required<PolicyBundleArgs>): boolean;
  /** Rego libraries under policies/lib the source imports as `data.lib.<name>`. @default [] */
  libs?: string[];
}

/** ADM-05 is a warning unless the stack asks for refusal (config `admission.latestTag`). */
export function latestTagEnforcementAction(mode: LatestTagMode): EnforcementAction {
  return mode === "deny" ? "deny" : "warn";
}

/** Capabilities that lead out of a container; dropping them is the floor when ALL is not dropped. */
export const REQUIRED_DROPS = ["SYS_ADMIN", "NET_RAW", "SYS_PTRACE", "MKNOD", "SYS_MODULE"];
/** Binding a port below 1024 is the only privilege a container may take back. */
export const ALLOWED_ADDS = ["NET_BIND_SERVICE"];
/** Containers held to AUTH-02; the tenant component must name its auth guard container so. */
export const HARDENED_SIDECARS = ["auth-guard"];
export const REQUIRED_WORKLOAD_LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/part-of"];
/** SEC-09: the pods that are agents, and the Secrets they may not read (or only ca.crt of). */
const [[agentLabelKey, agentLabelValue]] = Object.entries(AGENT_WORKLOAD_LABELS);
const AGENT_LABEL = { agentLabelKey, agentLabelValue };
export const CUSTODY_SECRETS = { providerKeySecret: VAULT_CONFIG.aiProviderSecretName, tenantCaSecret: NAMES.tenantCaSecret, proxyTlsSecret: NAMES.proxyTlsSecret };

const stringArray = { type: "array", items: { type: "string" } };
const deny = () => "deny" as const;

export const POLICIES: PolicyDefinition[] = [
  {
    name: "requiredlabels",
    kind: "K8sAgentRequiredLabels",
    controls: ["ADM-01"],
    scope: "workloads",
    parameterSchema: { labels: stringArray },
    parameters: () => ({ labels: REQUIRED_WORKLOAD_LABELS }),
    enforcementAction: deny,
  },
  {
    name: "hostisolation",
    kind: "K8sAgentHostIsolation",
    controls: ["ADM-02", "ISO-14"],
    scope: "pods",
    parameterSchema: { exemptions: EXEMPTIONS_SCHEMA },
    parameters: (args) => ({ exemptions: exemptionsFor("hostisolation", args.workloadExemptions) }),
    libs: ["exemptions"],
    enforcementAction: deny,
  },
  {
    name: "containerlimits",
    kind: "K8sAgentContainerLimits",
    controls: ["ADM-03", "ISO-12"],
    scope: "pods",
    parameterSchema: { resources: stringArray },
    parameters: () => ({ resources: ["cpu", "memory"] }),
    enforcementAction: deny,
  },
  {
    name: "runasnonroot",
    kind: "K8sAgentRunAsNonRoot",
    controls: ["ADM-04", "ISO-11"],
    scope: "pods",
    parameterSchema: { rootAllowedRuntimeClasses: stringArray, exemptions: EXEMPTIONS_SCHEMA },
    parameters: (args) => ({
      rootAllowedRuntimeClasses: [args.sandboxRuntimeClass],
      exemptions: exemptionsFor("runasnonroot", args.workloadExemptions),
    }),
    libs: ["exemptions"],
    enforcementAction: deny,
  },
  {
    name: "disallowlatest",
    kind: "K8sAgentDisallowLatest",
    controls: ["ADM-05"],
    scope: "pods",
    parameterSchema: {},
    parameters: () => ({}),
    enforcementAction: (args) => latestTagEnforcementAction(args.latestTag),
  },
  {
    name: "capabilities",
    kind: "K8sAgentCapabilities",
    controls: ["ISO-07"],
    scope: "pods",
    parameterSchema: { requiredDrops: stringArray, allowedAdds: stringArray, exemptions: EXEMPTIONS_SCHEMA },
    parameters: (args) => ({
      requiredDrops: REQUIRED_DROPS,
      allowedAdds: ALLOWED_ADDS,
      exemptions: exemptionsFor("capabilities", args.workloadExemptions),
    }),
    libs: ["exemptions"],
    enforcementAction: deny,
  },
  {
    name: "seccomp",
    kind: "K8sAgentSeccomp",
    controls: ["ISO-06"],
    scope: "pods",
    parameterSchema: { allowedProfiles: stringArray },
    parameters: () => ({ allowedProfiles: ["RuntimeDefault", "Localhost"] }),
    enforcementAction: deny,
  },
  {
    name: "noprivilegeescalation",
    kind: "K8sAgentNoPrivilegeEscalation",
    controls: ["ISO-08"],
    scope: "pods",
    parameterSchema: { exemptions: EXEMPTIONS_SCHEMA },
    parameters: (args) => ({ exemptions: exemptionsFor("noprivilegeescalation", args.workloadExemptions) }),
    libs: ["exemptions"],
    enforcementAction: deny,
  },
  {
    name: "noautomounttoken",
    kind: "K8sAgentNoAutomountToken",
    controls: ["ISO-09"],
    scope: "tenantPods",
    parameterSchema: { allowedTokenAudiences: stringArray, tokenContainers: stringArray },
    // The mesh sidecar's own token is for istiod, never for the API server (see the .rego).
    parameters: () => ({ allowedTokenAudiences: [MESH_TOKEN_AUDIENCE], tokenContainers: [SIDECAR_CONTAINER] }),
    enforcementAction: deny,
  },
  {
    name: "requireruntimeclass",
    kind: "K8sAgentRequireRuntimeClass",
    controls: ["ISO-10"],
    scope: "tenantPods",
    parameterSchema: { allowed: stringArray },
    parameters: (args) => ({ allowed: [args.sandboxRuntimeClass] }),
    enforcementAction: deny,
  },
  {
    name: "hardenedsidecars",
    kind: "K8sAgentHardenedSidecars",
    controls: ["AUTH-02", "ISO-07"],
    scope: "tenantPods",
    parameterSchema: { containers: stringArray },
    parameters: () => ({ containers: HARDENED_SIDECARS }),
    enforcementAction: deny,
  },
  {
    name: "providerkeycustody",
    kind: "K8sAgentProviderKeyCustody",
    controls: ["SEC-09"],
    scope: "tenantPods",
    parameterSchema: {
      agentLabelKey: { type: "string" },
      agentLabelValue: { type: "string" },
      providerKeySecret: { type: "string" },
      tenantCaSecret: { type: "string" },
      proxyTlsSecret: { type: "string" },
    },
    parameters: () => ({ ...AGENT_LABEL, ...CUSTODY_SECRETS }),
    enforcementAction: deny,
  },
  {
    name: "allowedregistries",
    kind: "K8sAgentAllowedRegistries",
    controls: [],
    scope: "pods",
    parameterSchema: { registries: stringArray },
    parameters: (args) => ({ registries: args.allowedRegistries }),
    enforcementAction: deny,
    enabled: (args) => args.allowedRegistries.length > 0,
  },
];

export function withDefaults(args: PolicyBundleArgs = {}): Required<PolicyBundleArgs> {
  return {
    latestTag: args.latestTag ?? "warn",
    allowedRegistries: args.allowedRegistries ?? [],
    exemptions: args.exemptions ?? NAMESPACE_EXEMPTIONS,
    workloadExemptions: args.workloadExemptions ?? WORKLOAD_EXEMPTIONS,
    sandboxRuntimeClass: args.sandboxRuntimeClass ?? SANDBOX_RUNTIME_CLASS,
  };
}

export function regoSource(policy: PolicyDefinition): string {
  return fs.readFileSync(path.join(__dirname, "policies", policy.name, "src.rego"), "utf8");
}

export function regoLibrary(name: string): string {
  return fs.readFileSync(path.join(__dirname, "policies", "lib", `${name}.rego`), "utf8");
}

/**
 * The ConstraintTemplate with the Rego embedded, because neither Gatekeeper nor gator reads a
 * `.rego` file. Rego v1 syntax is only accepted in the `code` form; the legacy `rego` field is v0.
 */
export function constraintTemplate(policy: PolicyDefinition): Record<string, any> {
  return {
    apiVersion: "templates.gatekeeper.sh/v1",
    kind: "ConstraintTemplate",
    metadata: { name: policy.kind.toLowerCase(), annotations: { "agent-platform.io/controls": policy.controls.join(",") } },
    spec: {
      crd: {
        spec: {
          names: { kind: policy.kind },
          validation: { openAPIV3Schema: { type: "object", properties: policy.parameterSchema } },
        },
      },
      targets: [
        {
          target: "admission.k8s.gatekeeper.sh",
          code: [
            {
              engine: "Rego",
              source: { version: "v1", rego: regoSource(policy), ...(policy.libs?.length ? { libs: policy.libs.map(regoLibrary) } : {}) },
            },
          ],
        },
      ],
    },
  };
}

function match(scope: PolicyScope, exemptions: readonly Exemption[]): Record<string, unknown> {
  const kinds =
    scope === "workloads"
      ? [{ apiGroups: ["apps"], kinds: ["Deployment", "StatefulSet"] }]
      : [{ apiGroups: [""], kinds: ["Pod"] }];
  return {
    kinds,
    excludedNamespaces: exemptions.map((e) => e.namespace),
    ...(scope === "tenantPods"
      ? { namespaceSelector: { matchExpressions: [{ key: TENANT_LABEL, operator: "Exists" }] } }
      : {}),
  };
}

export function constraint(policy: PolicyDefinition, args: Required<PolicyBundleArgs>): Record<string, any> {
  const parameters = policy.parameters(args);
  return {
    apiVersion: "constraints.gatekeeper.sh/v1beta1",
    kind: policy.kind,
    metadata: { name: policy.name },
    spec: {
      enforcementAction: policy.enforcementAction(args),
      match: match(policy.scope, args.exemptions),
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    },
  };
}

/**
 * Pod constraints see a workload's pod template when the workload is admitted, so a bad
 * Deployment is refused at `kubectl apply` rather than failing silently in its ReplicaSet.
 */
export function expansionTemplates(): Record<string, any>[] {
  const expansion = (name: string, applyTo: unknown[], templateSource: string) => ({
    apiVersion: "expansion.gatekeeper.sh/v1beta1",
    kind: "ExpansionTemplate",
    metadata: { name },
    spec: { applyTo, templateSource, generatedGVK: { kind: "Pod", group: "", version: "v1" } },
  });
  return [
    expansion(
      "expand-workloads",
      [
        { groups: ["apps"], kinds: ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"], versions: ["v1"] },
        { groups: ["batch"], kinds: ["Job"], versions: ["v1"] },
      ],
      "spec.template",
    ),
    expansion("expand-cronjobs", [{ groups: ["batch"], kinds: ["CronJob"], versions: ["v1"] }], "spec.jobTemplate.spec.template"),
  ];
}

/**
 * The Istio gateway chart's container image is the placeholder `auto`, which the sidecar injector
 * replaces when the pod is created. Gatekeeper judges a Deployment by the pod its expansion
 * generates, which no injector touches, so `auto` would fail ADM-05 and refuse the gateway. This
 * mutator does to the generated pod what the injector does to the real one, and nothing else:
 * source Generated never touches a stored object, and only `auto` in the gateway's namespace.
 */
export function expansionMutators(): Record<string, any>[] {
  return [
    {
      apiVersion: "mutations.gatekeeper.sh/v1",
      kind: "Assign",
      metadata: { name: "gateway-injected-proxy-image" },
      spec: {
        applyTo: [{ groups: [""], kinds: ["Pod"], versions: ["v1"] }],
        match: { source: "Generated", scope: "Namespaced", kinds: [{ apiGroups: [""], kinds: ["Pod"] }], namespaces: [INGRESS_NAMESPACE] },
        location: `spec.containers[name:${SIDECAR_CONTAINER}].image`,
        parameters: {
          pathTests: [{ subPath: `spec.containers[name:${SIDECAR_CONTAINER}]`, condition: "MustExist" }],
          assignIf: { in: ["auto"] },
          assign: { value: ISTIO_PROXY_IMAGE },
        },
      },
    },
  ];
}

export interface PolicyBundle {
  policies: PolicyDefinition[];
  templates: Record<string, any>[];
  constraints: Record<string, any>[];
  expansions: Record<string, any>[];
  mutators: Record<string, any>[];
}

/** Every Gatekeeper object of the platform for the given settings; pure apart from reading the Rego. */
export function renderPolicyBundle(input: PolicyBundleArgs = {}): PolicyBundle {
  const args = withDefaults(input);
  const policies = POLICIES.filter((p) => p.enabled?.(args) ?? true);
  return {
    policies,
    templates: policies.map(constraintTemplate),
    constraints: policies.map((p) => constraint(p, args)),
    expansions: expansionTemplates(),
    mutators: expansionMutators(),
  };
}
