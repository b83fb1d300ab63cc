/**
 * The two floors the program's plan is measured against: what the SDK itself costs, under the
 * same mock engine, for as many resources as the program declares.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CapturedResource } from "../engine/capture";

class Bare extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs) {
    super("bench:index:Bare", name, props);
  }
}

class Group extends pulumi.ComponentResource {
  constructor(name: string) {
    super("bench:index:Group", name, {});
    this.registerOutputs({});
  }
}

/** What the same-inputs floor needs of a resource the program declared. */
export type ResourceShape = Pick<CapturedResource, "name" | "custom" | "inputs">;

/** The bare floor: `count` resources of one property each, the least a resource costs the SDK. */
export function declareBare(count: number): void {
  for (let i = 0; i < count; i++) new Bare(`bare-${i}`, { index: i });
}

/**
 * The same-inputs floor: one resource per resource of the program, with the inputs it declared as plain
 * values (no Outputs, no dependencies, no components of the program's own), and an empty component
 * for each of its components. What is left above it is the program's own cost.
 */
export function declareSameInputs(shapes: ResourceShape[]): void {
  shapes.forEach((shape, i) => (shape.custom ? new Bare(`${shape.name}-${i}`, shape.inputs) : new Group(`${shape.name}-${i}`)));
}

export function shapesOf(resources: CapturedResource[]): ResourceShape[] {
  return resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map(({ name, custom, inputs }) => ({ name, custom, inputs }));
}
