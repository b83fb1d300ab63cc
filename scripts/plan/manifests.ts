import { stringify } from "yaml";
import type { CapturedResource } from "../engine/capture";

/** Kubernetes objects the program declares itself (not Helm releases, not providers). */
export function kubernetesObjects(resources: CapturedResource[]): CapturedResource[] {
  return resources.filter(
    (r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"),
  );
}

function toObject(resource: CapturedResource): Record<string, unknown> {
  const { apiVersion, kind, metadata, ...rest } = resource.inputs;
  return { apiVersion, kind, metadata: metadata ?? { name: resource.name }, ...rest };
}

/**
 * Groups the objects into one multi-document YAML file per namespace (`_cluster.yaml` for
 * cluster-scoped objects), in declaration order, ready for `kubectl diff` or a manifest scanner.
 */
export function renderManifests(resources: CapturedResource[]): Map<string, string> {
  const byFile = new Map<string, Record<string, unknown>[]>();
  for (const resource of kubernetesObjects(resources)) {
    const object = toObject(resource);
    const namespace = (object.metadata as { namespace?: string }).namespace;
    const file = `${namespace ?? "_cluster"}.yaml`;
    byFile.set(file, [...(byFile.get(file) ?? []), object]);
  }
  const rendered = new Map<string, string>();
  for (const [file, objects] of [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    rendered.set(file, objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n"));
  }
  return rendered;
}
