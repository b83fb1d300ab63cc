/** Validated building blocks every configuration schema shares. */
import { z } from "zod";
import { CIDR_RULE, HOSTNAME_RULE, IMAGE_RULE, QUANTITY_RULE, isHostname, isPinnedImage, parseIpv4Cidr, parseQuantity } from "./rules";

export const hostname = z.string().refine(isHostname, { error: HOSTNAME_RULE });
export const image = z.string().refine(isPinnedImage, { error: IMAGE_RULE });
export const cidr = z.string().refine((v) => parseIpv4Cidr(v) !== undefined, { error: CIDR_RULE });

export function quantityBetween(min: string, max: string) {
  const low = parseQuantity(min)!;
  const high = parseQuantity(max)!;
  return z.string().superRefine((value, ctx) => {
    const parsed = parseQuantity(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: "custom", message: QUANTITY_RULE });
    } else if (parsed < low || parsed > high) {
      ctx.addIssue({ code: "custom", message: `must be between ${min} and ${max}` });
    }
  });
}

export function uniqueList<T extends z.ZodType<string>>(item: T, what: string) {
  return z.array(item).superRefine((values, ctx) => {
    values.forEach((value, index) => {
      if (values.indexOf(value) !== index) {
        ctx.addIssue({ code: "custom", path: [index], message: `duplicate ${what}` });
      }
    });
  });
}
