import * as fs from "fs";
import * as path from "path";
import { buildCatalog } from "../../controls/catalog";
import { vaultEvidence } from "../../controls/evidence/vault";
import { REPO_ROOT } from "../../scripts/engine/stackFile";

/*
 * The catalog test checks evidence once controls/catalog.ts lists vaultEvidence; until then these
 * run the same checks on the Vault evidence alone, with the catalog test's title pattern.
 */
const CONTROL_ID = /^(ISO|NET|EDGE|AUTH|SEC|ADM|RUN|CLU|DATA|APP)-\d\d$/;
const TEST_TITLE = /\b(?:it|test)\(\s*(["'`])((?:\\.|(?!\1).)*)\1/g;

function titles(file: string): string[] {
  return [...fs.readFileSync(path.join(REPO_ROOT, file), "utf8").matchAll(TEST_TITLE)].map((m) => m[2]);
}

describe("vault evidence", () => {
  it("names known controls and points at files that hold each symbol", () => {
    expect(() => buildCatalog(vaultEvidence)).not.toThrow();
    const missing = vaultEvidence.flatMap((e) =>
      e.enforcedBy
        .filter((place) => !fs.readFileSync(path.join(REPO_ROOT, place.file), "utf8").includes(place.symbol))
        .map((place) => `${e.control}: ${place.file} lacks ${place.symbol}`),
    );
    expect(missing).toEqual([]);
  });

  it("points every proof at an existing test and lists every control-named test of the component", () => {
    const missing = vaultEvidence.flatMap((e) =>
      e.provenBy.filter((ref) => !titles(ref.file).includes(ref.test)).map((ref) => `${e.control}: ${ref.file}: ${ref.test}`),
    );
    expect(missing).toEqual([]);
    const claimed = new Set(vaultEvidence.flatMap((e) => e.provenBy.map((ref) => `${e.control}|${ref.file}|${ref.test}`)));
    const dir = path.join(REPO_ROOT, "components/vault");
    const unlisted = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith(".test.ts"))
      .map((name) => `components/vault/${name}`)
      .flatMap((file) =>
        titles(file)
          .filter((title) => CONTROL_ID.test(title.split(" ")[0]))
          .filter((title) => !claimed.has(`${title.split(" ")[0]}|${file}|${title}`))
          .map((title) => `${file}: ${title}`),
      );
    expect(unlisted).toEqual([]);
  });
});
