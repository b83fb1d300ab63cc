/**
 * np-guard's netpol-analyzer (`.tools/bin/netpol-analyzer`, built by scripts/install-tools.sh) run
 * over a directory of manifests, and its answer put in a form the intended map can be written in:
 * one line `source => destination : connections` per flow, with address ranges named.
 *
 * The analyser splits the address space into the disjoint blocks its policies mention and reports
 * each block separately; for a pod, the blocks are merged back per protocol and port, and each merged
 * set is named when it is exactly a union of named sets (otherwise its ranges are printed).
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/engine/stackFile";

export const ANALYZER = path.join(REPO_ROOT, ".tools", "bin", "netpol-analyzer");

export interface AnalyzedConnection {
  src: string;
  dst: string;
  conn: string;
}

/**
 * `netpolicy list -o json` over `dir`. The CLI exits 0 even when it could not read a manifest, and
 * in v1.3.1 `--fail` fails every directory with kinds it skips (custom resources), so instead any
 * line it logs as an error fails the caller.
 */
export function analyze(dir: string): AnalyzedConnection[] {
  const result = spawnSync(ANALYZER, ["list", "--dirpath", dir, "-o", "json"], { encoding: "utf8" });
  if (result.error) throw result.error;
  const errors = result.stderr.split("\n").filter((line) => /\berr(or)?\b/i.test(line));
  if (result.status !== 0 || errors.length > 0) throw new Error(`netpol-analyzer failed (exit ${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as AnalyzedConnection[];
}

/** YAML 1.1, as Kubernetes and the analyser read it: strings such as "yes" stay quoted strings. */
export const YAML_OPTIONS = { lineWidth: 0, version: "1.1" } as const;

/** An inclusive range of IPv4 addresses as numbers. */
export type Interval = [number, number];

export function parseAddress(text: string): number {
  const octets = text.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) throw new Error(`not an IPv4 address: ${text}`);
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function formatAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export function cidrInterval(cidr: string): Interval {
  const [address, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits ?? 32));
  const start = Math.floor(parseAddress(address) / size) * size;
  return [start, start + size - 1];
}

/** Sorted, non-overlapping, adjacent ranges joined. */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

export function subtract(from: Interval[], remove: Interval[]): Interval[] {
  let rest = mergeIntervals(from);
  for (const [rs, re] of mergeIntervals(remove)) {
    rest = rest.flatMap(([s, e]): Interval[] => {
      if (re < s || rs > e) return [[s, e]];
      return [...(rs > s ? [[s, rs - 1] as Interval] : []), ...(re < e ? [[re + 1, e] as Interval] : [])];
    });
  }
  return rest;
}

/** A named set of addresses: CIDRs, minus the CIDRs in `except`. */
export function addressSet(blocks: string[], except: string[] = []): Interval[] {
  return subtract(blocks.map(cidrInterval), except.map(cidrInterval));
}

const sameIntervals = (a: Interval[], b: Interval[]) => a.length === b.length && a.every((x, i) => x[0] === b[i][0] && x[1] === b[i][1]);
const contains = (outer: Interval[], inner: Interval[]) => subtract(inner, outer).length === 0;

/** `a.b.c.d-e.f.g.h[,…]` as the analyser prints an address peer. */
export function parseRanges(text: string): Interval[] | undefined {
  const parts = text.split(",");
  if (!parts.every((p) => /^\d+\.\d+\.\d+\.\d+(-\d+\.\d+\.\d+\.\d+)?$/.test(p))) return undefined;
  return mergeIntervals(parts.map((p) => p.split("-").map(parseAddress) as number[]).map(([s, e]) => [s, e ?? s]));
}

/** Names the set as a union of named sets (largest first), or prints its ranges. */
export function nameSet(set: Interval[], named: Record<string, Interval[]>): string {
  const candidates = Object.entries(named)
    .filter(([, s]) => contains(set, s))
    .sort(([, a], [, b]) => b.reduce((n, [s, e]) => n + e - s, 0) - a.reduce((n, [s, e]) => n + e - s, 0));
  const picked: string[] = [];
  let covered: Interval[] = [];
  for (const [name, s] of candidates) {
    if (contains(covered, s)) continue;
    picked.push(name);
    covered = mergeIntervals([...covered, ...s]);
  }
  if (picked.length > 0 && sameIntervals(covered, set)) return picked.sort().join(" + ");
  return set.map(([s, e]) => (s === e ? formatAddress(s) : `${formatAddress(s)}-${formatAddress(e)}`)).join(",");
}

/** One protocol-and-port item of a connection string; "*" for All Connections. */
type Atom = string;

/** `TCP 53,443,UDP 53` (the analyser's form) as atoms `TCP/53`, `TCP/443`, `UDP/53`. */
export function connAtoms(conn: string): Atom[] {
  if (conn === "All Connections") return ["*"];
  const atoms: Atom[] = [];
  let protocol = "";
  for (const token of conn.split(",").map((t) => t.trim())) {
    const match = /^(TCP|UDP|SCTP) (.+)$/.exec(token);
    const ports = match ? match[2] : token;
    if (match) protocol = match[1];
    if (!protocol || !/^\d+(-\d+)?$/.test(ports)) throw new Error(`cannot read connection "${conn}"`);
    atoms.push(`${protocol}/${ports}`);
  }
  return atoms;
}

/** Atoms back into the analyser's form: protocols in order, ports ascending. */
export function renderAtoms(atoms: Atom[]): string {
  if (atoms.includes("*")) return "All Connections";
  const byProtocol = new Map<string, string[]>();
  for (const atom of atoms) {
    const [protocol, ports] = atom.split("/");
    byProtocol.set(protocol, [...(byProtocol.get(protocol) ?? []), ports]);
  }
  return [...byProtocol.keys()]
    .sort()
    .map((protocol) => `${protocol} ${[...new Set(byProtocol.get(protocol))].sort((a, b) => parseInt(a) - parseInt(b)).join(",")}`)
    .join(",");
}

/** The same connection string however it was written: `UDP 53,TCP 53` is `TCP 53,UDP 53`. */
export const normalConn = (conn: string) => renderAtoms(connAtoms(conn));

/** The analyser's connections as sorted lines, address peers merged and named. */
export function connectivityMap(connections: AnalyzedConnection[], named: Record<string, Interval[]>): string[] {
  const lines = new Set<string>();
  // (source, destination) -> atoms between two workloads; (workload, direction, atom) -> addresses
  const between = new Map<string, Atom[]>();
  const addressed = new Map<string, Interval[]>();
  for (const { src, dst, conn } of connections) {
    const srcRanges = parseRanges(src);
    const dstRanges = parseRanges(dst);
    if (!srcRanges && !dstRanges) {
      const pair = `${src} => ${dst}`;
      between.set(pair, [...(between.get(pair) ?? []), ...connAtoms(conn)]);
      continue;
    }
    const [workload, direction, ranges] = srcRanges ? [dst, "from", srcRanges] : [src, "to", dstRanges!];
    for (const atom of connAtoms(conn)) {
      const key = `${workload}\u0000${direction}\u0000${atom}`;
      addressed.set(key, mergeIntervals([...(addressed.get(key) ?? []), ...ranges]));
    }
  }
  for (const [pair, atoms] of between) lines.add(`${pair} : ${renderAtoms(atoms)}`);
  // Group each workload's atoms by the exact address set they reach.
  const groups = new Map<string, { workload: string; direction: string; set: Interval[]; atoms: Atom[] }>();
  for (const [key, set] of addressed) {
    const [workload, direction, atom] = key.split("\u0000");
    const id = `${workload}\u0000${direction}\u0000${JSON.stringify(set)}`;
    const group = groups.get(id) ?? { workload, direction, set, atoms: [] };
    group.atoms.push(atom);
    groups.set(id, group);
  }
  for (const { workload, direction, set, atoms } of groups.values()) {
    const peer = nameSet(set, named);
    lines.add(direction === "to" ? `${workload} => ${peer} : ${renderAtoms(atoms)}` : `${peer} => ${workload} : ${renderAtoms(atoms)}`);
  }
  return [...lines].sort();
}
