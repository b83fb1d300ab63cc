import type { Segment } from "./types";

/** Set in the inputs: neither absent nor null. */
export const isSet = (v: unknown) => v !== undefined && v !== null;

export function keyOf(segment: Segment | undefined): string | undefined {
  return segment && "key" in segment ? segment.key : undefined;
}

/** Parse `a.b[0].c`, `spec.containers[*].image`, or `metadata.labels["app.kubernetes.io/name"]`. */
export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  let key = "";
  const flush = () => {
    if (key !== "") segments.push({ key });
    key = "";
  };
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      flush();
      i++;
    } else if (c === "[") {
      flush();
      const close = path.indexOf("]", i);
      const inner = path.slice(i + 1, close === -1 ? path.length : close);
      if (inner === "*") segments.push({ any: true });
      else if (/^\d+$/.test(inner)) segments.push({ index: Number(inner) });
      else segments.push({ key: inner.replace(/^["']|["']$/g, "") });
      i = close === -1 ? path.length : close + 1;
    } else {
      key += c;
      i++;
    }
  }
  flush();
  return segments;
}
