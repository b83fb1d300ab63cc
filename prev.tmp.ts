import { runProgram } from "./scripts/engine/run";
import { policyResources, runPolicyPack } from "./scripts/plan/policies";
function unknownPaths(v: any, p: string, out: string[]) {
  if (v === "[unknown]") out.push(p);
  else if (Array.isArray(v)) v.forEach((x, i) => unknownPaths(x, `${p}[${i}]`, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) unknownPaths(x, p ? `${p}.${k}` : k, out);
}
(async () => {
  const run = await runProgram({ preview: true });
  let n = 0;
  for (const r of run.resources) { const out: string[] = []; unknownPaths(r.inputs, "", out); if (out.length) { n++; if (!r.type.startsWith("aws")) console.log(r.type, r.name, out.slice(0, 6).join(" ")); } }
  console.log("resources", run.resources.length, "with unknowns", n);
  const res = runPolicyPack(policyResources(run));
  console.log(res.report.slice(0, 60).join("\n"));
})().catch((e) => { console.error(e); process.exit(1); });
