import * as fs from "fs";
import * as path from "path";
import { EVIDENCE, buildCatalog } from "../controls/catalog";
import { CONTROL_DEFINITIONS } from "../controls/definitions";
import { REPO_ROOT } from "../scripts/engine/stackFile";

const CONTROL_ID = /^(ISO|NET|EDGE|AUTH|SEC|ADM|RUN|CLU|DATA|APP)-\d\d$/;
const TEST_TITLE = /\b(?:it|test)\(\s*(["'`])((?:\\.|(?!\1).)*)\1/g;

function testTitles(file: string): string[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
  return [...text.matchAll(TEST_TITLE)].map((m) => m[2]);
}

function testFiles(dir = REPO_ROOT): string[] {
  const skip = new Set(["node_modules", "out", ".git", ".tools", "bin"]);
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith(".test.ts") ? [path.relative(REPO_ROOT, full)] : [];
  });
}

describe("control catalog", () => {
  const catalog = buildCatalog();

  it("lists every control of the seeds once, with a stable id", () => {
    const ids = CONTROL_DEFINITIONS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !CONTROL_ID.test(id))).toEqual([]);
    // 56 of the seeds and the platform, SEC-09, DATA-01..04 and APP-01..05 (shared/controls.md).
    expect(ids.length).toBe(66);
    expect(CONTROL_DEFINITIONS.filter((c) => c.external).map((c) => c.id)).toEqual(["APP-01", "APP-02", "APP-03", "APP-04", "APP-05"]);
  });

  it("points every enforcement at a file that holds it", () => {
    const missing = EVIDENCE.flatMap((e) =>
      e.enforcedBy
        .filter((place) => {
          const file = path.join(REPO_ROOT, place.file);
          return !fs.existsSync(file) || !fs.readFileSync(file, "utf8").includes(place.symbol);
        })
        .map((place) => `${e.control}: ${place.file} does not contain ${JSON.stringify(place.symbol)}`),
    );
    expect(missing).toEqual([]);
  });

  it("points every proof at a test that exists", () => {
    const missing = EVIDENCE.flatMap((e) =>
      e.provenBy
        .filter((ref) => !fs.existsSync(path.join(REPO_ROOT, ref.file)) || !testTitles(ref.file).includes(ref.test))
        .map((ref) => `${e.control}: no test "${ref.test}" in ${ref.file}`),
    );
    expect(missing).toEqual([]);
  });

  it("lists every test that names a control among that control's proofs", () => {
    const claimed = new Set(EVIDENCE.flatMap((e) => e.provenBy.map((ref) => `${e.control}|${ref.file}|${ref.test}`)));
    const unlisted = testFiles().flatMap((file) =>
      testTitles(file)
        .filter((title) => CONTROL_ID.test(title.split(" ")[0]))
        .filter((title) => !claimed.has(`${title.split(" ")[0]}|${file}|${title}`))
        .map((title) => `${file}: "${title}"`),
    );
    expect(unlisted).toEqual([]);
  });

  it("computes status from evidence: no proof means planned, all layers covered and no known gap means enforced", () => {
    const place = { kind: "component" as const, file: "index.ts", symbol: "loadStackConfig" };
    const proof = { file: "test/catalog.test.ts", test: "x" };
    const status = (evidence: Parameters<typeof buildCatalog>[0]) =>
      buildCatalog(evidence).find((c) => c.id === "ISO-05")!.status;
    expect(status([{ control: "ISO-05", enforcedBy: [place], provenBy: [] }])).toBe("planned");
    expect(status([{ control: "ISO-05", enforcedBy: [place], provenBy: [proof] }])).toBe("enforced");
    const partial = buildCatalog([{ control: "ISO-01", enforcedBy: [place], provenBy: [proof] }]).find((c) => c.id === "ISO-01")!;
    expect([partial.status, partial.coveredLayers]).toEqual(["partial", ["decl"]]);
    expect(status([{ control: "ISO-05", enforcedBy: [place], provenBy: [proof], limitations: ["blind spot"] }])).toBe("partial");
    expect(() => buildCatalog([{ control: "ISO-99", enforcedBy: [], provenBy: [] }])).toThrow(
      "Evidence names unknown control ISO-99",
    );
  });

  it("gives each runtime-detection control the seed's severity", () => {
    const severities = Object.fromEntries(catalog.filter((c) => c.id.startsWith("RUN-")).map((c) => [c.id, c.severity ?? null]));
    expect(severities).toEqual({
      "RUN-01": "WARNING",
      "RUN-02": "CRITICAL",
      "RUN-03": "CRITICAL",
      "RUN-04": "CRITICAL",
      "RUN-05": "ERROR",
      "RUN-06": "CRITICAL",
      "RUN-07": "ERROR",
      "RUN-08": null,
    });
  });
});
