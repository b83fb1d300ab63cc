import { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DeclaredResource, PackConfig, runPolicies } from "./testing";

/**
 * Small, compliant resources for the policy tests, shaped like the program's own (see
 * out/prod/resources.json); each test breaks one thing and expects one exact message.
 */

let serial = 0;

export function resource(type: string, inputs: Record<string, any>, options: DeclaredResource["options"] = {}, name?: string): DeclaredResource {
  const id = name ?? `${inputs.metadata?.namespace ?? "r"}-${inputs.metadata?.name ?? "r"}-${serial++}`;
  return { urn: `urn:pulumi:test::agent-platform::${type}::${id}`, type, name: id, inputs, options: { protect: false, ...options } };
}

/** Messages `policy` reports for `resources`, in order. */
export function messages(policy: ResourceValidationPolicy | StackValidationPolicy, resources: DeclaredResource[], config: PackConfig = {}): string[] {
  return runPolicies([policy] as Policies, resources, config).violations.map((v) => v.message);
}

export const clone = <T>(value: T): T => structuredClone(value);

const labels = { "app.kubernetes.io/name": "agent", "app.kubernetes.io/part-of": "agent-platform", "agent-platform.io/workload": "agent" };
const hardened = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: "RuntimeDefault" },
};

export function namespace(name = "tenant-acme", extra: Record<string, string> = {}): DeclaredResource {
  const id = name.replace(/^tenant-/, "");
  return resource("kubernetes:core/v1:Namespace", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "agent-platform.io/tenant": id, "pod-security.kubernetes.io/enforce": "restricted", ...extra } },
  });
}

/** The agent's StatefulSet as the tenant component declares it: gateway plus auth-guard. */
export function agentManifest(namespaceName = "tenant-acme"): any {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "agent", namespace: namespaceName, labels },
    spec: {
      replicas: 1,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          runtimeClassName: "gvisor",
          dnsPolicy: "None",
          dnsConfig: { nameservers: ["1.1.1.1"], searches: [] },
          enableServiceLinks: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "gateway",
              image: "ghcr.io/openclaw/openclaw:2026.4.15",
              args: ["gateway", "--bind", "loopback", "--port", "18789"],
              env: [
                { name: "HTTPS_PROXY", value: "http://172.20.0.10:3128" },
                { name: "ANTHROPIC_BASE_URL", value: "https://egress-proxy.tenant-acme.internal:8443" },
                { name: "NODE_EXTRA_CA_CERTS", value: "/etc/agent-platform/tenant-ca/ca.crt" },
              ],
              resources: { limits: { cpu: "2", memory: "4Gi" } },
              securityContext: { ...hardened, readOnlyRootFilesystem: false },
              volumeMounts: [{ name: "tenant-ca-cert", mountPath: "/etc/agent-platform/tenant-ca", readOnly: true }],
            },
            {
              name: "auth-guard",
              image: "quay.io/oauth2-proxy/oauth2-proxy:v7.12.0",
              args: ["--http-address=127.0.0.1:4180", "--upstream=http://127.0.0.1:18789/"],
              resources: { limits: { cpu: "200m", memory: "128Mi" } },
              securityContext: hardened,
            },
          ],
          volumes: [{ name: "tenant-ca-cert", secret: { secretName: "egress-proxy-tls", items: [{ key: "ca.crt", path: "ca.crt" }] } }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: "workspace" }, spec: { storageClassName: "gp3-encrypted" } }],
    },
  };
}

export function agent(manifest: any = agentManifest()): DeclaredResource {
  return resource("kubernetes:apps/v1:StatefulSet", manifest);
}

export function networkPolicy(name: string, spec: any, namespaceName = "tenant-acme"): DeclaredResource {
  return resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: namespaceName },
    spec,
  });
}

export const DEFAULT_DENY = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

export const PUBLIC_EXCEPT = ["10.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"];

/** The egress proxy's rule set: DNS to 1.1.1.1, HTTPS anywhere public. */
export const PROXY_EGRESS = {
  podSelector: { matchLabels: { "agent-platform.io/workload": "egress-proxy" } },
  policyTypes: ["Egress"],
  egress: [
    { to: [{ ipBlock: { cidr: "1.1.1.1/32" } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
    { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PUBLIC_EXCEPT } }], ports: [{ protocol: "TCP", port: 443 }] },
  ],
};

export function quota(hard: Record<string, string>, namespaceName = "tenant-acme"): DeclaredResource {
  return resource("kubernetes:core/v1:ResourceQuota", {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: "tenant-quota", namespace: namespaceName },
    spec: { hard },
  });
}

export const FULL_QUOTA = {
  "limits.cpu": "4",
  "limits.memory": "8Gi",
  pods: "2",
  "requests.storage": "20Gi",
  "services.loadbalancers": "0",
  "services.nodeports": "0",
};

export function helmRelease(chart: string, values: any, name = chart): DeclaredResource {
  return resource("kubernetes:helm.sh/v3:Release", { chart, name, namespace: chart, values }, {}, name);
}
