// Validates Kubernetes custom resources against the published Istio and cert-manager schemas.
// The @kubernetes-models packages are ESM-only, which jest (CommonJS) cannot load, so tests run
// this script as a child process: a JSON array of objects on stdin, a JSON report on stdout,
// exit status 1 when any object fails.

const PACKAGES = [
  { groups: /\.istio\.io$/, pkg: "@kubernetes-models/istio" },
  { groups: /^(acme\.)?cert-manager\.io$/, pkg: "@kubernetes-models/cert-manager" },
];

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.split("/");
  const match = PACKAGES.find((p) => p.groups.test(group ?? ""));
  if (!match || !version || !/^[A-Za-z]+$/.test(kind)) {
    throw new Error(`no published schema for ${apiVersion} ${kind}`);
  }
  const module = await import(`${match.pkg}/${group}/${version}/${kind}`);
  return module[kind];
}

async function validate(object) {
  const id = `${object.apiVersion} ${object.kind} ${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
  try {
    const Model = await modelFor(object.apiVersion, object.kind);
    new Model(object).validate();
    return { id, ok: true };
  } catch (error) {
    const details = (error.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    return { id, ok: false, error: details.length ? details.join("; ") : String(error.message ?? error) };
  }
}

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const objects = JSON.parse(input);
if (!Array.isArray(objects) || objects.length === 0) {
  process.stdout.write(JSON.stringify({ results: [], error: "expected a non-empty JSON array" }));
  process.exit(1);
}
const results = await Promise.all(objects.map(validate));
process.stdout.write(JSON.stringify({ results }));
process.exit(results.every((r) => r.ok) ? 0 : 1);
