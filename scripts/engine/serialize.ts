/**
 * Turns the wire form of resource inputs (a protobuf Struct as plain JS) into readable values:
 * secrets are masked, resource references become their URN, unknowns a marker. Nothing secret
 * ever reaches a captured resource, a test failure message or a file the plan writes.
 */

export const SECRET_MASK = "[secret]";
export const UNKNOWN_MARK = "[unknown]";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SIG = {
  secret: "1b47061264138c4ac30d75fd1eb44270",
  resourceReference: "5cf8f73096256a8f31e491e813e4eb8e",
  outputValue: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
  asset: "c44067f5952c0a294b673a41bacd8c17",
  archive: "0def7320c3a5731c473e5ecbe6d01bc7",
};
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function readableValue(value: unknown): unknown {
  if (value === UNKNOWN_VALUE) return UNKNOWN_MARK;
  if (Array.isArray(value)) return value.map(readableValue);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  switch (record[SIG_KEY]) {
    case SIG.secret:
      return SECRET_MASK;
    case SIG.resourceReference:
      return record.urn;
    case SIG.outputValue:
      if (record.secret) return SECRET_MASK;
      return "value" in record ? readableValue(record.value) : UNKNOWN_MARK;
    case SIG.asset:
    case SIG.archive:
      return { asset: record.path ?? record.uri ?? "[inline]" };
    default:
      return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, readableValue(v)]));
  }
}

/** True when a captured value (or anything inside it) was a secret. */
export function containsSecret(value: unknown): boolean {
  if (value === SECRET_MASK) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value && typeof value === "object") return Object.values(value).some(containsSecret);
  return false;
}
