import * as pulumi from "@pulumi/pulumi";

/**
 * Builds a value from pure builders whose arguments include Pulumi inputs, so that only the fields
 * that embed an input wait for it. Building the whole value inside one `apply` would make all of
 * it unknown in a first preview (a Helm release's values, a CronJob's spec), and the policy pack
 * could then decide nothing about it.
 *
 * `build` runs once with a stand-in for each input; every string that contains a stand-in becomes
 * an output of that input, the rest stays plain. So the builder may embed an input in strings
 * (`${arn}`, `"${ip}/32"`, an HCL stanza) but must not compute with it: a stand-in it transformed
 * would not be found again, and is refused rather than deployed.
 *
 * The result is the built value with outputs in place of those strings: give it to a resource
 * as it is. Lifting it through `pulumi.output` would again make all of it unknown when any part is.
 */
export function withInputs<K extends string, T>(inputs: Record<K, pulumi.Input<string>>, build: (values: Record<K, string>) => T): pulumi.Input<T> {
  const keys = Object.keys(inputs) as K[];
  const standIns = Object.fromEntries(keys.map((key) => [key, standIn(key)])) as Record<K, string>;
  const shaped = build(standIns);
  const resolved = pulumi.all(keys.map((key) => inputs[key]));
  return substitute(shaped, keys, standIns, resolved) as pulumi.Input<T>;
}

const STAND_IN_PREFIX = "__pulumi_input_";
// Found in any case: a builder that changed a stand-in's case computed with it.
const TRACE = new RegExp(STAND_IN_PREFIX, "i");

function standIn(key: string): string {
  return `${STAND_IN_PREFIX}${key}__`;
}

function substitute<K extends string>(value: unknown, keys: K[], standIns: Record<K, string>, resolved: pulumi.Output<string[]>): unknown {
  if (typeof value === "string") {
    if (!TRACE.test(value)) return value;
    const used = keys.filter((key) => value.includes(standIns[key]));
    const leftover = used.reduce((text, key) => text.split(standIns[key]).join(""), value);
    if (used.length === 0 || TRACE.test(leftover)) {
      throw new Error(`withInputs: the builder changed an input's stand-in instead of embedding it, in "${value}"`);
    }
    return resolved.apply((values) => keys.reduce((text, key, i) => text.split(standIns[key]).join(values[i]), value));
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, keys, standIns, resolved));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, keys, standIns, resolved)]));
  }
  return value;
}
