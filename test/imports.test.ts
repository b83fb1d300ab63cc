import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { REPO_ROOT } from "../scripts/engine/stackFile";

/**
 * The program's modules form no import circle. A circle makes one module see the other half
 * initialised (an `undefined` import at load time), and it ties together what should change apart:
 * composition/platform.ts and composition/tenants.ts share composition/context.ts instead.
 */

function sourceFiles(): string[] {
  const listed = execFileSync("git", ["ls-files", "*.ts"], { cwd: REPO_ROOT, encoding: "utf8" }).trim().split("\n");
  return listed.filter((file) => !file.endsWith(".test.ts") && !file.endsWith(".d.ts") && fs.existsSync(path.join(REPO_ROOT, file)));
}

/** Relative imports that load a module at run time (`import type` does not). */
export function runtimeImports(file: string, source: string): string[] {
  const imports: string[] = [];
  const pattern = /^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["'](\.[^"']+)["']/gm;
  for (const match of source.matchAll(pattern)) {
    const base = path.normalize(path.join(path.dirname(file), match[1]));
    const candidates = [`${base}.ts`, path.join(base, "index.ts")];
    const found = candidates.find((candidate) => fs.existsSync(path.join(REPO_ROOT, candidate)));
    if (found) imports.push(found);
  }
  return imports;
}

/** Every circle in the graph, each as the path that closes it. */
export function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

describe("module imports", () => {
  const graph = new Map(sourceFiles().map((file) => [file, runtimeImports(file, fs.readFileSync(path.join(REPO_ROOT, file), "utf8"))]));

  it("sees the composition's edges (the scan reads this repository's import style)", () => {
    expect(graph.get("composition/platform.ts")).toContain("composition/context.ts");
    expect(graph.get("composition/tenants.ts")).toContain("composition/context.ts");
    expect(graph.get("index.ts")).toEqual(expect.arrayContaining(["composition/platform.ts", "composition/tenants.ts"]));
  });

  it("finds a circle when there is one", () => {
    const withCircle = new Map(graph);
    withCircle.set("composition/context.ts", [...(graph.get("composition/context.ts") ?? []), "composition/platform.ts"]);
    expect(circles(withCircle)).toContainEqual(["composition/context.ts", "composition/platform.ts", "composition/context.ts"]);
  });

  it("has no import circle anywhere in the program, the plan or the policy pack", () => {
    expect(circles(graph)).toEqual([]);
  });
});
