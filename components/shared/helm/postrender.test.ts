import { execFileSync } from "child_process";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT } from "../../../scripts/engine/stackFile";
import { PART_OF_POSTRENDER } from "../values";

/** Runs the post-renderer as Helm does: rendered manifests on stdin, what it prints is applied. */
function postrender(manifests: string): any[] {
  const out = execFileSync(path.join(REPO_ROOT, PART_OF_POSTRENDER), { input: manifests, encoding: "utf8" });
  return parseAllDocuments(out).map((d) => d.toJS());
}

describe("the part-of post-renderer", () => {
  it("ADM-01 labels the Deployments and StatefulSets of charts that hard-code their labels, and leaves the rest as rendered", () => {
    const docs = postrender(
      [
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: vault\n  labels:\n    app.kubernetes.io/name: vault\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: vault\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: operator\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other\n  labels:\n    app.kubernetes.io/part-of: someone-else\n",
      ].join("---\n"),
    );
    expect(docs.map((d) => [d.kind, d.metadata.name, d.metadata.labels ?? null])).toEqual([
      ["StatefulSet", "vault", { "app.kubernetes.io/name": "vault", "app.kubernetes.io/part-of": "agent-platform" }],
      ["Service", "vault", null],
      ["Deployment", "operator", { "app.kubernetes.io/part-of": "agent-platform" }],
      ["Deployment", "other", { "app.kubernetes.io/part-of": "someone-else" }],
    ]);
  });
});
