import { PlannedResource, diffPlans, formatDiff } from "./diff";

const resource = (type: string, name: string, inputs: Record<string, unknown>, options: Record<string, unknown> = {}): PlannedResource => ({
  urn: `urn:pulumi:prod::agent-platform::${type}::${name}`,
  type,
  name,
  inputs,
  options,
});

const statefulSet = (storage: string, cpu: string) =>
  resource("kubernetes:apps/v1:StatefulSet", "tenant-acme-agent", {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "agent", namespace: "tenant-acme" },
    spec: {
      template: { spec: { containers: [{ name: "gateway", resources: { limits: { cpu } } }] } },
      volumeClaimTemplates: [{ metadata: { name: "workspace" }, spec: { resources: { requests: { storage } } } }],
    },
  });

describe("the offline diff", () => {
  it("labels a change to an immutable StatefulSet field a replacement, and lists it first as stateful", () => {
    const changes = diffPlans([statefulSet("20Gi", "2")], [statefulSet("50Gi", "4")]);
    expect(changes.map((c) => [c.kind, c.stateful, c.forcing])).toEqual([
      ["replace", true, ['inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage: "20Gi" -> "50Gi"']],
    ]);
    expect(formatDiff(changes).split("\n")).toEqual([
      "**Stateful resources replaced or deleted (review these first):**",
      "",
      "- **replace** `urn:pulumi:prod::agent-platform::kubernetes:apps/v1:StatefulSet::tenant-acme-agent` (forced by inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage)",
      "",
      "+- replace urn:pulumi:prod::agent-platform::kubernetes:apps/v1:StatefulSet::tenant-acme-agent",
      '    inputs.spec.template.spec.containers[0].resources.limits.cpu: "2" -> "4"',
      '    inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage: "20Gi" -> "50Gi"   (forces replacement)',
      "0 to create, 0 to update, 1 to replace, 0 to delete",
    ]);
  });

  it("labels a change to the pod template alone an update", () => {
    expect(diffPlans([statefulSet("20Gi", "2")], [statefulSet("20Gi", "4")]).map((c) => c.kind)).toEqual(["update"]);
  });

  it("says what a deletion of a stateful resource does: kept, or refused by protect", () => {
    const namespace = resource("kubernetes:core/v1:Namespace", "tenant-globex-namespace", { metadata: { name: "tenant-globex" } }, { retainOnDelete: true });
    const key = resource("aws:kms/key:Key", "cluster-secrets", { description: "secrets" }, { protect: true });
    const text = formatDiff(diffPlans([namespace, key], []));
    expect(text.split("\n").slice(0, 4)).toEqual([
      "**Stateful resources replaced or deleted (review these first):**",
      "",
      "- **delete** `urn:pulumi:prod::agent-platform::kubernetes:core/v1:Namespace::tenant-globex-namespace` (kept: Pulumi forgets it, the cloud keeps it)",
      "- **delete** `urn:pulumi:prod::agent-platform::aws:kms/key:Key::cluster-secrets` (protected: the up stops here until `protect` is lifted)",
    ]);
    expect(text.endsWith("0 to create, 0 to update, 0 to replace, 2 to delete")).toBe(true);
  });

  it("says so when nothing changed", () => {
    expect(formatDiff(diffPlans([statefulSet("20Gi", "2")], [statefulSet("20Gi", "2")]))).toBe("No changes. 0 to create, 0 to update, 0 to replace, 0 to delete");
  });
});
