import * as fs from "fs";
import * as path from "path";
import { EVIDENCE, buildCatalog } from "../controls/catalog";
import { CONTROL_DEFINITIONS } from "../controls/definitions";
import { policyEvidence } from "../controls/evidence/policy";
import { REPO_ROOT } from "../scripts/engine/stackFile";

// The catalog test's own reading of test titles, so this check agrees with it.
const TEST_TITLE = /\b(?:it|test)\(\s*(["'`])((?:\\.|(?!\1).)*)\1/g;
const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
const titles = (file: string) => [...read(file).matchAll(TEST_TITLE)].map((m) => m[2]);

function packTests(dir = path.join(REPO_ROOT, "policy-pack")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : packTests(full);
    return entry.name.endsWith(".test.ts") ? [path.relative(REPO_ROOT, full)] : [];
  });
}

describe("policy evidence", () => {
  it("points every policy enforcement at the module that declares it and every proof at an existing test", () => {
    const missing = policyEvidence.flatMap((e) => [
      ...e.enforcedBy.filter((p) => !read(p.file).includes(p.symbol)).map((p) => `${e.control}: ${p.file} lacks ${p.symbol}`),
      ...e.provenBy.filter((t) => !titles(t.file).includes(t.test)).map((t) => `${e.control}: no test "${t.test}" in ${t.file}`),
    ]);
    expect(missing).toEqual([]);
  });

  it("lists every pack test named after a control among that control's proofs", () => {
    const claimed = new Set(policyEvidence.flatMap((e) => e.provenBy.map((t) => `${e.control}|${t.file}|${t.test}`)));
    const unlisted = packTests().flatMap((file) =>
      titles(file)
        .filter((title) => /^(ISO|NET|EDGE|AUTH|SEC|ADM|RUN|CLU|DATA)-\d\d$/.test(title.split(" ")[0]))
        .filter((title) => !claimed.has(`${title.split(" ")[0]}|${file}|${title}`))
        .map((title) => `${file}: "${title}"`),
    );
    expect(unlisted).toEqual([]);
  });

  it("covers the pack layer of every control that has one, once added to the catalog", () => {
    const catalog = buildCatalog([...EVIDENCE.filter((e) => !policyEvidence.includes(e)), ...policyEvidence]);
    const uncovered = CONTROL_DEFINITIONS.filter((d) => d.layers.includes("pack"))
      .filter((d) => !catalog.find((c) => c.id === d.id)!.coveredLayers.includes("pack"))
      .map((d) => d.id);
    // Every control the pack claims has a policy that covers it.
    expect(uncovered).toEqual([]);
  });
});
