import { DEFAULT_DENY, FULL_QUOTA, agent, agentManifest, clone, messages, namespace, networkPolicy, quota, resource } from "../fixtures";
import { namespacePodSecurity, tenantDefaultDeny, tenantNamespaceLabelled, tenantResourceQuota, tenantVolumesEncrypted } from "./tenant";

describe("tenant policies", () => {
  it("ISO-01 requires each tenant namespace to carry its own tenant label, once per tenant", () => {
    expect(messages(tenantNamespaceLabelled, [namespace("tenant-acme"), namespace("tenant-globex")])).toEqual([]);
    const unlabelled = namespace("tenant-acme");
    delete unlabelled.inputs.metadata.labels["agent-platform.io/tenant"];
    const stray = namespace("sandbox", { "agent-platform.io/tenant": "acme" });
    stray.inputs.metadata.labels["agent-platform.io/tenant"] = "acme";
    expect(messages(tenantNamespaceLabelled, [unlabelled, namespace("tenant-acme-2", {}), stray])).toEqual([
      "Namespace tenant-acme is labelled agent-platform.io/tenant=(none): label it agent-platform.io/tenant=acme.",
      "Namespace sandbox carries agent-platform.io/tenant=acme but is not named tenant-acme: rename it or remove the label.",
    ]);
    const twin = namespace("tenant-acme2");
    twin.inputs.metadata.labels["agent-platform.io/tenant"] = "acme";
    expect(messages(tenantNamespaceLabelled, [namespace("tenant-acme"), twin])).toEqual([
      "Namespace tenant-acme2 is labelled agent-platform.io/tenant=acme: label it agent-platform.io/tenant=acme2.",
      "Tenant acme has 2 namespaces (tenant-acme, tenant-acme2): give each tenant exactly one.",
    ]);
  });

  it("ISO-02 requires a default-deny NetworkPolicy for ingress and egress in every tenant namespace", () => {
    expect(messages(tenantDefaultDeny, [namespace(), networkPolicy("default-deny", DEFAULT_DENY)])).toEqual([]);
    // Split into one policy per direction is just as closed.
    const split = [networkPolicy("deny-in", { podSelector: {}, policyTypes: ["Ingress"] }), networkPolicy("deny-out", { podSelector: {}, policyTypes: ["Egress"] })];
    expect(messages(tenantDefaultDeny, [namespace(), ...split])).toEqual([]);
    const fix = 'declare one with podSelector: {}, policyTypes: ["Ingress", "Egress"] and no rules.';
    expect(messages(tenantDefaultDeny, [namespace()])).toEqual([`Namespace tenant-acme has no default-deny NetworkPolicy for Ingress and Egress: ${fix}`]);
    const ingressOnly = networkPolicy("default-deny", { podSelector: {}, policyTypes: ["Ingress"] });
    const selective = networkPolicy("deny-agents", { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Egress"] });
    const withRule = networkPolicy("allow-out", { podSelector: {}, policyTypes: ["Egress"], egress: [{}] });
    const elsewhere = networkPolicy("default-deny", DEFAULT_DENY, "tenant-globex");
    expect(messages(tenantDefaultDeny, [namespace(), ingressOnly, selective, withRule, elsewhere])).toEqual([
      `Namespace tenant-acme has no default-deny NetworkPolicy for Egress: ${fix}`,
    ]);
  });

  it("ISO-04 requires a ResourceQuota that bounds compute, pods and storage and forbids LoadBalancer and NodePort services", () => {
    expect(messages(tenantResourceQuota, [namespace(), quota(FULL_QUOTA)])).toEqual([]);
    expect(messages(tenantResourceQuota, [namespace()])).toEqual([
      "Namespace tenant-acme has no ResourceQuota: declare one with hard limits.cpu, limits.memory, pods, requests.storage, services.loadbalancers, services.nodeports.",
    ]);
    const partial = Object.fromEntries(Object.entries(FULL_QUOTA).filter(([key]) => key !== "pods" && key !== "requests.storage"));
    expect(messages(tenantResourceQuota, [namespace(), quota({ ...partial, "services.nodeports": "2" })])).toEqual([
      "Namespace tenant-acme's ResourceQuota does not bound pods, requests.storage: add them to spec.hard.",
      'Namespace tenant-acme\'s ResourceQuota allows services.nodeports: set them to "0" in spec.hard.',
    ]);
  });

  it("CLU-03 requires a Pod Security Admission enforce label on every namespace, restricted for tenants", () => {
    const platform = namespace("istio-system", { "pod-security.kubernetes.io/enforce": "privileged" });
    expect(messages(namespacePodSecurity, [namespace(), platform])).toEqual([]);
    const bare = namespace("falco");
    delete bare.inputs.metadata.labels["pod-security.kubernetes.io/enforce"];
    const relaxed = namespace("tenant-acme", { "pod-security.kubernetes.io/enforce": "baseline" });
    expect(messages(namespacePodSecurity, [bare, relaxed])).toEqual([
      "Namespace falco has no valid pod-security.kubernetes.io/enforce label: set it to restricted (or baseline/privileged with a reason).",
      "Namespace tenant-acme enforces baseline: tenant namespaces must set pod-security.kubernetes.io/enforce to restricted.",
    ]);
  });

  it("ISO-13 requires every tenant volume to use a KMS-encrypted StorageClass", () => {
    const storageClass = (parameters: Record<string, string>, name = "gp3-encrypted") =>
      resource("kubernetes:storage.k8s.io/v1:StorageClass", { kind: "StorageClass", metadata: { name }, provisioner: "ebs.csi.aws.com", parameters });
    const encrypted = storageClass({ encrypted: "true", kmsKeyId: "arn:aws:kms:us-east-1:1:key/k" });
    expect(messages(tenantVolumesEncrypted, [encrypted, agent()])).toEqual([]);
    const where = 'StatefulSet tenant-acme/agent volume claim "workspace"';
    expect(messages(tenantVolumesEncrypted, [storageClass({ encrypted: "true" }), agent()])).toEqual([
      `${where} uses StorageClass gp3-encrypted, which is not KMS-encrypted: set parameters.encrypted "true" and parameters.kmsKeyId.`,
    ]);
    expect(messages(tenantVolumesEncrypted, [agent()])).toEqual([
      `${where} uses StorageClass gp3-encrypted, not declared here: declare it encrypted or list it in externalEncryptedStorageClasses.`,
    ]);
    // A tenants shard reads the platform stack, which declares the class (and is held to it there).
    const platform = resource("pulumi:pulumi:StackReference", { name: "example-org/agent-platform/prod" }, {}, "platform");
    expect(messages(tenantVolumesEncrypted, [platform, agent()])).toEqual([]);
    expect(messages(tenantVolumesEncrypted, [platform, agent()], { "tenant-volumes-encrypted": { externalEncryptedStorageClasses: [] } })).toEqual([
      `${where} uses StorageClass gp3-encrypted, not declared here: declare it encrypted or list it in externalEncryptedStorageClasses.`,
    ]);
    const unnamed = agentManifest();
    delete unnamed.spec.volumeClaimTemplates[0].spec.storageClassName;
    const claim = resource("kubernetes:core/v1:PersistentVolumeClaim", {
      kind: "PersistentVolumeClaim",
      metadata: { name: "scratch", namespace: "tenant-acme" },
      spec: { storageClassName: "gp2" },
    });
    expect(messages(tenantVolumesEncrypted, [encrypted, agent(clone(unnamed)), claim, storageClass({}, "gp2")])).toEqual([
      `${where} uses the default StorageClass: name an encrypted one in spec.storageClassName.`,
      'PersistentVolumeClaim tenant-acme/scratch volume claim "scratch" uses StorageClass gp2, which is not KMS-encrypted: set parameters.encrypted "true" and parameters.kmsKeyId.',
    ]);
  });
});
